"""The one record type every importer produces.

Parsers never touch the database: they read a source and return plain records, so
the same validation and upsert code serves seed text, saved HTML, feeds and JSONL.
A parser that cannot find a fact leaves it empty and says so in ``review_notes``;
it never invents one.

These records stay in sources: the pipeline converts each into the core's own typed
input (``articles.imports.ImportedArticle``, with ids for outlet and section and the
review flags) at the boundary, finds the article it already is by its source key
(``sources.services.identity``, which the core never sees), and decides there whether
a new article is published (``sources.services.imports.record_should_publish``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

# Imports are archives of what outlets already published. Nothing printed before 1800
# is in scope, and a date more than a day ahead (time zones and clock skew allowed for)
# is a broken export: 9999-12-31T23:59:59-14:00 is year 10000 in UTC, which Python
# cannot read back, so one such row made every page listing it answer 500.
EARLIEST_PUBLISHED_AT = dt.datetime(1800, 1, 1, tzinfo=dt.UTC)
FUTURE_TOLERANCE = dt.timedelta(days=1)


@dataclass(frozen=True)
class BylineRecord:
    """One credited name, in the order the source prints them."""

    name: str
    role: str = "author"  # "author" for people, "desk" for desk credits such as "Desk Report"


@dataclass(frozen=True)
class ImageRecord:
    """An image the source showed, with what it said about it."""

    caption: str = ""
    credit: str = ""
    url: str = ""
    alt: str = ""


@dataclass
class ArticleRecord:
    """An article as read from a source, before validation and upsert."""

    source: str  # file path or URL the record came from
    headline: str = ""
    is_headline_provisional: bool = False  # True when taken from the first sentence
    url: str = ""
    published_at: dt.datetime | None = None  # aware; None when the source gives no date
    # How much of published_at the source gave: "day" (a date alone), "minute" or "second".
    published_at_precision: str = "minute"
    dek: str = ""
    bylines: list[BylineRecord] = field(default_factory=list)
    outlet_name: str = ""
    section_name: str = ""
    images: list[ImageRecord] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)  # body, in order, plain text
    attribution: str = ""  # e.g. "Source: IndianDefenseNews": who the outlet credits
    external_id: str = ""
    line: int | None = None  # line (or feed entry) number in the source, for error reports
    unit: str = "line"  # what ``line`` counts: "line", or "entry" for feeds
    review_notes: list[str] = field(default_factory=list)  # facts missing or guessed

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class ImportFailure:
    """An item that could not be read or imported, named so an editor can find it.

    ``line`` is the line number for line-based formats (JSONL, seed text) and the
    entry number for feeds; ``unit`` says which, so a report reads "feed.xml: entry 3: …".
    """

    source: str
    line: int | None
    reason: str
    unit: str = "line"

    def __str__(self):
        where = f"{self.source}: {self.unit} {self.line}" if self.line else self.source
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"source": self.source, "unit": self.unit, "line": self.line, "reason": self.reason}


class RecordValueError(ValueError):
    """A record whose values cannot be stored as they are; the message says which and why."""


def record_check_values(record: ArticleRecord, *, now: dt.datetime | None = None) -> None:
    """Refuse values the database or the pages cannot hold, naming the field.

    Runs on every record whatever its format, before anything is written: the date must
    lie between 1800 and a day from now, and text must be valid Unicode (a JSON
    ``\\ud800`` escape decodes to a lone surrogate, which no encoder can write). NUL
    characters are left to the database, whose refusal fails the record alone.
    """
    moment = record.published_at
    if moment is not None:
        now = now or dt.datetime.now(dt.UTC)
        if moment < EARLIEST_PUBLISHED_AT:
            raise RecordValueError(
                f"publication date {moment.isoformat()} is before {EARLIEST_PUBLISHED_AT.year}"
            )
        if moment > now + FUTURE_TOLERANCE:
            raise RecordValueError(
                f"publication date {moment.isoformat()} is more than a day in the future"
            )
    for name, value in _text_values(record):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = value[error.start]
            raise RecordValueError(
                f"{name} is not valid Unicode (lone surrogate U+{ord(bad):04X})"
            ) from None


def _text_values(record: ArticleRecord):
    for item in fields(record):
        value = getattr(record, item.name)
        if isinstance(value, str):
            yield item.name, value
        elif isinstance(value, list):
            for entry in value:
                if isinstance(entry, str):
                    yield item.name, entry
                elif isinstance(entry, BylineRecord | ImageRecord):
                    for part in fields(entry):
                        text = getattr(entry, part.name)
                        if isinstance(text, str):
                            yield f"{item.name}.{part.name}", text
