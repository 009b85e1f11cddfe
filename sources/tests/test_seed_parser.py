"""Seed text parser against the five real page dumps in /work/shared/seeds.

Pure parsing tests: no database, no Django settings.
"""

import datetime as dt
from pathlib import Path

import pytest

from sources.importers.records import ArticleRecord, BylineRecord, ImageRecord
from sources.importers.seed import (
    NOTE_DATE_ONLY,
    NOTE_NO_BYLINE,
    NOTE_NO_DATE,
    NOTE_OUTLET_NOT_NAMED,
    NOTE_PROVISIONAL_HEADLINE,
    NOTE_TIME_ZONE_ASSUMED,
    SeedFormatError,
    parse_seed_file,
    parse_seed_text,
    provisional_headline,
)

from .seed_boilerplate import BOILERPLATE, assert_no_boilerplate

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

if not SEEDS.is_dir():
    pytest.skip(f"seed files not found at {SEEDS}", allow_module_level=True)


def _parse(prefix: str) -> ArticleRecord:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert len(matches) == 1, f"expected one seed {prefix}_*.txt in {SEEDS}, found {matches}"
    record = parse_seed_file(matches[0])
    assert record.source == str(matches[0])
    return record


def _assert_no_boilerplate(record: ArticleRecord, boilerplate: list[str]) -> None:
    texts = [
        record.headline,
        record.dek,
        *record.paragraphs,
        *record.key_points,
        *(image.caption for image in record.images),
    ]
    assert_no_boilerplate(texts, boilerplate)


def test_seed_000_desk_report_byline_and_regional_section() -> None:
    record = _parse("000")

    assert record.outlet_name == ""
    assert record.headline == (
        "Russia Offers Mediation as India-Pakistan Tensions Escalate Over Kashmir"
    )
    assert record.is_headline_provisional is False
    assert record.published_at == dt.datetime(2025, 5, 5, 18, 33, tzinfo=dt.UTC)
    assert record.dek == (
        "Lavrov holds calls with both New Delhi and Islamabad as bilateral treaties "
        "collapse and tensions rise after deadly attack"
    )
    assert record.bylines == [BylineRecord("Desk Report", "desk")]
    assert record.images == [
        ImageRecord(caption="", credit="File Photo"),
        ImageRecord(
            caption=(
                "Paramedic carries a wounded tourist on a stretcher at a hospital in "
                "Anantnag after assailants indiscriminately fired at tourists visiting "
                "Pahalgam,"
            )
        ),
    ]
    assert record.key_points == []
    assert record.section_name == "Regional"
    assert record.attribution == ""
    assert len(record.paragraphs) == 7
    assert record.paragraphs[0] == (
        "Russia has expressed its readiness to mediate between India and Pakistan "
        "following a deadly attack in the Pahalgam area of the Kashmir Valley that "
        "killed at least 26 people. Russian Foreign Minister Sergey Lavrov conveyed "
        "Moscow’s willingness to assist in a political settlement during a phone call "
        "with Pakistan’s Foreign Minister and Deputy Prime Minister Ishaq Dar, the "
        "Russian Foreign Ministry announced on Sunday."
    )
    assert record.paragraphs[-1] == (
        "As of now, neither India nor Pakistan has publicly responded to Russia’s "
        "proposal for mediation."
    )
    assert record.review_notes == [NOTE_TIME_ZONE_ASSUMED, NOTE_OUTLET_NOT_NAMED]
    _assert_no_boilerplate(record, BOILERPLATE["000"])
    # The headline repeated above the lead image is not a paragraph either.
    assert record.headline not in record.paragraphs


