"""Writes of the api app: issuing keys and recording changes for the feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ApiKey, Change

KEY_BYTES = 32


def api_key_hash(raw: str) -> str:
    """SHA-256: the keys are 256 random bits, so a slow password hash adds nothing."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_issue(*, name: str) -> tuple[ApiKey, str]:
    """A new key for ``name``; returns the row and the key, which is never stored."""
    raw = "nr_" + secrets.token_urlsafe(KEY_BYTES)
    key = ApiKey(name=name, prefix=raw[:10], hashed_key=api_key_hash(raw))
    key.full_clean()
    key.save()
    return key, raw


def api_key_lookup(raw: str) -> ApiKey | None:
    if not raw or len(raw) > 200:
        return None
    return ApiKey.objects.filter(hashed_key=api_key_hash(raw), is_active=True).first()


@transaction.atomic
def changes_record(
    *,
    kind: str,
    object_type: str,
    object_ids: list[int],
    action: str = "",
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> list[Change]:
    """Append one feed entry per object; ``at`` defaults to now."""
    at = at or timezone.now()
    return Change.objects.bulk_create(
        Change(
            kind=kind,
            object_type=object_type,
            object_id=pk,
            action=action,
            details=details or {},
            at=at,
        )
        for pk in object_ids
    )
