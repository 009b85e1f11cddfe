"""RSS and Atom feeds, read with feedparser.

Each entry becomes one record: title, link, date, authors, and the entry's content
(or its summary) as the body, reduced to plain paragraphs. Feed entries are
publisher-written text like HTML pages, so an entry without a title is kept with a
provisional headline flagged for review.

An entry whose date is present but cannot be read is refused with the date it gave:
importing it undated would lose a fact the feed did state, and guessing would invent
one. Entries with no date at all are imported and flagged.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator

import feedparser

from articles.sanitize import html_to_text, sanitize_html

from .records import (
    ArticleRecord,
    BylineRecord,
    ImageRecord,
    ImportFailure,
    RecordValueError,
    record_check_values,
)
from .seed import (
    note_missing_facts,
)

__all__ = ["FeedFormatError", "iter_feed_records"]


class FeedFormatError(ValueError):
    """The document is not a feed, or holds no entries."""


def iter_feed_records(data: bytes, *, source: str) -> Iterator[ArticleRecord | ImportFailure]:
    """Yield a record, or a failure naming the entry, for each entry of the feed."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise FeedFormatError(f"not an RSS or Atom feed, or it has no entries{detail}")
    outlet_name = " ".join((parsed.feed.get("title") or "").split())
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            record = _record(entry, source=source, outlet_name=outlet_name)
            record_check_values(record)
        except (FeedFormatError, RecordValueError) as error:
            yield ImportFailure(source, number, str(error), unit="entry")
            continue
        except RecursionError:
            yield ImportFailure(source, number, "entry is nested too deeply to read", unit="entry")
            continue
        except Exception as error:  # noqa: BLE001 - one entry must never stop the feed
            reason = f"unreadable entry ({type(error).__name__}: {error})"
            yield ImportFailure(source, number, reason, unit="entry")
            continue
        record.line, record.unit = number, "entry"
        yield record


def _record(entry, *, source: str, outlet_name: str) -> ArticleRecord:
    html = ""
    if entry.get("content"):
        html = entry.content[0].get("value", "")
    html = html or entry.get("summary", "")
    text = html_to_text(sanitize_html(html))
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    title = " ".join(html_to_text(sanitize_html(entry.get("title", ""))).split())
    if not title and not paragraphs:
        raise FeedFormatError("entry has neither a title nor any text")
    record = ArticleRecord(
        source=source,
        headline=title,
        url=(entry.get("link") or "").strip(),
        external_id=entry.get("id", ""),
        outlet_name=outlet_name,
        paragraphs=paragraphs,
        dek="",
    )
    record.published_at, record.published_at_precision = _entry_date(entry)
    names = [a.get("name", "") for a in entry.get("authors", [])] or [entry.get("author", "")]
    record.bylines = [BylineRecord(" ".join(n.split())) for n in names if n and n.strip()]
    for enclosure in entry.get("enclosures", []) + entry.get("media_content", []):
        if str(enclosure.get("type", "")).startswith("image/"):
            url = enclosure.get("href") or enclosure.get("url") or ""
            record.images.append(ImageRecord(url=url))
            break
    note_missing_facts(record)
    return record


def _entry_date(entry) -> tuple[dt.datetime | None, str]:
    """The entry's publication date (else its update date), in UTC, and its precision.

    feedparser gives the raw string and, when it could read it, a UTC struct_time. A
    raw value with no clock time ("2025-05-06") is a day, not midnight UTC.
    """
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        parsed = entry.get(f"{key}_parsed")
        if parsed is None:
            raise FeedFormatError(f"unparseable date {raw!r} in <{key}>")
        moment = dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
        if not re.search(r"\d:\d{2}", raw):
            return moment, "day"
        return moment, "second" if re.search(r"\d:\d{2}:\d{2}", raw) else "minute"
    return None, "minute"
