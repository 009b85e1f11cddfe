"""Writes for accounts: the reader's profile, and the demo's staff accounts."""

from __future__ import annotations

from typing import cast

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Profile
from .names import display_name_key, reserved_word_in


def default_display_name(user: User) -> str:
    """A name that never reveals the email address: the username, or "Reader <id>" when
    that is empty or uses a reserved word. Reads nothing (pages call it per comment)."""
    name = (user.get_full_name() or user.username or "").split("@")[0].strip()[:50]
    if not name or reserved_word_in(name):
        return f"Reader {user.pk}"
    return name


def _is_taken(name: str, *, user: User | None) -> bool:
    others = Profile.objects.filter(display_name_key=display_name_key(name))
    if user is not None and user.pk is not None:
        others = others.exclude(user=user)
    return others.exists()


def check_display_name(name: str, *, user: User | None = None) -> str:
    """The name, stripped; a ValidationError on ``display_name`` if it may not be used."""
    name = name.strip()
    word = reserved_word_in(name)
    if word:
        raise ValidationError(
            {"display_name": f"“{word}” is reserved for the newsroom; choose another name."}
        )
    if _is_taken(name, user=user):
        raise ValidationError(
            {"display_name": "Another reader already uses this name; choose another."}
        )
    return name


def profile_for(*, user: User) -> Profile:
    """The user's profile, created with a safe default display name when missing."""
    cached = getattr(user, "_profile_cache", None)
    if cached is not None:
        return cast(Profile, cached)
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    name = default_display_name(user)
    if _is_taken(name, user=user):
        name = f"Reader {user.pk}"
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"display_name": name, "display_name_key": display_name_key(name)}
    )
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    notify_on_reply: bool | None = None,
    notify_on_rejection: bool | None = None,
) -> Profile:
    profile = profile_for(user=user)
    if display_name_key(display_name) != profile.display_name_key:
        display_name = check_display_name(display_name, user=user)
    profile.display_name = display_name.strip()
    profile.display_name_key = display_name_key(profile.display_name)
    if notify_on_reply is not None:
        profile.notify_on_reply = notify_on_reply
    if notify_on_rejection is not None:
        profile.notify_on_rejection = notify_on_rejection
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def staff_account_ensure(*, username: str, role: str, password: str) -> User:
    """A staff account in ``role`` that logs in wherever a person would try.

    Staff sign in to /admin/ with the username, and to the site's own login page
    (/accounts/login/, allauth) with the email, which allauth only accepts once
    verified: the address gets a verified, primary EmailAddress row. The password is
    set only when the account is created, so re-running never resets a changed one.
    """
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
