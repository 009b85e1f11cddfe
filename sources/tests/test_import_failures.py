"""Bad inputs: each fails alone with a reason naming its file and line, the rest imports.

"No partial rows": a failed item leaves no article, byline or image behind.
"""

import datetime as dt
import json

import pytest
from django.core.management import CommandError
from django.utils import timezone

from articles.models import Article, ArticleImage, Byline
from sources.tests.builders import (
    LOREM,
    SECOND,
    html_page,
    jsonl_record,
    rss_feed,
    run_import,
    write_jsonl,
)

pytestmark = pytest.mark.django_db


def assert_one_failure(result, *, created: int, where: str, reason: str):
    out, err, error = result
    assert isinstance(error, CommandError)
    assert error.returncode == 1
    assert f"created {created}, updated 0, unchanged 0, failed 1" in out
    failure_lines = [line.strip() for line in err.splitlines() if where in line]
    assert failure_lines, f"no failure naming {where!r} in:\n{err}"
    assert reason in failure_lines[0], failure_lines[0]


def assert_rows_only_for(count: int):
    assert Article.objects.count() == count
    assert Byline.objects.exclude(article__in=Article.objects.all()).count() == 0
    assert ArticleImage.objects.exclude(article__in=Article.objects.all()).count() == 0


def test_truncated_jsonl_line_fails_alone_naming_its_line(tmp_path):
    truncated = json.dumps(jsonl_record(3))[:-40]
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), jsonl_record(2), truncated])
    assert_one_failure(
        run_import(path),
        created=2,
        where=f"{path}: line 3",
        reason="truncated record: the JSON ends early",
    )
    assert_rows_only_for(2)


def test_invalid_json_line_fails_alone_naming_its_line(tmp_path):
    invalid = '{"title": "Broken", "text": "x" "outlet": "Y"}'
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), invalid, jsonl_record(2)])
    assert_one_failure(
        run_import(path),
        created=2,
        where=f"{path}: line 2",
        reason="invalid JSON: Expecting ',' delimiter at column 33",
    )
    assert_rows_only_for(2)


def test_jsonl_record_missing_its_headline_is_refused_not_given_a_provisional_one(tmp_path):
    record = jsonl_record(2)
    del record["title"]
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), record])
    assert_one_failure(
        run_import(path),
        created=1,
        where=f"{path}: line 2",
        reason='record has no headline ("title" is missing or empty)',
    )
    assert_rows_only_for(1)
    assert Article.objects.filter(is_headline_provisional=True).count() == 0


def test_html_page_with_no_article_in_it_fails_alone(tmp_path):
    (tmp_path / "login.html").write_text(
        "<html><head><title>Log in</title></head><body><nav>Home | News</nav>"
        "<form><p>You must be logged in to read this.</p></form></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text(html_page(), encoding="utf-8")
    assert_one_failure(
        run_import(tmp_path),
        created=1,
        where="login.html",
        reason="no article text found in the HTML",
    )
    assert_rows_only_for(1)


def test_feed_entry_with_an_unparseable_date_fails_alone_naming_the_entry(tmp_path):
    path = tmp_path / "wire.xml"
    path.write_text(
        rss_feed(
            [
                {"title": "Good one", "link": "https://wire.example.com/1"},
                {"title": "Bad date", "link": "https://wire.example.com/2", "date": "Blursday"},
                {"title": "Good two", "link": "https://wire.example.com/3"},
            ]
        ),
        encoding="utf-8",
    )
    assert_one_failure(
        run_import(path),
        created=2,
        where=f"{path}: entry 2",
        reason="unparseable date 'Blursday' in <published>",
    )
    assert_rows_only_for(2)


def test_binary_file_is_refused_and_the_rest_imports(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])
    assert_one_failure(
        run_import(tmp_path / "photo.jpg", tmp_path / "a.jsonl"),
        created=1,
        where="photo.jpg",
        reason="binary file (not text): nothing to import",
    )
    assert_rows_only_for(1)


def test_file_in_a_legacy_encoding_is_decoded_by_charset_detection(tmp_path):
    """cp1252 from an old CMS: curly quotes and accents come out right, not as mojibake."""
    text = (
        "Café owners welcome the council’s bridge plan\n\n"
        f"{LOREM} “We have waited long enough,” said Zoë Müller, who runs the café.\n\n"
        f"{SECOND}\n"
    )
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1252"))
    out, _err, error = run_import(path)
    assert error is None
    article = Article.objects.get()
    assert article.headline == "Café owners welcome the council’s bridge plan"
    assert "“We have waited long enough,” said Zoë Müller" in article.body_text


