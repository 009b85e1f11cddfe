"""Imports started from the admin: files are stored, then a background task imports them."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.services import editorial_log

from ..models import ImportRun, Outlet
from .imports import (
    BATCH_SIZE,
    FORMATS,
    ImportReport,
    max_file_bytes,
    read_records,
    records_import,
)

logger = logging.getLogger(__name__)

UPLOAD_DIRECTORY = "imports"
PERMISSION = "sources.add_importrun"


@transaction.atomic
def import_run_create(
    *,
    files: list[UploadedFile[bytes]],
    by: User,
    format: str = "auto",
    outlet: Outlet | None = None,
) -> ImportRun:
    """Store the uploaded files under MEDIA_ROOT and queue their import.

    Oversized files are refused here, before they are stored, with the limit named.
    """
    if not by.has_perm(PERMISSION):
        raise PermissionDenied("You may not import articles.")
    if not files:
        raise ValidationError({"files": "Choose at least one file."})
    if format != "auto" and format not in FORMATS:
        raise ValidationError({"format": f"Unknown format {format!r}."})
    limit = max_file_bytes()
    too_big = [str(f.name) for f in files if (f.size or 0) > limit]
    if too_big:
        raise ValidationError({"files": f"Over the {limit:,}-byte limit: {', '.join(too_big)}."})
    run = ImportRun.objects.create(created_by=by, format=format, outlet=outlet)
    stored = []
    for upload in files:
        name = get_valid_filename(Path(upload.name or "upload").name) or "upload"
        stored.append(default_storage.save(f"{UPLOAD_DIRECTORY}/{run.pk}/{name}", upload))
    run.files = stored
    run.save(update_fields=["files"])
    editorial_log(
        actor=by,
        action="import.queue",
        target=run,
        payload={"files": stored, "format": format, "outlet_id": outlet and outlet.pk},
    )
    # Late: sources.tasks imports the services (a cycle within the app).
    from ..tasks import import_run_task

    transaction.on_commit(lambda: import_run_task.enqueue(import_run_id=run.pk))
    return run


def import_run_execute(*, import_run: ImportRun) -> ImportRun:
    """Import the run's stored files and keep the report on the run; resume if cut off.

    The files are imported a batch at a time (``records_import`` commits each; a batch
    never spans two files), and after each batch the run's counts are saved. Every
    item read counts once (created, updated, unchanged or failed), so the counts say
    how many items are done: a run that stopped (worker killed, database gone, an
    error) and is run again skips that many items of the same files and carries on.
    If the worker died between a batch's commit and its counts, that batch is
    imported again; upserts by source key make that harmless (its articles count as
    unchanged).
    """
    run = import_run
    if run.status in {ImportRun.Status.SUCCEEDED, ImportRun.Status.PARTIAL}:
        return run  # already done (a task may be delivered twice)
    done = _items_done(run)
    run.status, run.error = ImportRun.Status.RUNNING, ""
    run.started_at = run.started_at or timezone.now()
    run.save(update_fields=["status", "error", "started_at"])
    to_skip = done
    try:
        for name in run.files:
            path = Path(default_storage.path(name))
            items = _renamed(read_records([path], format=run.format), run)
            # Items already counted are read again (to find where we were), not imported.
            to_skip -= sum(1 for _item in itertools.islice(items, to_skip))
            # Batches end with each file, so a finished file's progress is always saved.
            while chunk := list(itertools.islice(items, BATCH_SIZE)):
                report = records_import(chunk, outlet=run.outlet, actor=run.created_by)
                _record_progress(run, report)
    except Exception as error:  # recorded on the run for the editor, then re-raised
        if isinstance(error, DatabaseError) and not _database_reachable():
            raise  # the run stays "running"; the worker re-queues it when the database is back
        _finish(run, error=f"{type(error).__name__}: {error}")
        raise
    return _finish(run)


def import_runs_recover(*, pending_grace: timedelta = timedelta(minutes=1)) -> list[int]:
    """Queue again the runs that no task will finish; returns their ids.

    A run is left "running" when its worker died, and "pending" if its task was never
    queued. The worker calls this after it has put the tasks of dead workers back in
    the queue (``newsroom.worker``), so a run with a queued or running task is left
    alone. A pending run gets ``pending_grace`` for its task to be queued on commit.
    """
    # Late: sources.tasks imports the services (a cycle within the app).
    from ..tasks import import_run_task

    live = DBTaskResult.objects.filter(
        task_path=import_run_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    with_task = {
        (call.get("kwargs") or {}).get("import_run_id") or (call.get("args") or [None])[0]
        for call in live
    }
    stranded = ImportRun.objects.filter(
        Q(status=ImportRun.Status.RUNNING)
        | Q(status=ImportRun.Status.PENDING, created_at__lt=timezone.now() - pending_grace)
    ).exclude(pk__in=[pk for pk in with_task if pk is not None])
    recovered = []
    for run in stranded.only("pk"):
        import_run_task.enqueue(import_run_id=run.pk)
        logger.warning("import run %s had no task to finish it; queued it again", run.pk)
        recovered.append(run.pk)
    return recovered


def _items_done(run: ImportRun) -> int:
    return run.created_count + run.updated_count + run.unchanged_count + run.failed_count


def _database_reachable() -> bool:
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


def _record_progress(run: ImportRun, report: ImportReport) -> None:
    """Add one committed batch's counts and failures to the run."""
    run.created_count += report.created
    run.updated_count += report.updated
    run.unchanged_count += report.unchanged
    run.failed_count += report.failed
    run.failures = [*run.failures, *(f.as_dict() for f in report.failures)]
    run.kept = [*run.kept, *(k.as_dict() for k in report.kept)]
    run.save(
        update_fields=[
            "created_count",
            "updated_count",
            "unchanged_count",
            "failed_count",
            "failures",
            "kept",
        ]
    )


def _renamed(items: Iterable[Any], run: ImportRun) -> Iterator[Any]:
    """Report failures by the uploaded file's name, not its path on our disk."""
    root = str(Path(default_storage.path(f"{UPLOAD_DIRECTORY}/{run.pk}"))) + "/"
    for item in items:
        item.source = item.source.removeprefix(root)
        yield item


@transaction.atomic
def _finish(run: ImportRun, *, error: str = "") -> ImportRun:
    run.error = error
    if error:
        run.status = ImportRun.Status.ERROR
    elif run.failed_count:
        run.status = ImportRun.Status.PARTIAL
    else:
        run.status = ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    editorial_log(
        actor=run.created_by,
        action="import.run",
        target=run,
        payload={
            "status": run.status,
            "created": run.created_count,
            "updated": run.updated_count,
            "unchanged": run.unchanged_count,
            "failed": run.failed_count,
            "kept_editors_version": len(run.kept),
            "error": error,
        },
    )
    return run