def test_seed_001_site_icon_outlet_courtesy_credit_and_source_attribution() -> None:
    record = _parse("001")

    assert record.outlet_name == "The Nation Express"
    assert record.headline == (
        "Russia Offers to Mediate India-Pakistan Kashmir Tensions After Pahalgam Attack"
    )
    assert record.is_headline_provisional is False
    assert record.published_at is None
    assert record.dek == ""
    assert record.bylines == []
    assert record.images == [ImageRecord(caption="India & Russia", credit="India & Russia")]
    assert record.key_points == []
    assert record.section_name == ""
    assert record.attribution == "Source: IndianDefenseNews"
    assert len(record.paragraphs) == 9
    assert record.paragraphs[0] == (
        "Russia has expressed willingness to help resolve rising tensions between India "
        "and Pakistan following the deadly Pahalgam terror attack in April. The offer "
        "comes as relations between the nuclear-armed neighbors hit a new low after the "
        "assault that killed 26 people."
    )
    assert record.paragraphs[-1] == (
        "Russia’s proposal marks the most significant third-party intervention attempt "
        "since the 2019 Pulwama crisis. However, with fundamental differences persisting "
        "between New Delhi and Islamabad, the path to de-escalation remains uncertain in "
        "the near term. The coming weeks may prove decisive in determining whether "
        "diplomacy can overcome the current impasse."
    )
    assert record.review_notes == [NOTE_NO_BYLINE, NOTE_NO_DATE]
    _assert_no_boilerplate(record, BOILERPLATE["001"])


def test_seed_002_single_newline_paragraphs_key_points_and_dropped_promos() -> None:
    record = _parse("002")

    assert record.outlet_name == ""
    assert record.headline == (
        "Pakistan asks Russia to mediate as India-Pakistan ties worsen after Pahalgam attack"
    )
    assert record.is_headline_provisional is False
    assert record.published_at == dt.datetime(2025, 5, 5, tzinfo=dt.UTC)
    assert record.dek == ""
    assert record.bylines == [BylineRecord("K N Mishra", "author")]
    assert record.images == []
    assert record.key_points == [
        "Pakistan formally requests Russia to mediate diplomatically after the Pahalgam "
        "terror attack that escalated tensions with India.",
        "Russia urges both India and Pakistan to resolve issues bilaterally under the "
        "Simla Accord and Lahore Declaration principles.",
        "India reacts strongly to the terror attack, suspends Indus Water Treaty, and vows "
        "punishment for those behind the attack and their backers.",
    ]
    assert record.section_name == ""
    assert record.attribution == ""
    assert len(record.paragraphs) == 15
    assert record.paragraphs[0] == (
        "In the aftermath of the deadly terror attack in Pahalgam on April 22, 2025, that "
        "resulted in the death of 26 people, mostly tourists, Pakistan has reached out to "
        "Russia seeking diplomatic help to ease rising tensions with India. The terror "
        "strike in Pahalgam is being described as the most fatal attack in the Kashmir "
        "Valley since the Pulwama incident of 2019. This recent development has "
        "significantly worsened India-Pakistan relations, prompting Islamabad to seek "
        "international support to manage the deteriorating situation."
    )
    assert record.paragraphs[-1] == (
        "With regional peace hanging in the balance, it remains to be seen whether "
        "diplomacy can prevail over violence, and whether Russia’s historical and "
        "strategic influence can contribute to bringing back stability in South Asia — or "
        "whether this will mark yet another flashpoint in the long and troubled "
        "India-Pakistan history."
    )
    assert record.review_notes == [NOTE_DATE_ONLY, NOTE_OUTLET_NOT_NAMED]
    _assert_no_boilerplate(record, BOILERPLATE["002"])


