"""Two task workers share one queue and never run a task twice.

django-tasks-db claims a task with ``SELECT ... FOR UPDATE SKIP LOCKED`` (its
``DBTaskResultQuerySet.get_locked``) and marks it RUNNING in the same transaction
(``db_worker.Worker.run``), so a second worker skips the row being claimed and then no
longer sees it as ready. Here two real ``python -m newsroom.worker`` processes drain
one queue of tasks that each record every run they make.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from newsroom.tests.production import database_url
from newsroom.tests.worker_tasks import RUNS_TABLE, record_run

pytestmark = pytest.mark.django_db(transaction=True)

TASKS = 80


def start_worker(log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "DATABASE_URL": database_url(connection.settings_dict),
        "SECRET_KEY": "a-long-random-test-secret-" + "k3y" * 20,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "consolemail://",
    }
    with open(log, "w") as output:
        return subprocess.Popen(  # noqa: S603 - our own worker
            [sys.executable, "-m", "newsroom.worker", "--interval", "0.05"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def runs_table():
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (number int, pid int)")
        cursor.execute(f"TRUNCATE {RUNS_TABLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RUNS_TABLE}")


def test_two_workers_run_every_task_exactly_once(runs_table, tmp_path):
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(log) for log in logs]
    try:
        # Both ready first, so that neither drains the queue alone before the other starts.
        wait_for(lambda: all("started" in log.read_text() for log in logs), 90, "the workers")
        database_backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(TASKS=database_backend):
            for number in range(TASKS):
                record_run.enqueue(number)
        finished = DBTaskResult.objects.filter(task_path=record_run.module_path).finished()
        wait_for(lambda: finished.count() == TASKS, 90, "the tasks")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, pid FROM {RUNS_TABLE}")  # noqa: S608 - a constant
        runs = cursor.fetchall()
    assert sorted(number for number, _ in runs) == list(range(TASKS))  # each once, none lost
    assert {pid for _, pid in runs} == {worker.pid for worker in workers}  # both took work
    results = DBTaskResult.objects.filter(task_path=record_run.module_path)
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert all(len(ids) == 1 for ids in results.values_list("worker_ids", flat=True))
