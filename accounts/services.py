"""Writes for accounts: the reader's profile."""

from __future__ import annotations

from django.db import transaction

from .models import Profile


def default_display_name(user) -> str:
    """A name that never reveals the email address: the username, or "Reader <id>"."""
    name = (user.get_full_name() or user.username or "").split("@")[0].strip()
    return name[:50] or f"Reader {user.pk}"


def profile_for(*, user) -> Profile:
    """The user's profile, created with a safe default display name when missing."""
    profile = getattr(user, "_profile_cache", None)
    if profile is not None:
        return profile
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"display_name": default_display_name(user)}
    )
    return profile


@transaction.atomic
def profile_update(
    *,
    user,
    display_name: str,
    notify_on_reply: bool | None = None,
    notify_on_rejection: bool | None = None,
) -> Profile:
    profile = profile_for(user=user)
    profile.display_name = display_name.strip()
    if notify_on_reply is not None:
        profile.notify_on_reply = notify_on_reply
    if notify_on_rejection is not None:
        profile.notify_on_rejection = notify_on_rejection
    profile.full_clean()
    profile.save()
    return profile
