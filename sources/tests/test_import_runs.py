"""Admin upload: files are stored, imported by a background task, and the report kept."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from audit.models import EditorialLogEntry
from sources.models import ImportRun
from sources.services import import_run_create
from sources.tests.builders import jsonl_record
from sources.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:sources_importrun_add")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def importer(client):
    user = UserFactory(
        permissions=["sources.add_importrun", "sources.view_importrun"],
    )
    client.force_login(user)
    return user


def jsonl_upload(name, *records):
    import json

    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    return SimpleUploadedFile(name, data, content_type="application/jsonl")


def test_uploaded_files_are_imported_in_the_background_and_the_report_is_kept(
    client, importer, media_in_tmp, django_capture_on_commit_callbacks
):
    good = jsonl_upload("good.jsonl", jsonl_record(1), jsonl_record(2))
    bad = jsonl_upload("bad.jsonl", {"text": "no title here"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD_URL, {"files": [good, bad], "format": "auto"})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:sources_importrun_change", args=[run.pk])
    assert run.status == ImportRun.Status.PARTIAL
    assert (run.created_count, run.updated_count, run.unchanged_count, run.failed_count) == (
        2,
        0,
        0,
        1,
    )
    assert run.failures == [
        {
            "source": "bad.jsonl",
            "unit": "line",
            "line": 1,
            "reason": 'record has no headline ("title" is missing or empty)',
        }
    ]
    assert Article.objects.count() == 2
    assert all((media_in_tmp / name).is_file() for name in run.files)

    page = client.get(response.url)
    assert page.status_code == 200
    assert "Imported with failures" in page.text
    assert "bad.jsonl" in page.text
    assert "record has no headline" in page.text


def test_the_audit_log_records_who_queued_the_run_and_how_it_ended(
    client, importer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            UPLOAD_URL, {"files": [jsonl_upload("a.jsonl", jsonl_record(1))], "format": "auto"}
        )
    entries = EditorialLogEntry.objects.order_by("pk")
    assert [(e.action, e.actor) for e in entries] == [
        ("import.queue", importer),
        ("article.import_create", importer),
        ("outlet.import_create", importer),
        ("import.run", importer),
    ]
    entries = entries.filter(action__startswith="import.")
    assert entries[1].payload["created"] == 1
    assert entries[1].payload["status"] == "succeeded"


def test_staff_without_the_import_permission_cannot_upload(client):
    client.force_login(UserFactory(permissions=["sources.view_importrun"]))
    response = client.post(UPLOAD_URL, {"files": [jsonl_upload("a.jsonl", jsonl_record(1))]})
    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


def test_the_service_itself_refuses_users_without_the_permission():
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        import_run_create(files=[jsonl_upload("a.jsonl", jsonl_record(1))], by=user)


def test_an_oversized_upload_is_refused_with_the_limit_named(client, importer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    response = client.post(
        UPLOAD_URL, {"files": [jsonl_upload("big.jsonl", jsonl_record(1))], "format": "jsonl"}
    )
    assert response.status_code == 200
    assert "Over the 100-byte limit: big.jsonl." in response.text
    assert ImportRun.objects.count() == 0
