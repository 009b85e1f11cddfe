"""The task worker: django-tasks-db's ``db_worker`` that outlives database outages and
picks up the tasks of workers that died.

    python -m newsroom.worker            # what `make run`, `make serve` and compose run

``manage.py db_worker`` stops for good on the first ``OperationalError`` (a database
restart), and a worker killed mid-task (``kill -9``, an out-of-memory kill, a lost
container) leaves its task RUNNING for ever. This worker

* runs django-tasks-db's ``Worker`` unchanged, in batch mode: it drains the queue and
  returns, and this loop sleeps ``--interval`` and calls it again;
* on a connection-level database error (see ``newsroom.middleware``), logs one line,
  waits with backoff (1 s doubling to 5 s) and carries on; a task cut off by the
  outage is not marked failed but put back in the queue once the database is back;
* at start and every ``TASKS_RECOVER_INTERVAL`` seconds re-queues RUNNING tasks whose
  worker is gone: on this host a worker is gone when its process is (worker ids are
  ``host:pid:start-time``, so a reused pid does not count); a worker on another host
  is presumed gone when its task has run for ``TASKS_STALE_AFTER`` seconds;
* then asks the apps to recover their own work (``sources``: import runs left
  "running" whose task is gone).

Tasks therefore run at least once, and each of ours is idempotent (see README,
"Production"): a re-run of a half-done task finishes the job without doing it twice.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import time
from datetime import timedelta

import django
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from newsroom.middleware import is_database_unavailable

logger = logging.getLogger("newsroom.worker")

BACKOFF_MAX_SECONDS = 5.0


def _process_start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; it ends at the last ")".
    return stat.rsplit(")", 1)[1].split()[19]


def worker_id_for_this_process() -> str:
    """host:pid:start-time, at most 64 characters (django-tasks-db's limit)."""
    pid = os.getpid()
    return f"{socket.gethostname()[:40]}:{pid}:{_process_start_ticks(pid)}"


def worker_is_alive(worker_id: str) -> bool | None:
    """Whether the worker that wrote ``worker_id`` still runs; None when we cannot tell."""
    parts = worker_id.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    host, pid, started = parts
    if host != socket.gethostname()[:40]:
        return None
    return _process_start_ticks(int(pid)) == started


def tasks_recover(*, own_worker_id: str, backend_name: str = "default") -> int:
    """Put RUNNING tasks whose worker is gone back in the queue; returns how many.

    The update is conditional on the row being unchanged, so a task that finished
    meanwhile is left alone.
    """
    # Late: models; this module runs before django.setup() (see main).
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale_before = timezone.now() - timedelta(seconds=settings.TASKS_STALE_AFTER)
    recovered = 0
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    for result in running.only("id", "worker_ids", "started_at", "task_path"):
        last = result.worker_ids[-1] if result.worker_ids else ""
        if last == own_worker_id:
            gone = True  # called between tasks: this process is not running it
        else:
            alive = worker_is_alive(last)
            gone = alive is False or (alive is None and result.started_at < stale_before)
        if not gone:
            continue
        recovered += DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        logger.warning(
            "re-queued task %s (%s) of gone worker %s", result.pk, result.task_path, last
        )
    return recovered


def work_recover(*, own_worker_id: str) -> None:
    """Everything that recovers lost work, in order: tasks first, then the apps' runs."""
    # Late: models; this module runs before django.setup() (see main).
    from sources.services.import_runs import import_runs_recover

    tasks_recover(own_worker_id=own_worker_id)
    import_runs_recover()


def _database_worker_class():
    # Late: models; this module runs before django.setup() (see main).
    from django_tasks_db.management.commands.db_worker import Worker

    class DatabaseUnavailable(Exception):
        """A task was cut off by a database outage; it stays RUNNING to be re-queued."""

    class ResilientWorker(Worker):
        def run_task(self, db_task_result) -> None:
            # django-tasks-db marks any exception FAILED; an outage is not the task's fault.
            original_set_failed = db_task_result.set_failed

            def set_failed(error: BaseException) -> None:
                if is_database_unavailable(error) or is_database_unavailable(error.__cause__):
                    raise DatabaseUnavailable(str(db_task_result.pk)) from error
                original_set_failed(error)

            db_task_result.set_failed = set_failed
            super().run_task(db_task_result)

    return ResilientWorker, DatabaseUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=1.0, help="idle poll, seconds")
    parser.add_argument("--queue-name", default="default")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.prod")

    django.setup()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logger.setLevel(logging.INFO)
    # Batch mode would log "Starting worker" and "No more tasks" every interval.
    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
    worker_class, database_unavailable = _database_worker_class()
    worker_id = worker_id_for_this_process()
    worker = worker_class(
        queue_names=args.queue_name.split(","),
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    logger.info("worker %s started", worker_id)
    next_recovery = 0.0
    backoff = 0.0
    while worker.running:
        try:
            if time.monotonic() >= next_recovery:
                work_recover(own_worker_id=worker_id)
                next_recovery = time.monotonic() + settings.TASKS_RECOVER_INTERVAL
            worker.run()  # batch mode: returns when the queue is empty
            if backoff:
                logger.warning("database reachable again; worker resumed")
            backoff = 0.0
            close_old_connections()
            if worker.running:
                time.sleep(args.interval)
        except (DatabaseError, database_unavailable) as error:
            cut_off = isinstance(error, database_unavailable)  # checked when it was raised
            cause = error.__cause__ if cut_off else error
            if not cut_off and not is_database_unavailable(error):
                raise
            for connection in connections.all():
                with contextlib.suppress(DatabaseError):
                    connection.close()
            next_recovery = 0.0  # whatever was cut off goes back in the queue first
            backoff = min(BACKOFF_MAX_SECONDS, backoff * 2 or 1.0)
            logger.warning(
                "database unavailable (%s); retrying in %.0f s", type(cause).__name__, backoff
            )
            time.sleep(backoff)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