def test_seed_003_no_header_gives_provisional_headline_from_first_sentence() -> None:
    record = _parse("003")

    assert record.outlet_name == ""
    assert record.headline == (
        "Relations between India and Pakistan have drastically worsened since the deadly "
        "terrorist attack in Pahalgam…"
    )
    assert len(record.headline) <= 110
    assert record.is_headline_provisional is True
    assert record.published_at is None
    assert record.dek == ""
    assert record.bylines == []
    assert record.images == []
    assert record.key_points == []
    assert record.section_name == ""
    assert record.attribution == ""
    assert len(record.paragraphs) == 8
    assert record.paragraphs[0] == (
        "Relations between India and Pakistan have drastically worsened since the deadly "
        "terrorist attack in Pahalgam, Jammu and Kashmir, on April 22, 2025, which claimed "
        "26 lives and was the bloodiest strike in the area since the Pulwama attack in "
        "2019."
    )
    assert record.paragraphs[-1] == (
        "Russia has stated that, with both parties’ cooperation, it is willing to mediate "
        "the dispute between India and Pakistan over Kashmir. In addition to encouraging "
        "moderation, upholding current bilateral accords, and fostering direct political "
        "discussion, Moscow has signaled its willingness to act as a mediator should both "
        "Islamabad and New Delhi accept such a role. Given the reactions of both India and "
        "Pakistan in the next several days, there is still room for additional escalation "
        "or diplomatic engagement."
    )
    assert record.review_notes == [
        NOTE_PROVISIONAL_HEADLINE,
        NOTE_NO_BYLINE,
        NOTE_NO_DATE,
        NOTE_OUTLET_NOT_NAMED,
    ]


def test_seed_004_date_prefixed_headline_author_list_and_masthead_outlet() -> None:
    record = _parse("004")

    assert record.outlet_name == "Modern Tokyo Times"
    assert record.headline == "Russia Offers to Mediate in Kashmir Crisis: India and Pakistan"
    assert record.is_headline_provisional is False
    assert record.published_at == dt.datetime(2025, 5, 6, tzinfo=dt.UTC)
    assert record.dek == ""
    assert record.bylines == [
        BylineRecord("Kanako Mita", "author"),
        BylineRecord("Sawako Utsumi", "author"),
        BylineRecord("Lee Jay Walker", "author"),
    ]
    assert record.images == []
    assert record.key_points == []
    assert record.section_name == ""
    assert record.attribution == ""
    assert len(record.paragraphs) == 11
    assert record.paragraphs[0] == (
        "The Russian Federation offers to mediate between India and Pakistan concerning "
        "the ongoing crisis in Kashmir that threatens new convulsions."
    )
    assert record.paragraphs[-1] == (
        "However, it remains to be seen if India and Pakistan will heed the advice of the "
        "Russian Federation."
    )
    assert record.review_notes == [NOTE_DATE_ONLY]
    _assert_no_boilerplate(record, BOILERPLATE["004"])


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n", "\ufeff\n"])
def test_empty_or_whitespace_text_raises_seed_format_error(text: str) -> None:
    with pytest.raises(SeedFormatError, match="empty"):
        parse_seed_text(text, source="empty.txt")


def test_text_without_body_paragraphs_raises_seed_format_error() -> None:
    with pytest.raises(SeedFormatError, match="no body paragraphs"):
        parse_seed_text("A Headline Only\n\nShare This News\n", source="headline-only.txt")


def test_seed_format_error_is_a_value_error() -> None:
    assert issubclass(SeedFormatError, ValueError)


def test_provisional_headline_cuts_at_word_boundary_within_110_chars_with_ellipsis() -> None:
    sentence = (
        "Officials in both capitals said on Monday that the talks, which had been "
        "postponed twice since the spring, would resume in Geneva next week."
    )
    headline = provisional_headline(sentence)

    assert len(headline) <= 110
    assert headline.endswith("…")
    cut = headline.removesuffix("…")
    assert sentence.startswith(cut)
    # The cut falls between words, not inside one.
    assert sentence[len(cut)] in " ,"
    assert headline == (
        "Officials in both capitals said on Monday that the talks, which had been "
        "postponed twice since the spring…"
    )


def test_provisional_headline_keeps_short_first_sentence_whole() -> None:
    text = "Russia offers to mediate. Lavrov spoke to both sides on Sunday."
    assert provisional_headline(text) == "Russia offers to mediate"
