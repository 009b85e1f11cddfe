"""What importers read from a source: encodings, names, desk credits and dates.

Each test here pins a defect that reached readers: a cp1252 export read as cp1250
("Naïve" became "Naďve"), accented bylines dropped, "Desk Report" turned into a person
with a public page, and a date-only source shown as "00:00 UTC".
"""

import datetime as dt

import pytest

from articles.models import Article, Byline
from entities.models import Person
from entities.services import is_desk_credit, person_for_byline
from sources.importers.reading import decode_text
from sources.importers.seed import parse_seed_text
from sources.tests import builders
from sources.tests.builders import LOREM, SECOND, html_page, jsonl_record, rss_feed, write_jsonl
from sources.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

# A realistic short article as a Western European CMS exports it.
ARTICLE = "\n\n".join(
    [
        "Site icon Example Chronicle",
        "Naïve hopes for a quick deal at the café summit",
        "By José García and Zoë Müller",
        "2025-05-06",
        "“We didn’t expect this,” said the owner of the café on the corner — a man who has "
        "seen many crises come and go in this town.",
        "Officials said the talks would resume on Monday. Naïve observers hoped for more, but "
        "the delegations left without a statement.",
    ]
)
BYLINE = "By José García and Zoë Müller"


def run_import(*args):
    return builders.run_import("--verbosity", "0", *args)


@pytest.fixture
def chronicle():
    """The seed's outlet, trusted, so its articles are public."""
    return OutletFactory(name="Example Chronicle", slug="example-chronicle", is_trusted=True)


# --- encodings


def test_a_short_cp1252_article_is_decoded_as_cp1252_not_cp1250():
    text, encoding = decode_text(ARTICLE.encode("cp1252"))
    assert encoding == "cp1252"
    assert text == ARTICLE


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Příliš žluťoučký kůň úpěl ďábelské ódy. Dvořák složil symfonii.\n" * 3, "cp1250"),
        ("Привет, как дела? Москва — столица России.\n" * 3, "cp1251"),
    ],
)
def test_other_code_pages_are_still_recognised(text, encoding):
    decoded, _found = decode_text(text.encode(encoding))
    assert decoded == text


def test_a_cp1252_seed_file_imports_with_its_accents_quotes_and_dashes(tmp_path, chronicle):
    path = tmp_path / "export.txt"
    path.write_bytes(ARTICLE.encode("cp1252"))
    _out, _err, error = run_import(path)
    assert error is None
    article = Article.objects.get()
    assert article.headline == "Naïve hopes for a quick deal at the café summit"
    assert article.paragraphs[0].startswith("“We didn’t expect this,” said the owner of the café")
    assert "— a man" in article.body_text
    assert [b.name for b in article.bylines.order_by("position")] == [
        "José García",
        "Zoë Müller",
    ]


# --- names


def test_the_seed_parser_keeps_accented_bylines():
    record = parse_seed_text(ARTICLE, source="export.txt")
    assert [(b.name, b.role) for b in record.bylines] == [
        ("José García", "author"),
        ("Zoë Müller", "author"),
    ]


@pytest.mark.parametrize("name", ["Ana Ñúñez", "Søren Kierkegård", "Łukasz Żak", "Ólafur Arnalds"])
def test_the_seed_parser_reads_a_unicode_name_as_a_byline(name):
    record = parse_seed_text(ARTICLE.replace("José García and Zoë Müller", name), source="x")
    assert [b.name for b in record.bylines] == [name]


def test_an_all_capitals_label_is_still_not_a_byline():
    record = parse_seed_text(
        ARTICLE.replace("By José García and Zoë Müller", "BREAKING NEWS"), source="x"
    )
    assert record.bylines == []


def test_a_masthead_starting_with_an_accented_capital_names_the_outlet():
    text = ARTICLE.replace("Site icon Example Chronicle", "Österreich Today")
    assert parse_seed_text(text, source="x").outlet_name == "Österreich Today"


def test_accented_bylines_become_people_with_plain_slugs(tmp_path, chronicle):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    run_import(tmp_path / "a.txt")
    people = dict(Person.objects.values_list("name", "slug"))
    assert people == {"José García": "jose-garcia", "Zoë Müller": "zoe-muller"}


# --- desk and agency credits


DESK_CREDITS = [
    "Desk Report",
    "Staff",
    "Reuters",
    "PTI",
    "News Desk",
    "AP",
    "AFP",
    "Agencies",
    "Web Desk",
    "Staff Reporter",
    "Reuters/AP",
    "PTI with inputs from agencies",
]


@pytest.mark.parametrize("name", DESK_CREDITS)
def test_a_desk_or_agency_credit_is_recognised(name):
    assert is_desk_credit(name) is True


@pytest.mark.parametrize("name", ["José García", "Ann Lee", "Apurva Patel", "Stafford Reed"])
def test_a_persons_name_is_not_a_desk_credit(name):
    assert is_desk_credit(name) is False


@pytest.mark.parametrize("name", DESK_CREDITS)
def test_a_feed_author_that_is_a_desk_stays_a_desk_credit_with_no_person(tmp_path, name):
    feed = tmp_path / "wire.xml"
    feed.write_text(
        rss_feed(
            [
                {
                    "title": "Bridge opening delayed",
                    "link": "https://wire.example.com/1",
                    "author": f"news@example.com ({name})",
                }
            ]
        ),
        encoding="utf-8",
    )
    run_import(feed)
    byline = Byline.objects.get()
    assert (byline.name, byline.role, byline.person) == (name, Byline.Role.DESK, None)
    assert Person.objects.count() == 0


