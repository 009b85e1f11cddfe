"""The worker puts back in the queue the tasks of workers that died, and only those."""

import datetime as dt
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsroom.worker import tasks_recover, worker_id_for_this_process, worker_is_alive

pytestmark = pytest.mark.django_db


def running_task(worker_id: str, *, started_minutes_ago: int = 1) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {"article_id": 1}},
        task_path="articles.tasks.publish_scheduled_article",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=[worker_id],
    )


def dead_worker_id() -> str:
    """The id a worker process that has exited had on this host."""
    code = "from newsroom.worker import worker_id_for_this_process as w; print(w())"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_a_live_process_is_alive_and_an_exited_one_is_not():
    assert worker_is_alive(worker_id_for_this_process()) is True
    assert worker_is_alive(dead_worker_id()) is False


def test_a_reused_pid_does_not_count_as_the_worker():
    host, pid, _started = worker_id_for_this_process().split(":")
    assert worker_is_alive(f"{host}:{pid}:1") is False  # same pid, another start time


def test_a_task_of_a_dead_worker_on_this_host_is_queued_again_at_once():
    task = running_task(dead_worker_id(), started_minutes_ago=0)
    assert tasks_recover(own_worker_id="this-worker") == 1
    task.refresh_from_db()
    assert (task.status, task.started_at) == (TaskResultStatus.READY, None)


def test_a_task_of_a_live_worker_is_left_running():
    task = running_task(worker_id_for_this_process())  # this test process: alive
    assert tasks_recover(own_worker_id="this-worker") == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_the_workers_own_cut_off_task_is_queued_again():
    """Between tasks the worker runs nothing: a RUNNING task of its own was cut off."""
    task = running_task("this-worker")
    assert tasks_recover(own_worker_id="this-worker") == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


def test_another_hosts_task_is_queued_again_only_after_the_stale_deadline(settings):
    settings.TASKS_STALE_AFTER = 600
    recent = running_task("other-host:123:456", started_minutes_ago=5)
    stale = running_task("other-host:124:456", started_minutes_ago=15)
    assert tasks_recover(own_worker_id="this-worker") == 1
    recent.refresh_from_db()
    stale.refresh_from_db()
    assert (recent.status, stale.status) == (TaskResultStatus.RUNNING, TaskResultStatus.READY)
