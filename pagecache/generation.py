"""Generations: numbers that move forward when what a page shows changes.

Each key a page names (see keys.py) has a generation, and so does the whole site (the
global one, ``GENERATION_KEY``). A cached page stores the generations of its keys at
render time and is fresh while all of them, and the global one, are unchanged: one
``get_many``. Invalidating a key (invalidation.py, after the change commits) moves its
generation forward; bumping the global generation (``bump_now``: deploys, template
changes, renames shown everywhere) makes every page stale. This module is the bottom
layer: every app may import it.
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection

CACHE_ALIAS = "pages"
GENERATION_KEY = "pagecache:generation"
# With read replicas: the primary's WAL position when the generation last moved. A
# replica that has not replayed this far still lacks the change, and must not render
# pages for the new generation (newsroom/replicas.py reads the primary instead).
WAL_FENCE_KEY = "pagecache:wal-fence"
# Moves on every invalidation (after the keys it names): a process that has checked a
# page's keys at one clock value need not read them again until it moves.
CLOCK_KEY = "pagecache:clock"


def cache():
    return caches[CACHE_ALIAS]


def _fresh_generation(previous: int = 0) -> int:
    """A number above every generation handed out before, even one this cache forgot.

    Generations are clock readings (nanoseconds), not a counter from 1: a cache may drop
    the key at any time (a file cache culls entries at random, Redis evicts under
    memory pressure), and a counter restarting at 1 would serve pages stored under the
    old 1 again, stale corrections included.
    """
    return max(time.time_ns(), previous + 1)


def current_generation() -> int:
    value = cache().get(GENERATION_KEY)
    if value is None:
        cache().add(GENERATION_KEY, _fresh_generation(), timeout=None)
        value = cache().get(GENERATION_KEY) or _fresh_generation()
    return value


def bump_now() -> int:
    """Moves the generation forward, with no expiry.

    Not ``cache.incr``: on the file and database caches it re-stores the key with the
    default timeout (300 s), after which the generation would be re-created from
    scratch. Two processes bumping at once may both write; either value is new.
    The WAL fence is written first, so that no page is rendered for the new generation
    from a replica that lacks the change.
    """
    record_wal_fence()
    generation = _fresh_generation(cache().get(GENERATION_KEY) or 0)
    cache().set(GENERATION_KEY, generation, timeout=None)
    tick()
    return generation


def record_wal_fence() -> None:
    """With read replicas, remember the primary's WAL position before any generation
    moves: a replica that has not replayed this far lacks the change (and its requests
    read the primary, newsroom/replicas.py), so no page is stored as fresh without it."""
    if settings.DATABASE_REPLICAS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            cache().set(WAL_FENCE_KEY, cursor.fetchone()[0], timeout=None)


def tick() -> None:
    """Move the clock, after the generations it announces have been written."""
    cache().set(CLOCK_KEY, time.time_ns(), timeout=None)


def current_clock() -> int | None:
    """The clock; started when missing (a fresh or flushed cache), so that processes can
    remember what they found fresh from the first request on."""
    clock = cache().get(CLOCK_KEY)
    if clock is None:
        cache().add(CLOCK_KEY, time.time_ns(), timeout=None)
        clock = cache().get(CLOCK_KEY)
    return clock


def key_name(key: str) -> str:
    """Where a page key's generation is kept in the pages cache."""
    return f"pagecache:key:{key}"


def generations_now(keys) -> dict[str, int]:
    """The current generations of the global clock and ``keys``, in one ``get_many``.

    Keys missing from the cache (never invalidated, or evicted) are absent: an entry
    stored under an older generation of an evicted key is then stale, never fresh.
    """
    names = {key_name(key): key for key in keys}
    found = cache().get_many([GENERATION_KEY, *names])
    return {names.get(name, name): value for name, value in found.items()}


def generations_for_entry(
    keys, *, started_ns: int, created: dict[str, int] | None = None
) -> dict[str, int]:
    """The generations a page (or a part of one) rendered from ``started_ns`` on is
    stored with.

    A key never invalidated gets a generation now (``add``: every process agrees on
    one). A key invalidated after the render began is stored as 0, already stale: the
    render may have read the data before that change committed, and generations are
    clock readings, so "after" is a comparison. Across machines this relies on their
    clocks agreeing to well within a render's time.

    ``created``: keys given their first generation during this request, by a part that
    rendered inside the page (parts.py); updated with those given one here. Such a
    generation is newer than the page's start, but no data changed.
    """
    created = {} if created is None else created
    current = generations_now(keys)
    missing = [key for key in keys if key not in current]
    for key in missing:
        cache().add(key_name(key), _fresh_generation(), timeout=None)
    if missing:
        current.update(generations_now(missing))
        created.update({key: current[key] for key in missing if key in current})

    def generation(key: str) -> int:
        value = current.get(key, 0)
        if value > started_ns and created.get(key) != value:
            return 0
        return value

    return {key: generation(key) for key in keys}


def bump_keys(keys) -> None:
    """Moves the generation of each key forward, with no expiry (see ``bump_now``)."""
    keys = list(keys)
    if not keys:
        return
    record_wal_fence()
    previous = generations_now(keys)
    now = time.time_ns()
    cache().set_many(
        {key_name(key): max(now, previous.get(key, 0) + 1) for key in keys}, timeout=None
    )
    tick()
