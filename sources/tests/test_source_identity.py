"""Source identity is sources' own: a re-import finds its article by the key sources
recorded, two imports of one new source at the same moment make one article, and the
core knows only that an article was imported (so an undated one stays undated)."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from reversion.models import Version

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article
from audit.services import system_user
from sources.models import ArticleSource
from sources.services import read_records, record_import, records_import
from sources.tests.builders import jsonl_record, run_import, write_jsonl
from sources.tests.factories import OutletFactory


@pytest.mark.django_db
def test_sources_records_the_key_of_each_article_it_creates_and_finds_it_again(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), jsonl_record(2, url=None)])
    run_import(path)
    keys = dict(ArticleSource.objects.values_list("key", "article__headline"))
    assert keys["url:https://gazette.example.com/news/1"].endswith("(1)")
    assert [k for k in keys if k.startswith("sha256:")] != []
    assert Article.objects.filter(is_imported=True).count() == 2
    out, _err, _error = run_import(path)
    assert "created 0, updated 0, unchanged 2, failed 0" in out
    assert ArticleSource.objects.count() == Article.objects.count() == 2


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh inside a transaction too
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND wait_event = 'advisory'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_new_source_at_once_make_one_article(tmp_path):
    """The second import waits for the first's key, then finds its article: no second
    article, and no failure either."""
    # Committed first, so that the only thing the two imports can wait for is the key.
    OutletFactory(name="Example Gazette", slug="example-gazette")
    system_user()
    records = list(read_records([write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])]))
    first_wrote, commit_first = threading.Event(), threading.Event()
    outcome: dict = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = record_import(record=records[0])[1]
                first_wrote.set()
                commit_first.wait(30)
        finally:
            connection.close()

    def second():
        try:
            outcome["second"] = records_import(records)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_wrote.wait(30)
    threads[1].start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _waiting_on_a_lock() == 1  # the second import, on the first's source key
    commit_first.set()
    for thread in threads:
        thread.join(30)
    assert outcome["first"] == "created"
    report = outcome["second"]
    assert (report.created, report.unchanged, report.failed) == (0, 1, 0)
    assert Article.objects.count() == ArticleSource.objects.count() == 1


@pytest.mark.django_db
def test_an_undated_import_stays_undated_when_published_even_after_a_restore(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1, published=None)]))
    editor = UserFactory(role="editor")
    article = Article.objects.get()
    article.dek = "An editor's dek"
    workflow.article_save(article=article, by=editor, expected_version=1, changed_fields=["dek"])
    first = Version.objects.get_for_object(article).order_by("pk").first()
    workflow.article_restore(article=article, version=first, by=editor)
    published = workflow.article_publish(article=Article.objects.get(), by=editor)
    assert published.status == Article.Status.PUBLISHED
    assert published.published_at is None
    assert Article.objects.get().is_imported is True


@pytest.mark.django_db
def test_an_editor_finds_an_article_by_its_source_url_in_the_admin(tmp_path, client):
    run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), jsonl_record(2)]))
    client.force_login(UserFactory(role="editor"))
    page = client.get(
        reverse("admin:sources_articlesource_changelist"), {"q": "gazette.example.com/news/2"}
    ).text
    article = Article.objects.get(source__key="url:https://gazette.example.com/news/2")
    assert reverse("admin:articles_article_change", args=[article.pk]) in page
    assert "news/1" not in page
    assert client.get(reverse("admin:sources_articlesource_add")).status_code == 403
