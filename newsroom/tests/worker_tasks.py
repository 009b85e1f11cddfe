"""A task for the many-workers test: it records each run in a table of its own."""

import os
import time

from django.db import connection
from django.tasks import task

RUNS_TABLE = "newsroom_test_task_runs"


@task()
def record_run(number: int) -> int:
    """Records (number, worker pid) on every run; a task run twice leaves two rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (number, pid) VALUES (%s, %s)",  # noqa: S608 - a constant
            [number, os.getpid()],
        )
    time.sleep(0.02)  # long enough for the two workers to interleave
    return number
