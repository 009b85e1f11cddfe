"""JSON Lines: one article object per line, as in ``shared/data/coverage/*.jsonl``.

Keys (see that directory's README): ``id``, ``outlet``, ``title``, ``text`` (paragraphs
separated by a blank line), ``published`` (``YYYY-MM-DD``, an ISO timestamp, or null)
and ``url``. Optional keys we also read: ``dek``, ``authors`` (list of names),
``section``, ``key_points`` (list).

Structured input must be complete: unlike free text and HTML, a record without a
headline is an error in the export, not a page whose headline we have to guess, so it
is refused rather than given a provisional one. Facts the format allows to be empty
(date, URL, outlet "unknown", an empty text) are imported and flagged for review.

The file is streamed line by line, so its size does not change the memory used.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator

from .records import (
    ArticleRecord,
    BylineRecord,
    ImportFailure,
    RecordValueError,
    record_check_values,
)

__all__ = [
    "MAX_LINE_BYTES",
    "NOTE_NO_BODY",
    "NOTE_NO_DATE",
    "NOTE_NO_OUTLET",
    "iter_jsonl_records",
    "record_from_object",
]

MAX_LINE_BYTES = 1024 * 1024

NOTE_NO_DATE = "no publication date in the record"
NOTE_NO_OUTLET = "outlet not named in the record"
NOTE_NO_BODY = "record has no body text (headline only)"

# neus-dev marks the outlets it dropped as "unknown": that is a missing fact, not a name.
_UNKNOWN_OUTLETS = frozenset({"", "unknown", "n/a", "none"})


class RecordError(ValueError):
    """A record that is well-formed JSON but not a complete article."""


def iter_jsonl_records(
    lines: Iterable[bytes], *, source: str
) -> Iterator[ArticleRecord | ImportFailure]:
    """Yield a record, or a failure naming the line, for every non-blank line."""
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            yield ImportFailure(
                source, number, f"line is {len(raw)} bytes, over the {MAX_LINE_BYTES}-byte limit"
            )
            continue
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield ImportFailure(
                source, number, f"not UTF-8 at byte {error.start} (JSON Lines must be UTF-8)"
            )
            continue
        try:
            value = json.loads(text)
            record = record_from_object(value, source=source)
            record_check_values(record)
        except json.JSONDecodeError as error:
            yield ImportFailure(source, number, _describe_json_error(text, error))
            continue
        except (RecordError, RecordValueError) as error:
            yield ImportFailure(source, number, str(error))
            continue
        except RecursionError:
            yield ImportFailure(source, number, "record is nested too deeply to read")
            continue
        except Exception as error:  # noqa: BLE001 - one line must never stop the file
            yield ImportFailure(source, number, f"unreadable record ({type(error).__name__})")
            continue
        record.line = number
        yield record


def _describe_json_error(text: str, error: json.JSONDecodeError) -> str:
    if error.pos >= len(text.rstrip()):
        return f"truncated record: the JSON ends early ({error.msg} at column {error.colno})"
    return f"invalid JSON: {error.msg} at column {error.colno}"


def record_from_object(value: object, *, source: str) -> ArticleRecord:
    """Map one decoded JSON object to a record; raises RecordError if it is incomplete."""
    if not isinstance(value, dict):
        raise RecordError(f"expected a JSON object, got {type(value).__name__}")
    title = _string(value, "title").strip()
    if not title:
        raise RecordError('record has no headline ("title" is missing or empty)')
    text = _string(value, "text")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    record = ArticleRecord(
        source=source,
        headline=" ".join(title.split()),
        url=_string(value, "url").strip(),
        dek=" ".join(_string(value, "dek").split()),
        section_name=_string(value, "section").strip(),
        external_id=str(value.get("id") or ""),
        paragraphs=[p for p in paragraphs if p],
        key_points=[" ".join(str(k).split()) for k in _list(value, "key_points")],
        bylines=[BylineRecord(" ".join(str(a).split())) for a in _list(value, "authors") if a],
    )
    outlet = _string(value, "outlet").strip()
    if outlet.lower() in _UNKNOWN_OUTLETS:
        record.review_notes.append(NOTE_NO_OUTLET)
    else:
        record.outlet_name = outlet
    record.published_at, note = _published(value.get("published"))
    published = value.get("published")
    if isinstance(published, str) and len(published) == len("2021-04-22"):
        record.published_at_precision = "day"
    elif isinstance(published, str) and re.search(r"\d:\d{2}:\d{2}", published):
        record.published_at_precision = "second"
    if note:
        record.review_notes.append(note)
    if not record.paragraphs:
        record.review_notes.append(NOTE_NO_BODY)
    return record


def _string(value: dict, key: str) -> str:
    item = value.get(key)
    if item is None:
        return ""
    if not isinstance(item, str):
        raise RecordError(f'"{key}" must be a string, got {type(item).__name__}')
    return item


def _list(value: dict, key: str) -> list:
    item = value.get(key)
    if item is None:
        return []
    if not isinstance(item, list):
        raise RecordError(f'"{key}" must be a list, got {type(item).__name__}')
    return item


def _published(value: object) -> tuple[dt.datetime | None, str]:
    if value is None or value == "":
        return None, NOTE_NO_DATE
    if not isinstance(value, str):
        raise RecordError(f'"published" must be a string or null, got {type(value).__name__}')
    try:
        if len(value) == len("2021-04-22"):
            day = dt.date.fromisoformat(value)
            # The format's dates are days; that is the whole fact, not a missing time.
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), ""
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f'"published" is not an ISO 8601 date: {value!r}') from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC), "time zone not stated; published time read as UTC"
    return moment, ""
