"""Imports started from the admin: files are stored, then a background task imports them."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from audit.services import editorial_log

from ..models import ImportRun, Outlet
from .imports import FORMATS, ImportReport, max_file_bytes, read_records, records_import

UPLOAD_DIRECTORY = "imports"
PERMISSION = "sources.add_importrun"


@transaction.atomic
def import_run_create(
    *, files: list[UploadedFile], by, format: str = "auto", outlet: Outlet | None = None
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
    too_big = [f.name for f in files if f.size > limit]
    if too_big:
        raise ValidationError({"files": f"Over the {limit:,}-byte limit: {', '.join(too_big)}."})
    run = ImportRun.objects.create(created_by=by, format=format, outlet=outlet)
    stored = []
    for upload in files:
        name = get_valid_filename(Path(upload.name).name) or "upload"
        stored.append(default_storage.save(f"{UPLOAD_DIRECTORY}/{run.pk}/{name}", upload))
    run.files = stored
    run.save(update_fields=["files"])
    editorial_log(
        actor=by,
        action="import.queue",
        target=run,
        payload={"files": stored, "format": format, "outlet_id": outlet and outlet.pk},
    )
    from ..tasks import import_run_task

    transaction.on_commit(lambda: import_run_task.enqueue(import_run_id=run.pk))
    return run


def import_run_execute(*, import_run: ImportRun) -> ImportRun:
    """Import the run's stored files and keep the report on the run.

    The import commits batch by batch (see ``records_import``), so this is not one
    transaction; the run records its outcome even when the import stops on an error.
    """
    run = import_run
    if run.status not in {ImportRun.Status.PENDING, ImportRun.Status.ERROR}:
        return run  # already done (a task may be delivered twice)
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    paths = [Path(default_storage.path(name)) for name in run.files]
    try:
        report = records_import(
            _renamed(read_records(paths, format=run.format), run),
            outlet=run.outlet,
            actor=run.created_by,
        )
    except Exception as error:  # recorded on the run for the editor, then re-raised
        _finish(run, ImportReport(), error=f"{type(error).__name__}: {error}")
        raise
    return _finish(run, report)


def _renamed(items, run: ImportRun):
    """Report failures by the uploaded file's name, not its path on our disk."""
    root = str(Path(default_storage.path(f"{UPLOAD_DIRECTORY}/{run.pk}"))) + "/"
    for item in items:
        item.source = item.source.removeprefix(root)
        yield item


@transaction.atomic
def _finish(run: ImportRun, report: ImportReport, *, error: str = "") -> ImportRun:
    run.created_count, run.updated_count = report.created, report.updated
    run.unchanged_count, run.failed_count = report.unchanged, report.failed
    run.failures = [f.as_dict() for f in report.failures]
    run.kept = [k.as_dict() for k in report.kept]
    run.error = error
    if error:
        run.status = ImportRun.Status.ERROR
    elif report.failures:
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
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": report.failed,
            "kept_editors_version": len(report.kept),
            "error": error,
        },
    )
    return run
