"""The five seeds, imported through `manage.py import` into Article rows, field-exact.

The parser tests check records; these check what an editor and a reader get: the
article row, its outlet, ordered bylines, images, key points and body, with none of
the page's boilerplate left anywhere in the stored text.
"""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article

from .seed_boilerplate import BOILERPLATE, assert_no_boilerplate

pytestmark = pytest.mark.django_db

SEEDS = settings.SEEDS_DIR


@pytest.fixture(autouse=True)
def imported_seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"seed directory {SEEDS} is absent")
    call_command("import", str(SEEDS), "--verbosity", "0", stdout=io.StringIO())


def article(prefix: str) -> Article:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return Article.objects.select_related("outlet", "section").get(
        source__key__startswith="sha256:", body_text__contains=_first_words(path)
    )


def _first_words(path) -> str:
    from sources.importers.seed import parse_seed_file

    return parse_seed_file(path).paragraphs[0][:80]


def bylines(a: Article) -> list[tuple[str, str]]:
    return [(b.name, b.role) for b in a.bylines.order_by("position")]


def images(a: Article) -> list[tuple[str, str]]:
    return [(i.caption, i.credit) for i in a.images.order_by("position")]


def assert_stored_without_boilerplate(a: Article, boilerplate: list[str]) -> None:
    texts = [
        a.headline,
        a.dek,
        *a.paragraphs,
        *a.key_points,
        *(i.caption for i in a.images.all()),
    ]
    assert_no_boilerplate(texts, boilerplate, html=a.body)


def test_seed_000_is_stored_with_desk_byline_file_photo_and_regional_section():
    a = article("000")
    assert a.outlet is None
    assert a.headline == "Russia Offers Mediation as India-Pakistan Tensions Escalate Over Kashmir"
    assert a.is_headline_provisional is False
    assert a.published_at == dt.datetime(2025, 5, 5, 18, 33, tzinfo=dt.UTC)
    assert a.dek == (
        "Lavrov holds calls with both New Delhi and Islamabad as bilateral treaties "
        "collapse and tensions rise after deadly attack"
    )
    assert bylines(a) == [("Desk Report", "desk")]
    assert images(a) == [
        ("", "File Photo"),
        (
            "Paramedic carries a wounded tourist on a stretcher at a hospital in Anantnag "
            "after assailants indiscriminately fired at tourists visiting Pahalgam,",
            "",
        ),
    ]
    assert a.key_points == []
    assert a.section.name == "Regional"
    assert len(a.paragraphs) == 7
    assert a.paragraphs[0].startswith("Russia has expressed its readiness to mediate")
    assert a.paragraphs[0].endswith("the Russian Foreign Ministry announced on Sunday.")
    assert a.paragraphs[-1] == (
        "As of now, neither India nor Pakistan has publicly responded to Russia’s "
        "proposal for mediation."
    )
    assert a.needs_review is True
    assert "outlet not named" in a.review_notes
    assert_stored_without_boilerplate(a, BOILERPLATE["000"])


def test_seed_001_is_stored_with_its_outlet_courtesy_credit_and_attribution():
    a = article("001")
    assert a.outlet.name == "The Nation Express"
    assert a.headline == (
        "Russia Offers to Mediate India-Pakistan Kashmir Tensions After Pahalgam Attack"
    )
    assert a.published_at is None
    assert a.dek == ""
    assert bylines(a) == []
    assert images(a) == [("India & Russia", "India & Russia")]
    assert a.key_points == []
    assert a.attribution == "Source: IndianDefenseNews"
    assert len(a.paragraphs) == 9
    assert a.paragraphs[0].startswith("Russia has expressed willingness to help resolve")
    assert a.paragraphs[-1].endswith(
        "The coming weeks may prove decisive in determining whether diplomacy can "
        "overcome the current impasse."
    )
    assert a.needs_review is True
    assert a.review_notes.splitlines() == ["no byline found", "no publication date found"]
    assert_stored_without_boilerplate(a, BOILERPLATE["001"])


def test_seed_002_is_stored_with_author_key_points_and_no_finance_promos():
    a = article("002")
    assert a.outlet is None
    assert a.headline == (
        "Pakistan asks Russia to mediate as India-Pakistan ties worsen after Pahalgam attack"
    )
    assert a.published_at == dt.datetime(2025, 5, 5, tzinfo=dt.UTC)
    assert a.dek == ""
    assert bylines(a) == [("K N Mishra", "author")]
    assert a.bylines.get().person.name == "K N Mishra"
    assert images(a) == []
    assert a.key_points == [
        "Pakistan formally requests Russia to mediate diplomatically after the Pahalgam "
        "terror attack that escalated tensions with India.",
        "Russia urges both India and Pakistan to resolve issues bilaterally under the "
        "Simla Accord and Lahore Declaration principles.",
        "India reacts strongly to the terror attack, suspends Indus Water Treaty, and vows "
        "punishment for those behind the attack and their backers.",
    ]
    assert len(a.paragraphs) == 15
    assert a.paragraphs[0].startswith("In the aftermath of the deadly terror attack in Pahalgam")
    assert a.paragraphs[-1].endswith("in the long and troubled India-Pakistan history.")
    assert_stored_without_boilerplate(a, BOILERPLATE["002"])


def test_seed_003_without_headline_outlet_or_date_is_kept_flagged_with_provisional_headline():
    a = article("003")
    assert a.outlet is None
    assert a.headline == (
        "Relations between India and Pakistan have drastically worsened since the deadly "
        "terrorist attack in Pahalgam…"
    )
    assert a.is_headline_provisional is True
    assert a.published_at is None
    assert a.dek == ""
    assert bylines(a) == []
    assert images(a) == []
    assert a.key_points == []
    assert len(a.paragraphs) == 8
    assert a.paragraphs[0].startswith("Relations between India and Pakistan have drastically")
    assert a.paragraphs[-1].endswith(
        "still room for additional escalation or diplomatic engagement."
    )
    assert a.needs_review is True
    assert a.review_notes.splitlines() == [
        "no headline found; provisional headline taken from the first sentence",
        "no byline found",
        "no publication date found",
        "outlet not named",
    ]


def test_seed_004_is_stored_with_three_authors_in_order_and_masthead_outlet():
    a = article("004")
    assert a.outlet.name == "Modern Tokyo Times"
    assert a.headline == "Russia Offers to Mediate in Kashmir Crisis: India and Pakistan"
    assert a.published_at == dt.datetime(2025, 5, 6, tzinfo=dt.UTC)
    assert a.dek == ""
    assert bylines(a) == [
        ("Kanako Mita", "author"),
        ("Sawako Utsumi", "author"),
        ("Lee Jay Walker", "author"),
    ]
    assert images(a) == []
    assert a.key_points == []
    assert len(a.paragraphs) == 11
    assert a.paragraphs[0] == (
        "The Russian Federation offers to mediate between India and Pakistan concerning "
        "the ongoing crisis in Kashmir that threatens new convulsions."
    )
    assert a.paragraphs[-1] == (
        "However, it remains to be seen if India and Pakistan will heed the advice of the "
        "Russian Federation."
    )
    assert_stored_without_boilerplate(a, BOILERPLATE["004"])
