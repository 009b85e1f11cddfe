"""Throttling: how django-axes names the account a login attempt is for, and the
per-client, per-minute request counts the read API and search suggestions limit on."""

import time

from django.core.cache import cache


def login_username(request, credentials) -> str | None:
    """The email allauth submits, or the username the admin login submits, lower-cased."""
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username")
    if not name and request is not None:
        data = getattr(request, "POST", {})
        name = data.get("login") or data.get("username")
    return name.strip().lower() if name else None


def requests_this_minute(scope: str, client: str | None) -> tuple[int, int]:
    """How many requests ``client`` made under ``scope`` this minute, this one included,
    and the seconds left in the minute. The count lives in the cache, shared by every
    process, and is kept two minutes."""
    now = time.time()
    key = f"{scope}:{client}:{int(now // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    return count, 60 - int(now % 60)
