"""An import run cut off midway (worker killed, database gone) resumes where it stopped.

The kill itself is exercised end to end in newsroom/tests/test_database_faults.py;
here the run is left as a killed worker leaves it: "running", with the counts of the
batches that committed.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from audit.models import EditorialLogEntry
from sources.models import ImportRun
from sources.services import import_run_create, import_run_execute
from sources.services.import_runs import import_runs_recover
from sources.tests.builders import jsonl_record
from sources.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jsonl_upload(name, numbers):
    data = "".join(json.dumps(jsonl_record(n)) + "\n" for n in numbers).encode()
    return SimpleUploadedFile(name, data, content_type="application/jsonl")


def run_cut_off_after_its_first_file(django_capture_on_commit_callbacks) -> ImportRun:
    """Two files queued; the first imported; then the worker died (status "running")."""
    user = UserFactory(permissions=["sources.add_importrun"])
    with django_capture_on_commit_callbacks(execute=False):  # no task runs it yet
        run = import_run_create(
            files=[
                jsonl_upload("first.jsonl", range(3)),
                jsonl_upload("second.jsonl", range(3, 5)),
            ],
            by=user,
            format="jsonl",
        )
    files = run.files
    run.files = files[:1]
    import_run_execute(import_run=run)
    ImportRun.objects.filter(pk=run.pk).update(
        files=files, status=ImportRun.Status.RUNNING, finished_at=None
    )
    EditorialLogEntry.objects.filter(action="import.run").delete()
    run.refresh_from_db()
    assert (run.status, run.created_count, Article.objects.count()) == ("running", 3, 3)
    return run


def test_a_cut_off_run_imports_only_what_it_had_not_done(django_capture_on_commit_callbacks):
    run = run_cut_off_after_its_first_file(django_capture_on_commit_callbacks)

    import_run_execute(import_run=run)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    # The first file's three were skipped, not re-imported (they would count "unchanged").
    assert (run.created_count, run.updated_count, run.unchanged_count) == (5, 0, 0)
    assert Article.objects.count() == 5
    assert EditorialLogEntry.objects.filter(action="import.run").count() == 1


def test_a_run_left_running_without_a_task_is_queued_again_and_finishes(
    django_capture_on_commit_callbacks,
):
    run = run_cut_off_after_its_first_file(django_capture_on_commit_callbacks)

    # The test settings run tasks at once, so queueing it runs it.
    assert import_runs_recover() == [run.pk]

    run.refresh_from_db()
    assert (run.status, run.created_count, Article.objects.count()) == ("succeeded", 5, 5)


def test_a_run_whose_task_is_still_queued_is_left_alone(django_capture_on_commit_callbacks):
    run = run_cut_off_after_its_first_file(django_capture_on_commit_callbacks)
    DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {"import_run_id": run.pk}},
        task_path="sources.tasks.import_run_task",
        backend_name="default",
        run_after=timezone.now(),
    )

    assert import_runs_recover() == []
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING


def test_a_finished_run_delivered_again_does_nothing(django_capture_on_commit_callbacks):
    run = run_cut_off_after_its_first_file(django_capture_on_commit_callbacks)
    import_run_execute(import_run=run)

    import_run_execute(import_run=run)

    run.refresh_from_db()
    assert (run.created_count, run.unchanged_count) == (5, 0)
    assert EditorialLogEntry.objects.filter(action="import.run").count() == 1
