"""`manage.py import` for every format: what each keeps, idempotence, updates with history."""

import datetime as dt
import json
from urllib.parse import quote

import pytest
from reversion.models import Version

from articles.models import Article, ArticleImage, Byline
from sources.models import Outlet
from sources.tests.builders import LOREM, html_page, jsonl_record, rss_feed, run_import, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_sources(tmp_path):
    """One file of each format: 2 JSONL records, a saved page, a feed of 2 entries."""
    write_jsonl(tmp_path / "records.jsonl", [jsonl_record(1), jsonl_record(2)])
    (tmp_path / "page.html").write_text(html_page(), encoding="utf-8")
    (tmp_path / "wire.xml").write_text(
        rss_feed(
            [
                {"title": "Wire story one", "link": "https://wire.example.com/1"},
                {"title": "Wire story two", "link": "https://wire.example.com/2"},
            ]
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_every_format_imports_and_the_summary_table_counts_them(mixed_sources):
    out, err, error = run_import(mixed_sources)
    assert error is None
    assert "created 5, updated 0, unchanged 0, failed 0" in out
    assert "┃ created ┃ updated ┃ unchanged ┃ failed ┃" in out
    assert "Importing" in err  # the progress bar goes to stderr
    assert Article.objects.count() == 5


def test_importing_the_same_files_again_changes_nothing(mixed_sources):
    run_import(mixed_sources)
    rows = list(Article.objects.order_by("pk").values())
    out, _err, error = run_import(mixed_sources)
    assert error is None
    assert "created 0, updated 0, unchanged 5, failed 0" in out
    assert list(Article.objects.order_by("pk").values()) == rows


def test_an_updated_source_updates_its_article_and_keeps_the_earlier_version(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])
    run_import(path)
    write_jsonl(path, [jsonl_record(1, title="Bridge to open in May, council told")])

    out, _err, _error = run_import(path)

    assert "created 0, updated 1, unchanged 0, failed 0" in out
    article = Article.objects.get()
    assert article.headline == "Bridge to open in May, council told"
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    assert versions[1].field_dict["headline"] == "Bridge opening delayed again, council told (1)"
    assert versions[0].revision.comment == "Imported"


def test_dry_run_reports_real_counts_and_keeps_nothing(mixed_sources):
    out, _err, _error = run_import(mixed_sources, "--dry-run")
    assert "Would have created 5" in out
    assert Article.objects.count() == 0
    assert Outlet.objects.count() == 0


def test_jsonl_records_keep_outlet_date_url_and_paragraphs(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(3, authors=["Ann Lee"])]))
    article = Article.objects.select_related("outlet").get()
    assert article.outlet.name == "Example Gazette"
    assert article.headline == "Bridge opening delayed again, council told (3)"
    assert article.published_at == dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    assert article.canonical_url == "https://gazette.example.com/news/3"
    assert article.source.key == "url:https://gazette.example.com/news/3"
    assert len(article.paragraphs) == 2
    assert [b.name for b in article.bylines.all()] == ["Ann Lee"]
    assert article.needs_review is False


def test_jsonl_record_with_unknown_outlet_and_no_date_is_kept_and_flagged(tmp_path):
    record = jsonl_record(4, outlet="unknown", published=None, url=None)
    run_import(write_jsonl(tmp_path / "a.jsonl", [record]))
    article = Article.objects.get()
    assert article.outlet is None
    assert article.published_at is None
    assert article.source.key.startswith("sha256:")
    assert article.needs_review is True
    assert article.review_notes.splitlines() == [
        "outlet not named in the record",
        "no publication date in the record",
    ]


def test_saved_html_keeps_author_date_lead_image_caption_and_credit_without_page_chrome(
    tmp_path,
):
    run_import(_write(tmp_path / "page.html", html_page()))
    article = Article.objects.select_related("outlet").get()
    assert article.headline == "Bridge opening delayed again"
    assert article.outlet.name == "Example Herald"
    assert article.published_at == dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.UTC)
    assert article.canonical_url == "https://herald.example.com/bridge"
    assert [b.name for b in article.bylines.all()] == ["Jane Doe"]
    image = article.images.get()
    assert (image.caption, image.credit) == ("The unfinished bridge at dusk.", "Ann Lee")
    assert image.source_url == "https://herald.example.com/img/bridge.jpg"
    assert article.paragraphs[0] == LOREM
    for chrome in ("Advertisement", "Share this", "Related News", "logged in", "Log in"):
        assert chrome not in article.body_text