def test_oversized_file_is_refused_with_the_limit_named(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 2_000
    big = write_jsonl(tmp_path / "big.jsonl", [jsonl_record(n) for n in range(1, 10)])
    small = write_jsonl(tmp_path / "small.jsonl", [jsonl_record(20)])
    out, err, error = run_import(big, small)
    assert_one_failure(
        (out, err, error),
        created=1,
        where="big.jsonl",
        reason=f"file is {big.stat().st_size:,} bytes, over the 2,000-byte limit; not imported",
    )
    assert_rows_only_for(1)


def test_a_record_the_database_refuses_fails_alone_and_its_batch_still_imports(tmp_path):
    """A NUL character passes validation but PostgreSQL rejects it: the bulk write falls
    back to one savepoint per record, so only that record fails."""
    bad = jsonl_record(2, text=f"{LOREM}\u0000{SECOND}")
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), bad, jsonl_record(3)])
    assert_one_failure(run_import(path), created=2, where=f"{path}: line 2", reason="NUL")
    assert_rows_only_for(2)


def test_missing_file_is_reported_by_name(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])
    assert_one_failure(
        run_import(tmp_path / "nope.jsonl", tmp_path / "a.jsonl"),
        created=1,
        where="nope.jsonl",
        reason="cannot read",
    )


def test_deeply_nested_jsonl_line_fails_alone_and_the_file_is_summarised(tmp_path):
    """100,000 nested brackets overflow the JSON decoder's recursion; that is one bad line."""
    nested = "[" * 100_000
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), nested, jsonl_record(2)])
    assert_one_failure(
        run_import(path),
        created=2,
        where=f"{path}: line 2",
        reason="record is nested too deeply to read",
    )
    assert_rows_only_for(2)


def test_jsonl_line_with_a_lone_surrogate_escape_fails_alone_naming_the_field(tmp_path):
    bad = json.dumps(jsonl_record(2)).replace('"title": "', '"title": "\\ud800', 1)
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), bad, jsonl_record(3)])
    assert_one_failure(
        run_import(path),
        created=2,
        where=f"{path}: line 2",
        reason="headline is not valid Unicode (lone surrogate U+D800)",
    )
    assert_rows_only_for(2)


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        ("9999-12-31T23:59:59-14:00", "is more than a day in the future"),
        ("2999-01-01", "is more than a day in the future"),
        ("0001-01-01T00:00:00+14:00", "is before 1800"),
        ("1799-12-31", "is before 1800"),
    ],
)
def test_jsonl_record_dated_out_of_range_is_refused_with_the_reason(tmp_path, published, reason):
    bad = jsonl_record(2, published=published)
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), bad, jsonl_record(3)])
    assert_one_failure(run_import(path), created=2, where=f"{path}: line 2", reason=reason)
    assert_rows_only_for(2)


def test_record_dated_today_or_tomorrow_is_imported(tmp_path):
    """Time zones run to +14:00: an article published "tomorrow" there is news here now."""
    tomorrow = (timezone.now() + dt.timedelta(hours=20)).isoformat()
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1, published=tomorrow)])
    _out, _err, error = run_import(path)
    assert error is None
    assert Article.objects.count() == 1


def test_feed_entry_dated_in_the_far_future_fails_alone_naming_the_entry(tmp_path):
    path = tmp_path / "wire.xml"
    path.write_text(
        rss_feed(
            [
                {"title": "Good one", "link": "https://wire.example.com/1"},
                {
                    "title": "Far future",
                    "link": "https://wire.example.com/2",
                    "date": "Fri, 31 Dec 9999 23:59:59 -1400",
                },
                {"title": "Good two", "link": "https://wire.example.com/3"},
            ]
        ),
        encoding="utf-8",
    )
    out, err, error = run_import(path)
    assert "created 2, updated 0, unchanged 0, failed 1" in out
    assert f"{path}: entry 2" in err
    assert_rows_only_for(2)


def test_far_future_html_page_date_is_never_stored_and_the_rest_imports(tmp_path):
    (tmp_path / "page.html").write_text(
        html_page(published="9999-12-31T23:59:59-14:00"), encoding="utf-8"
    )
    write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])
    run_import(tmp_path / "page.html", tmp_path / "a.jsonl")
    assert Article.objects.filter(published_at__year__gt=3000).count() == 0
    assert Article.objects.filter(canonical_url__contains="gazette").count() == 1
