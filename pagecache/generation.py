"""Invalidation by generation: any published change makes every cached page stale.

A page's cache key includes the current generation number; bumping it (after the
change commits) means no old entry is ever served again, across all processes that
share the cache, without finding which pages showed the changed thing. News pages are
cheap to re-render once; serving a stale correction is not acceptable. This module is
the bottom layer: every app may import it.
"""

from django.core.cache import caches
from django.db import transaction

CACHE_ALIAS = "pages"
GENERATION_KEY = "pagecache:generation"


def cache():
    return caches[CACHE_ALIAS]


def current_generation() -> int:
    value = cache().get(GENERATION_KEY)
    if value is None:
        cache().add(GENERATION_KEY, 1, timeout=None)
        value = cache().get(GENERATION_KEY, 1)
    return value


def bump_now() -> int:
    try:
        return cache().incr(GENERATION_KEY)
    except ValueError:  # not set yet (first change after a cache flush)
        cache().add(GENERATION_KEY, 2, timeout=None)
        return cache().get(GENERATION_KEY, 2)


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