def test_saved_html_without_a_headline_gets_a_provisional_one_flagged_for_review(tmp_path):
    page = html_page(headline="").replace("<title> | Example Herald</title>", "")
    page = page.replace('<meta property="og:title" content="">', "")
    run_import(_write(tmp_path / "page.html", page))
    article = Article.objects.get()
    assert article.is_headline_provisional is True
    assert article.headline.startswith("The council met on Tuesday")
    assert article.needs_review is True


def test_feed_entries_keep_title_link_date_and_author(tmp_path):
    feed = rss_feed([{"title": "Wire story one", "link": "https://wire.example.com/1"}])
    run_import(_write(tmp_path / "wire.xml", feed))
    article = Article.objects.select_related("outlet").get()
    assert article.headline == "Wire story one"
    assert article.outlet.name == "Example Wire"
    assert article.canonical_url == "https://wire.example.com/1"
    assert article.published_at == dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.UTC)
    assert [b.name for b in article.bylines.all()] == ["Sam Wood"]


def test_outlet_option_assigns_every_item_to_that_outlet(tmp_path):
    Outlet.objects.create(name="Our Desk", slug="our-desk")
    run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)]), "--outlet", "our-desk")
    assert Article.objects.get().outlet.slug == "our-desk"
    assert not Outlet.objects.filter(name="Example Gazette").exists()


def test_format_option_overrides_detection_by_suffix(tmp_path):
    path = tmp_path / "export.data"
    path.write_text(json.dumps(jsonl_record(1)) + "\n", encoding="utf-8")
    out, _err, error = run_import(path, "--format", "jsonl")
    assert error is None
    assert "created 1" in out


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_bylines_and_images_are_not_duplicated_by_re_import(mixed_sources):
    run_import(mixed_sources)
    counts = Byline.objects.count(), ArticleImage.objects.count()
    run_import(mixed_sources)
    assert (Byline.objects.count(), ArticleImage.objects.count()) == counts


def test_a_directory_import_reads_article_files_and_leaves_its_readme_alone(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])
    (tmp_path / "README.md").write_text("# About these files\n\nThey are exports.\n")
    out, _err, error = run_import(tmp_path)
    assert error is None
    assert "created 1, updated 0, unchanged 0, failed 0" in out


def import_in_a_fresh_process(*args):
    """`manage.py import` as a command line, against the test database.

    Worker processes are forked; forking the test runner (which has live-server and
    browser threads by then) is unsafe, so the command runs in a process of its own.
    """
    import os
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{quote(db['HOST'], safe='')}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import", *map(str, args)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result.stdout, result.stderr, result.returncode


@pytest.mark.django_db(transaction=True)
def test_jobs_option_imports_files_in_worker_processes_with_the_same_counts(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [jsonl_record(n) for n in range(1, 6)])
    write_jsonl(tmp_path / "b.jsonl", [jsonl_record(n) for n in range(6, 9)])
    write_jsonl(tmp_path / "c.jsonl", [jsonl_record(9), '{"title": '])
    out, err, returncode = import_in_a_fresh_process(tmp_path, "--jobs", "2")
    assert "created 9, updated 0, unchanged 0, failed 1" in out
    assert "c.jsonl: line 2: truncated record" in err
    assert returncode == 1
    assert Article.objects.count() == 9
    out, _err, _returncode = import_in_a_fresh_process(tmp_path, "--jobs", "2")
    assert "created 0, updated 0, unchanged 9, failed 1" in out


@pytest.fixture
def local_feed_server(tmp_path):
    """A feed served on the loopback interface: the only network these tests touch."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_feed_url_is_fetched_and_its_entries_imported(local_feed_server):
    directory, base_url = local_feed_server
    feed = rss_feed([{"title": "Wire story one", "link": "https://wire.example.com/1"}])
    (directory / "wire.xml").write_text(feed, encoding="utf-8")
    out, _err, error = run_import(f"{base_url}/wire.xml")
    assert error is None
    assert "created 1, updated 0, unchanged 0, failed 0" in out
    assert Article.objects.get().headline == "Wire story one"


def test_an_unreachable_feed_url_is_reported_by_address(local_feed_server):
    _directory, base_url = local_feed_server
    out, err, error = run_import(f"{base_url}/missing.xml")
    assert error.returncode == 1
    assert f"{base_url}/missing.xml: cannot fetch: HTTP Error 404" in err
