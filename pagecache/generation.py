"""Invalidation by generation: any published change makes every cached page stale.

A page's cache key includes the current generation number; bumping it (after the
change commits) means no old entry is ever served again, across all processes that
share the cache, without finding which pages showed the changed thing. News pages are
cheap to re-render once; serving a stale correction is not acceptable. This module is
the bottom layer: every app may import it.
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction

CACHE_ALIAS = "pages"
GENERATION_KEY = "pagecache:generation"
# With read replicas: the primary's WAL position when the generation last moved. A
# replica that has not replayed this far still lacks the change, and must not render
# pages for the new generation (newsroom/replicas.py reads the primary instead).
WAL_FENCE_KEY = "pagecache:wal-fence"


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
    if settings.DATABASE_REPLICAS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            cache().set(WAL_FENCE_KEY, cursor.fetchone()[0], timeout=None)
    generation = _fresh_generation(cache().get(GENERATION_KEY) or 0)
    cache().set(GENERATION_KEY, generation, timeout=None)
    return generation


def bump_on_commit() -> None:
    """Call from any service that changes what readers see.

    One bump per transaction is enough: a batch of a hundred changes (an import, a
    clustering run) then writes the shared cache once, not a hundred times. A bump
    already waiting is reused only if it is bound to this transaction as closely as a new
    one would be (Django drops a callback with the savepoint it was registered in, and a
    released savepoint can no longer roll back).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is bump_now for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(bump_now)