def test_jsonl_authors_keep_people_as_people_and_agencies_as_desks(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1, authors=["Ann Lee", "PTI"])]))
    bylines = [
        (b.name, b.role, b.person_id is not None) for b in Byline.objects.order_by("position")
    ]
    assert bylines == [("Ann Lee", "author", True), ("PTI", "desk", False)]
    assert list(Person.objects.values_list("name", flat=True)) == ["Ann Lee"]


def test_a_saved_pages_desk_author_stays_a_desk_credit(tmp_path):
    (tmp_path / "page.html").write_text(html_page(author="Desk Report"), encoding="utf-8")
    run_import(tmp_path / "page.html")
    assert list(Byline.objects.values_list("name", "role")) == [("Desk Report", "desk")]
    assert Person.objects.count() == 0


def test_person_for_byline_creates_no_person_for_a_desk_credit():
    """The admin's byline inline asks this function; a desk answers None."""
    assert person_for_byline(name="Desk Report") is None
    assert person_for_byline(name="Reuters") is None
    assert Person.objects.count() == 0


# --- date precision


def test_a_date_only_seed_is_stored_as_a_day_and_shown_without_a_time(tmp_path, client, chronicle):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    run_import(tmp_path / "a.txt")
    article = Article.objects.get()
    assert article.published_at == dt.datetime(2025, 5, 6, tzinfo=dt.UTC)
    assert article.published_at_precision == Article.Precision.DAY

    page = client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2025-05-06">6 May 2025</time>' in page
    assert "00:00 UTC" not in page
    assert "2025-05-06T00:00" not in page  # not in the JSON-LD or meta tags either
    assert '<meta property="article:published_time" content="2025-05-06">' in page


def test_a_seed_with_a_time_keeps_minute_precision_and_shows_the_time(tmp_path, client, chronicle):
    (tmp_path / "a.txt").write_text(
        ARTICLE.replace("2025-05-06", "2025-05-06 18:33"), encoding="utf-8"
    )
    run_import(tmp_path / "a.txt")
    article = Article.objects.get()
    assert article.published_at_precision == Article.Precision.MINUTE
    assert "6 May 2025, 18:33 UTC" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("published", "precision"),
    [
        ("2024-03-04", "day"),
        ("2024-03-04T10:15+00:00", "minute"),
        ("2024-03-04T10:15:30+00:00", "second"),
    ],
)
def test_jsonl_dates_keep_the_precision_they_were_given(tmp_path, published, precision):
    run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1, published=published)]))
    assert Article.objects.get().published_at_precision == precision


@pytest.mark.parametrize(("date", "precision"), [("2024-03-05", "day"), (None, "second")])
def test_feed_dates_keep_the_precision_they_were_given(tmp_path, date, precision):
    item = {"title": "Bridge opening delayed", "link": "https://wire.example.com/1"}
    if date:
        item["date"] = date
    (tmp_path / "wire.xml").write_text(rss_feed([item]), encoding="utf-8")
    run_import(tmp_path / "wire.xml")
    article = Article.objects.get()
    assert article.published_at_precision == precision
    assert article.published_at.date() == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    ("published", "precision"),
    [("2024-03-05", "day"), ("2024-03-05T09:30:00+00:00", "minute")],
)
def test_saved_page_dates_keep_the_precision_they_were_given(tmp_path, published, precision):
    (tmp_path / "page.html").write_text(html_page(published=published), encoding="utf-8")
    run_import(tmp_path / "page.html")
    assert Article.objects.get().published_at_precision == precision


def test_the_news_sitemap_gives_a_date_only_article_its_date_alone(client):
    from django.utils import timezone

    from articles.tests.factories import ArticleFactory

    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    ArticleFactory(published_at=today, published_at_precision=Article.Precision.DAY)
    page = client.get("/sitemap-news.xml").content.decode()
    assert f"<news:publication_date>{today.date().isoformat()}</news:publication_date>" in page


def test_the_article_sitemap_gives_a_date_only_article_its_date_alone(client):
    from articles.tests.factories import ArticleFactory

    ArticleFactory(
        published_at=dt.datetime(2025, 5, 6, tzinfo=dt.UTC),
        published_at_precision=Article.Precision.DAY,
    )
    page = client.get("/sitemap-articles.xml").content.decode()
    assert "<lastmod>2025-05-06</lastmod>" in page


def test_a_date_only_article_card_keeps_its_date_alone(client):
    from articles.tests.factories import ArticleFactory

    article = ArticleFactory(
        published_at=dt.datetime(2025, 5, 6, tzinfo=dt.UTC),
        published_at_precision=Article.Precision.DAY,
        body=f"<p>{LOREM}</p><p>{SECOND}</p>",
    )
    page = client.get(article.outlet.get_absolute_url()).content.decode()
    assert '<time datetime="2025-05-06">6 May 2025</time>' in page


@pytest.mark.parametrize("name", ["Desk Report", "Reuters", "PTI"])
def test_a_desk_credit_typed_into_the_admins_byline_inline_stays_a_desk(name):
    """The admin's byline inline saves through article_attachments_save."""
    from accounts.tests.factories import UserFactory
    from articles import workflow
    from articles.tests.factories import ArticleFactory

    article = ArticleFactory()
    byline = Byline(article=article, position=1, name=name, role=Byline.Role.AUTHOR)
    workflow.article_attachments_save(
        article=article, saved=[byline], deleted=[], by=UserFactory(role="editor")
    )
    byline = article.bylines.get(name=name)
    assert (byline.role, byline.person) == (Byline.Role.DESK, None)
    assert Person.objects.count() == 0
