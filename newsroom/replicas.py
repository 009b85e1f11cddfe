"""Reads on streaming replicas, writes on the primary, and read-your-writes by cookie.

Only with ``DATABASE_REPLICA_URLS`` set (see settings): without it neither the router
nor the middleware is installed, and a one-box site runs exactly as before.

Which database a query goes to:

* **writes**: always the primary (``default``); so do migrations.
* **reads**: a replica only inside a request that ``ReplicaReadsMiddleware`` let go
  there, i.e. a GET/HEAD outside the admin, accounts, moderation and previews
  (``DATABASE_PRIMARY_PATHS``), from a client without the pin cookie. Everything else
  reads the primary: the task worker, management commands, the shell, any read inside
  a transaction (it must see its own uncommitted rows), reads of the apps in
  ``DATABASE_PRIMARY_APPS`` (task queue, sessions, login throttling) and related
  objects of an instance that came from the primary. One request reads one replica,
  chosen at random, so a page never mixes two replicas' states.
* **no stale page for a new generation**: when published content changes, the page
  cache's generation moves and the primary's WAL position at that moment is kept
  beside it (``pagecache.generation.WAL_FENCE_KEY``). A request's first read checks
  that its replica has replayed that far (one query per process until it has; none
  for requests the page cache answers) and reads the primary if not: a page rendered
  right after a publish shows the change, whichever replica is behind.
* **read-your-writes**: any POST, PUT, PATCH or DELETE sets a cookie
  (``DATABASE_PIN_COOKIE``, ``DATABASE_PIN_SECONDS``) that sends that client's reads to
  the primary until it expires; the page cache skips such clients too, so they never
  get a copy rendered before their write. The pin must outlast the replica lag, which
  /healthz?detail=1 shows.

Why our own router and not django-multidb-router's ``PinningReplicaRouter``: its last
release (0.11, July 2025) is tested up to Django 5.2, not 6.x; it sends every read to a
replica unless the thread is pinned, so reads inside ``transaction.atomic`` and the
worker's reads would go to a replica (a service would miss its own uncommitted rows);
it pins per thread rather than per context; and it knows nothing of paths that must stay
on the primary. Overriding the router and the middleware would have left nothing of it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from pagecache.generation import WAL_FENCE_KEY, cache

from .middleware import is_database_unavailable

logger = logging.getLogger("newsroom.database")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# The replica this request reads from; None (the default) reads the primary.
_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "newsroom_read_alias", default=None
)
# Whether this request's replica was checked against the WAL fence yet.
_fence_checked: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "newsroom_fence_checked", default=True
)
# Per process: the highest WAL position each replica is known to have replayed.
_replayed: dict[str, int] = {}
# Per process: replicas that failed to answer, and until when they are left out.
_down_until: dict[str, float] = {}
REPLICA_RETRY_SECONDS = 10.0


def _replica_for_this_request() -> str | None:
    now = time.monotonic()
    up = [alias for alias in settings.DATABASE_REPLICAS if _down_until.get(alias, 0) <= now]
    return random.choice(up) if up else None  # noqa: S311 - spreading load, not a secret


def _replica_has_replayed(alias: str, fence: str) -> bool:
    target = _lsn(fence)
    if _replayed.get(alias, -1) >= target:
        return True
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        replayed = _lsn(cursor.fetchone()[0]) or 0
    _replayed[alias] = max(replayed, _replayed.get(alias, 0))
    return replayed >= target


def _checked_against_fence(alias: str) -> str:
    """``alias``, or the primary when it has not replayed the last published change."""
    _fence_checked.set(True)
    fence = cache().get(WAL_FENCE_KEY)
    if fence and not _replica_has_replayed(alias, fence):
        _read_alias.set(None)
        return DEFAULT_DB_ALIAS
    return alias


def reads_go_to_primary(request) -> bool:
    return (
        request.method not in SAFE_METHODS
        or settings.DATABASE_PIN_COOKIE in request.COOKIES
        or request.path.startswith(tuple(settings.DATABASE_PRIMARY_PATHS))
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if (
            alias is None
            or model._meta.app_label in settings.DATABASE_PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            return DEFAULT_DB_ALIAS
        if not _fence_checked.get():
            return _checked_against_fence(alias)
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one cluster: a replica's row is the primary's row

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Chooses where this request reads (see the module docstring) and pins writers."""

    def __init__(self, get_response):
        if not settings.DATABASE_REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        alias = None if reads_go_to_primary(request) else _replica_for_this_request()
        request.replica_alias = alias
        token = _read_alias.set(alias)
        checked = _fence_checked.set(alias is None)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
            _fence_checked.reset(checked)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                settings.DATABASE_PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_exception(self, request, exception):
        """A replica that cannot be reached is left out for REPLICA_RETRY_SECONDS.

        This request still answers 503 (newsroom.middleware); the next ones in this
        process read another replica, or the primary.
        """
        alias = getattr(request, "replica_alias", None)
        if alias and is_database_unavailable(exception):
            _down_until[alias] = time.monotonic() + REPLICA_RETRY_SECONDS
            with contextlib.suppress(DatabaseError):
                connections[alias].close()
            logger.warning(
                "replica %s unavailable (%s); reads go elsewhere for %.0f s",
                alias,
                type(exception).__name__,
                REPLICA_RETRY_SECONDS,
            )


# ------------------------------------------------------------------------------ lag
def _lsn(text: str | None) -> int | None:
    """A pg_lsn ('16/B374D848') as a byte position."""
    if not text:
        return None
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_status(alias: str, *, primary_lsn: int | None = None) -> dict:
    """How far ``alias`` is behind the primary.

    ``bytes_behind``: WAL the primary had written (read first) that the replica had not
    replayed. ``lag_ms``: 0 when nothing is behind; otherwise the age of the last
    transaction the replica replayed (``now() - pg_last_xact_replay_timestamp()``), an
    upper bound on how stale its reads are. That age alone is not lag: it grows while
    the primary is idle, though the replica is then fully up to date, hence the LSN
    comparison first.
    """
    if primary_lsn is None:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = _lsn(cursor.fetchone()[0])
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
            " (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint,"
            " CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() END"
        )
        in_recovery, replay_lsn, replay_age_ms, pause_state = cursor.fetchone()
    behind = max(0, primary_lsn - (_lsn(replay_lsn) or 0))
    return {
        "is_replica": bool(in_recovery),
        "bytes_behind": behind,
        "lag_ms": 0 if behind == 0 else max(0, replay_age_ms or 0),
        "replay": pause_state or "not paused",
    }


def replicas_status() -> dict[str, dict]:
    """``replica_status`` of every configured replica; an unreachable one says so."""

    if not settings.DATABASE_REPLICAS:
        return {}
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        primary_lsn = _lsn(cursor.fetchone()[0])
    statuses = {}
    for alias in settings.DATABASE_REPLICAS:
        try:
            statuses[alias] = replica_status(alias, primary_lsn=primary_lsn)
        except DatabaseError as error:
            statuses[alias] = {"status": "unavailable", "error": type(error).__name__}
    return statuses
