"""Writing the audit log. Callers pass a real actor; scheduled jobs pass system_user()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import Truncator

from .models import EditorialLogEntry

SYSTEM_USERNAME = "newsroom-system"


def _unsaved_entry(
    *, actor: User, action: str, target: models.Model, payload: dict[str, Any] | None
) -> EditorialLogEntry:
    """One entry, not yet saved: the single and the bulk writers build them alike."""
    if actor is None or not getattr(actor, "pk", None):
        raise ValueError("An audit entry needs a saved actor; scheduled jobs use system_user().")
    return EditorialLogEntry(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=Truncator(str(target)).chars(300),
        payload=payload or {},
    )


def editorial_log(
    *, actor: User, action: str, target: models.Model, payload: dict[str, Any] | None = None
) -> EditorialLogEntry:
    """Record ``action`` by ``actor`` on ``target``; call inside the change's transaction."""
    entry = _unsaved_entry(actor=actor, action=action, target=target, payload=payload)
    entry.save(force_insert=True)
    return entry


def system_user() -> User:
    """The named account that scheduled and background jobs act as. It cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def editorial_log_many(
    *, actor: User, entries: Sequence[tuple[str, models.Model, dict[str, Any]]]
) -> list[EditorialLogEntry]:
    """Record many ``(action, target, payload)`` entries by one actor in one insert.

    Bulk imports audit every article they create or change; one query per article
    would cost them a large share of their time.
    """
    rows = [
        _unsaved_entry(actor=actor, action=action, target=target, payload=payload)
        for action, target, payload in entries
    ]
    return EditorialLogEntry.objects.bulk_create(rows)
