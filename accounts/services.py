"""Writes for accounts: the reader's profile, and the demo's staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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


@transaction.atomic
def staff_account_ensure(*, username: str, role: str, password: str):
    """A staff account in ``role`` that logs in wherever a person would try.

    Staff sign in to /admin/ with the username, and to the site's own login page
    (/accounts/login/, allauth) with the email, which allauth only accepts once
    verified: the address gets a verified, primary EmailAddress row. The password is
    set only when the account is created, so re-running never resets a changed one.
    """
    from allauth.account.models import EmailAddress

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "email": f"{username}@example.com"}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email}
    )
    if not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user
