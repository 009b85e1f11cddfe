"""Reading the log: who may read which entries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from .actions import MODERATION_PREFIXES
from .models import EditorialLogEntry

EDITORIAL_PERMISSION = "audit.view_editorial_entries"
MODERATION_PERMISSION = "audit.view_moderation_entries"


def _moderation_q() -> Q:
    q = Q()
    for prefix in MODERATION_PREFIXES:
        q |= Q(action__startswith=prefix)
    return q


def log_entries_for(*, user: User | AnonymousUser) -> QuerySet[EditorialLogEntry]:
    """The entries ``user`` may read: editorial ones, moderation ones, both or none.

    Editors read what happened to articles, stories and entities; moderators what
    happened to comments and commenters; the admin role (and superusers) both.
    """
    entries = EditorialLogEntry.objects.all()
    editorial = user.has_perm(EDITORIAL_PERMISSION)
    moderation = user.has_perm(MODERATION_PERMISSION)
    if editorial and moderation:
        return entries
    if editorial:
        return entries.exclude(_moderation_q())
    if moderation:
        return entries.filter(_moderation_q())
    return entries.none()
