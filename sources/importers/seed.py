"""Parser for "seed text": plain-text dumps of real news pages.

A seed file is what a browser's "copy all text" gives you: the article is in there,
but so is the page around it (site icons, share buttons, comment prompts, ads,
disclaimers, social links). The parser reads it in three passes over the non-blank
lines:

* a **header** up to the first body paragraph, where headline, dek, bylines, date,
  outlet, lead image caption/credit and key points live;
* the **body**, where prose lines are paragraphs and non-sentence lines standing
  between paragraphs are image captions;
* a **trailer** from the first boilerplate marker onwards, which is dropped except for
  the section ("Read more on X") and the attribution ("Source: X") it may name.

Every page pattern is a module-level regex with a note on the real-page noise it
matches, so a new site means a new pattern, not a new branch. Nothing here touches
Django or the database; facts the text does not state are left empty and explained in
``review_notes``.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re

from entities.services import is_desk_credit
from sources.importers.records import ArticleRecord, BylineRecord, ImageRecord

__all__ = [
    "NOTE_DATE_ONLY",
    "NOTE_NO_BYLINE",
    "NOTE_NO_DATE",
    "NOTE_OUTLET_NOT_NAMED",
    "NOTE_PROVISIONAL_HEADLINE",
    "NOTE_TIME_ZONE_ASSUMED",
    "PROVISIONAL_HEADLINE_LIMIT",
    "SeedFormatError",
    "parse_seed_file",
    "parse_seed_text",
    "provisional_headline",
]


class SeedFormatError(ValueError):
    """The text holds no article we can import (empty, or no body paragraphs)."""


# Review notes, shared with the tests so wording changes stay in one place.
NOTE_PROVISIONAL_HEADLINE = "no headline found; provisional headline taken from the first sentence"
NOTE_NO_BYLINE = "no byline found"
NOTE_NO_DATE = "no publication date found"
NOTE_OUTLET_NOT_NAMED = "outlet not named"
NOTE_TIME_ZONE_ASSUMED = "time zone not stated; published time read as UTC"
NOTE_DATE_ONLY = "only a date was given; shown without a time of day"

# Provisional headlines must fit where real headlines go (cards, <title>), ellipsis included.
PROVISIONAL_HEADLINE_LIMIT = 110

_I = re.IGNORECASE

# --- header patterns ------------------------------------------------------------------

# WordPress mobile themes print the favicon's alt text: "Site icon The Nation Express".
_SITE_ICON = re.compile(r"^site icon\s+(?P<outlet>\S.*)$", _I)

# Masthead lines such as "Modern Tokyo Times" or "Österreich Today": a few capitalised
# words (in any script; see ``_is_masthead``) ending in a word newspapers are named with.
_MASTHEAD = re.compile(
    r"^(?:The\s+)?(?:[^\W\d_][\w’'&.-]*\s+){0,4}"
    r"(?:Times|News|Post|Express|Herald|Tribune|Journal|Gazette|Chronicle|Telegraph|"
    r"Observer|Guardian|Standard|Mail|Monitor|Dispatch|Daily|Today|Insider|Review)$"
)

# Month names as pages print them ("May", "Sept.", "September").
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

# Labels some CMSs put before the date: "Published: ", "Updated on ", "date ".
_DATE_LABEL = r"(?:(?:date|published|posted|updated)(?:\s+on)?\s*:?\s*)?"
# "Monday, " before a date.
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
# Optional clock time after a date: " at 6:33 PM", ", 18:33", " | 6:33 p.m. GMT".
_CLOCK = (
    r"(?:\s*(?:at|,|\||-|–)?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?P<tz>UTC|GMT|Z))?)?"
)
# US-style dates, e.g. "May 5, 2025 at 6:33 PM".
_DATE_MONTH_FIRST = re.compile(
    rf"^{_DATE_LABEL}{_WEEKDAY}(?P<month>[a-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf",?\s+(?P<year>\d{{4}}){_CLOCK}$",
    _I,
)
# Day-first dates, e.g. "05/May/2025", "5 May 2025", "5-May-2025 18:33".
_DATE_DAY_FIRST = re.compile(
    rf"^{_DATE_LABEL}{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s/-]+(?P<month>[a-z]{{3,9}})\.?"
    rf"[\s/,-]+(?P<year>\d{{4}}){_CLOCK}$",
    _I,
)
# ISO 8601 dates and timestamps, as in <time datetime="..."> dumps.
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_ISO = re.compile(rf"^{_DATE_LABEL}(?P<iso>{_ISO})$", _I)
# Date and headline run together by the dump: " date 2025-05-06 Russia Offers to ...".
_DATE_THEN_HEADLINE = re.compile(
    rf"^(?:date|published|posted|updated)(?:\s+on)?\s*:?\s+(?P<iso>{_ISO})\s+(?P<rest>\S.*)$", _I
)

# "By Jane Doe" prefix on byline lines.
_BY_PREFIX = re.compile(r"^by\s+", _I)
# Separators in author lists: "A, B, and C", "A and B", "A & B".
_NAME_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
# One word of a person's name, in any script's letters ("José", "Müller", "O’Brien",
# "McDonald", an initial "K."): capitalised, ending lower-case unless it is an initial,
# so an all-caps label ("BREAKING") is not a name.
_NAME_PART_SEPARATOR = re.compile(r"[’'-]")
# Lower-case particles inside names ("Ursula von der Leyen").
_NAME_PARTICLES = frozenset(
    {"al", "bin", "bint", "da", "de", "del", "der", "di", "la", "le", "van", "von"}
)
# Desk credits instead of people: "Desk Report", "Web Desk", "Staff Reporter".
_DESK_WORDS = frozenset({"bureau", "desk", "newsroom", "report", "staff", "wire"})

# Key-points boxes: "What's covered under the Article:", "Key points", "Highlights".
_KEY_POINTS_HEADING = re.compile(
    r"^(?:what[’']?s covered\b.*|key (?:points|takeaways|highlights)|highlights|takeaways"
    r"|in brief|at a glance|quick read)\s*:?$",
    _I,
)
# A bullet marker on its own line; the bullet text is the next line.
_BULLET_MARKER = re.compile(r"^[-–—•*·▪]$")
# A bullet with its text on the same line: "- Pakistan formally requests ...".
_BULLET_INLINE = re.compile(r"^[-–—•*·▪]\s+(?P<text>\S.*)$")

# --- captions and credits -------------------------------------------------------------

# Credit lines that name who supplied an image: "Courtesy : India & Russia", "Photo: AFP".
_CREDIT_LABELLED = re.compile(
    r"^(?:courtesy|photo(?:graph)?s?|images?|pictures?|pic|credits?|photo credit|image credit)"
    r"\s*:\s*(?P<credit>\S.*)$",
    _I,
)
# Bare credits that stand in for a named one: "File Photo", "Representational Image".
_CREDIT_BARE = re.compile(
    r"^(?:file|stock|archive|representative|representational)\s+(?:photo|image|picture|pic)s?$",
    _I,
)

# --- noise dropped wherever it appears -------------------------------------------------

_NOISE = (
    # Lines that start with a bare URL: site lists and social links under the article.
    re.compile(r"^(?:https?://|www\.)\S+", _I),
    # Ad slot labels left behind by ad blockers / text dumps.
    re.compile(r"^(?:ad|ads|advert|advertisement|sponsored|story continues below)$", _I),
    # Accessibility links at the top of the page.
    re.compile(r"^skip to (?:main )?content$", _I),
)

# --- trailer: from the first of these onwards the page is no longer the article --------

# "Read more on Regional": the section the site filed the story under.
_READ_MORE = re.compile(r"^read more (?:on|in)\s+(?P<section>\S.*?)\.?$", _I)
# "Source: IndianDefenseNews": whom the outlet credits for the report.
_ATTRIBUTION = re.compile(r"^source\s*:\s*\S.*$", _I)

_TRAILER_MARKERS = (
    _READ_MORE,
    _ATTRIBUTION,
    # Share buttons: "Share This News", "Share on Facebook".
    re.compile(r"^share(?: this| on| via)?\b(?:\s+\w+)?$", _I),
    # Comment widgets: "Comments", "3 Comments", "You must be logged in to comment".
    re.compile(r"^(?:\d+\s+)?comments?$", _I),
    re.compile(r"^(?:you must be logged in to (?:comment|post)|leave a (?:reply|comment))\b", _I),
    # Related-link rails: "Related News", "Related Articles".
    re.compile(r"^related(?:\s+(?:news|articles|posts|stories|coverage))?\s*:?$", _I),
    # Site disclaimers: "Disclaimer", "Disclaimer: This report is based on ...".
    re.compile(r"^disclaimer\b", _I),
    # WordPress AMP footer link.
    re.compile(r"^exit mobile version$", _I),
    # Social calls to action: "PLEASE JOIN ON TWITTER", "Follow us on X".
    re.compile(r"^(?:please (?:join|follow|like|subscribe)|(?:follow|join) us on)\b", _I),
    # Group blurbs: "Modern Tokyo News is part of the Modern Tokyo Times group".
    re.compile(r"^\S.* is (?:a )?part of (?:the )?\S.* group\.?$", _I),
    # Finance-site promos appended to every story: IPO lists, demat and channel plugs.
    re.compile(r"^the (?:current(?:ly)? )?(?:active|closed|upcoming|open) ipos? (?:are|is)\b", _I),
    re.compile(r"^start your stock market journey\b", _I),
    re.compile(r"^join our\b.*\b(?:telegram|whatsapp|youtube) channel\b", _I),
)

# --- sentences ------------------------------------------------------------------------

# Quotes and brackets that may close a sentence after its final punctuation.
_CLOSERS = "\"”’')]"
# End of a sentence: punctuation, optional closers, space, then a capital or digit.
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")
# Words whose full stop does not end a sentence ("Mr. Dar", "S. Jaishankar").
_ABBREVIATIONS = frozenset(
    {"capt", "co", "col", "dr", "gen", "gov", "inc", "jr", "lt", "ltd", "mr", "mrs", "ms",
     "no", "prof", "rep", "sen", "sgt", "sr", "st", "vs"}
)  # fmt: skip


def parse_seed_file(path: pathlib.Path) -> ArticleRecord:
    """Read a seed file as UTF-8 and parse it, recording the path as the source."""
    path = pathlib.Path(path)
    return parse_seed_text(path.read_text(encoding="utf-8"), source=str(path))


def parse_seed_text(text: str, *, source: str) -> ArticleRecord:
    """Parse a seed text dump into an :class:`ArticleRecord`.

    Raises :class:`SeedFormatError` when there is no article to import, so that a
    bad file is reported rather than imported as an empty story.
    """
    lines = _clean_lines(text)
    if not lines:
        raise SeedFormatError(f"{source}: empty seed text")
    record = ArticleRecord(source=source)
    body_start = _parse_header(lines, record)
    trailer_start = _parse_body(lines, body_start, record)
    _parse_trailer(lines[trailer_start:], record)
    if not record.paragraphs:
        raise SeedFormatError(f"{source}: no body paragraphs found")
    note_missing_facts(record)
    return record


def provisional_headline(text: str, limit: int = PROVISIONAL_HEADLINE_LIMIT) -> str:
    """Make a stand-in headline from the first sentence of ``text``.

    Some pages print no headline at all; the story still needs a title to be listed,
    so we borrow its first sentence, shortened at a word boundary to ``limit``
    characters including the "…" that shows it was cut.
    """
    sentence = _first_sentence(_normalise(text))
    if sentence.endswith("."):
        sentence = sentence[:-1]  # headlines carry no full stop
    if len(sentence) <= limit:
        return sentence
    room = limit - 1  # keep space for "…"
    cut = sentence[:room]
    if not sentence[room].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


# --- passes ---------------------------------------------------------------------------


def _clean_lines(text: str) -> list[str]:
    """Non-blank lines with whitespace normalised; blank lines carry no meaning in dumps."""
    lines = (_normalise(raw) for raw in text.lstrip("\ufeff").splitlines())
    return [line for line in lines if line]


def _parse_header(lines: list[str], record: ArticleRecord) -> int:
    """Read header facts; return the index of the first body paragraph."""
    # A dek sits directly under the headline; once anything else follows, it is too late.
    dek_allowed = False
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        right_after_headline, dek_allowed = dek_allowed, False
        i += 1

        if _is_noise(line):
            dek_allowed = right_after_headline  # an ad slot does not separate dek from headline
            continue
        if m := _SITE_ICON.match(line):
            record.outlet_name = record.outlet_name or m["outlet"]
        elif m := _DATE_THEN_HEADLINE.match(line):
            _set_published(record, m["iso"])
            if not record.headline and _looks_like_headline(m["rest"]):
                record.headline = m["rest"]
                dek_allowed = True
        elif _set_published(record, line):
            pass
        elif _KEY_POINTS_HEADING.match(line):
            i = _read_key_points(lines, i, record)
        elif record.headline and line == record.headline:
            pass  # the headline repeated above the lead image
        elif _ATTRIBUTION.match(line):
            record.attribution = record.attribution or line
        elif (credit := _credit(line)) is not None:
            record.images.append(ImageRecord(credit=credit))
        elif (credit := _credit(following)) is not None and not _is_sentence(line):
            record.images.append(ImageRecord(caption=line, credit=credit))
            i += 1
        elif not record.outlet_name and _is_masthead(line):
            record.outlet_name = line
        elif bylines := _bylines(line, bare_allowed=bool(record.headline)):
            record.bylines = record.bylines or bylines
        elif not record.headline and _looks_like_headline(line):
            record.headline = line
            dek_allowed = True
        elif right_after_headline and not record.dek and _looks_like_dek(line):
            record.dek = line
        elif _is_sentence(line):
            return i - 1
        else:
            record.review_notes.append(f"unrecognised header line dropped: {line!r}")
    return i


def _parse_body(lines: list[str], start: int, record: ArticleRecord) -> int:
    """Collect paragraphs and in-body images; return the index where the trailer starts."""
    # Non-sentence lines become captions only once a paragraph or credit follows them:
    # chrome such as "Bob post" right before the trailer is not between paragraphs.
    pending: list[str] = []

    def flush_pending(credit: str = "") -> None:
        for n, caption in enumerate(pending, start=1):
            record.images.append(
                ImageRecord(caption=caption, credit=credit if n == len(pending) else "")
            )
        pending.clear()

    i = start
    while i < len(lines):
        line = lines[i]
        if any(p.match(line) for p in _TRAILER_MARKERS):
            return i
        if _is_noise(line) or line == record.headline:
            pass
        elif _KEY_POINTS_HEADING.match(line) and _starts_bullets(lines, i + 1):
            i = _read_key_points(lines, i + 1, record)
            continue
        elif (credit := _credit(line)) is not None:
            if pending:
                flush_pending(credit)
            else:
                record.images.append(ImageRecord(credit=credit))
        elif _is_sentence(line):
            flush_pending()
            record.paragraphs.append(line)
        else:
            pending.append(line)
        i += 1
    return i


def _parse_trailer(lines: list[str], record: ArticleRecord) -> None:
    """Keep the two facts a trailer can hold; everything else in it is page chrome."""
    for line in lines:
        if (m := _READ_MORE.match(line)) and not record.section_name:
            record.section_name = m["section"]
        elif _ATTRIBUTION.match(line) and not record.attribution:
            record.attribution = line


def note_missing_facts(record: ArticleRecord) -> None:
    """Fill a provisional headline and say which facts the page did not give."""
    if not record.headline:
        record.headline = provisional_headline(record.paragraphs[0])
        record.is_headline_provisional = True
        record.review_notes.append(NOTE_PROVISIONAL_HEADLINE)
    if not record.bylines:
        record.review_notes.append(NOTE_NO_BYLINE)
    if record.published_at is None:
        record.review_notes.append(NOTE_NO_DATE)
    if not record.outlet_name:
        record.review_notes.append(NOTE_OUTLET_NOT_NAMED)


# --- header helpers -------------------------------------------------------------------


def _read_key_points(lines: list[str], i: int, record: ArticleRecord) -> int:
    """Read bullets after a key-points heading; return the index after the last one."""
    while i < len(lines):
        if _BULLET_MARKER.match(lines[i]) and i + 1 < len(lines):
            record.key_points.append(lines[i + 1])
            i += 2
        elif m := _BULLET_INLINE.match(lines[i]):
            record.key_points.append(m["text"])
            i += 1
        else:
            break
    return i


def _starts_bullets(lines: list[str], i: int) -> bool:
    """A key-points word in the body is only a heading when bullets follow it."""
    return i < len(lines) and bool(_BULLET_MARKER.match(lines[i]) or _BULLET_INLINE.match(lines[i]))


def _set_published(record: ArticleRecord, text: str) -> bool:
    """Parse ``text`` as a date line into ``record.published_at``; False if it is not one.

    Pages rarely state a time zone; we read such times as UTC rather than guess a
    local zone, and say so in the review notes.
    """
    parsed = _parse_date(text)
    if parsed is None:
        return False
    value, note = parsed
    if record.published_at is None:
        record.published_at = value
        record.published_at_precision = _precision(text, date_only=note == NOTE_DATE_ONLY)
        if note:
            record.review_notes.append(note)
    return True


def _precision(text: str, *, date_only: bool) -> str:
    """How much of the date the page gave: a day, a time to the minute, or seconds too."""
    if date_only:
        return "day"
    return "second" if re.search(r"\d:\d{2}:\d{2}", text) else "minute"


def _parse_date(text: str) -> tuple[dt.datetime, str] | None:
    if m := _DATE_ISO.match(text):
        try:
            value = dt.datetime.fromisoformat(m["iso"])
        except ValueError:
            return None
        date_only = len(m["iso"]) == len("2025-05-06")
        if date_only:
            return value.replace(tzinfo=dt.UTC), NOTE_DATE_ONLY
        if value.tzinfo is not None:
            return value, ""
        return value.replace(tzinfo=dt.UTC), NOTE_TIME_ZONE_ASSUMED
    m = _DATE_MONTH_FIRST.match(text) or _DATE_DAY_FIRST.match(text)
    if m is None:
        return None
    month = _MONTHS.get(m["month"].lower())
    if month is None:
        return None
    hour = minute = 0
    if m["hour"] is not None:
        hour, minute = int(m["hour"]), int(m["minute"])
        if m["ampm"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
    try:
        value = dt.datetime(int(m["year"]), month, int(m["day"]), hour, minute, tzinfo=dt.UTC)
    except ValueError:
        return None
    if m["hour"] is None:
        return value, NOTE_DATE_ONLY
    return value, "" if m["tz"] else NOTE_TIME_ZONE_ASSUMED


def _bylines(line: str, *, bare_allowed: bool) -> list[BylineRecord]:
    """Bylines from "Desk Report", "K N Mishra" or "A, B, and C"; empty if not a byline.

    Without a "By" prefix we only trust a name-shaped line once the headline is known,
    because a short title-case headline ("Annual Report") looks just like a credit.
    Desk credits name no person, so they get role "desk".
    """
    text, prefixed = _BY_PREFIX.subn("", line)
    if not (prefixed or bare_allowed):
        return []
    words = text.split()
    if (
        1 <= len(words) <= 4
        and all(w[0].isupper() for w in words)
        and (any(w.lower() in _DESK_WORDS for w in words) or is_desk_credit(text))
    ):
        return [BylineRecord(text, "desk")]
    names = [part for part in _NAME_SEPARATOR.split(text) if part]
    if not names or not all(_is_person_name(name) for name in names):
        return []
    return [BylineRecord(name) for name in names]


def _is_masthead(line: str) -> bool:
    return bool(_MASTHEAD.match(line)) and all(word[0].isupper() for word in line.split())


def _is_person_name(name: str) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 4:
        return False
    if words[0] in _NAME_PARTICLES or words[-1] in _NAME_PARTICLES:
        return False
    return all(w in _NAME_PARTICLES or _is_name_word(w) for w in words)


def _is_name_word(word: str) -> bool:
    core = word.removesuffix(".")
    if len(core) == 1:
        return core.isalpha() and core.isupper()
    parts = _NAME_PART_SEPARATOR.split(core)
    return all(part.isalpha() for part in parts) and core[0].isupper() and core[-1].islower()


def _credit(line: str) -> str | None:
    """The credit named by an image credit line, or None if ``line`` is not one."""
    if m := _CREDIT_LABELLED.match(line):
        return m["credit"]
    if _CREDIT_BARE.match(line):
        return line
    return None


# --- text helpers ---------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Collapse whitespace runs; typographic characters (’ “ —) are kept as printed."""
    return " ".join(text.split())


def _is_noise(line: str) -> bool:
    return any(p.match(line) for p in _NOISE)


def _is_sentence(line: str) -> bool:
    """Prose ends in terminal punctuation; captions, headlines and labels do not."""
    return line.rstrip(_CLOSERS)[-1:] in {".", "!", "?", "…"}


def _looks_like_headline(line: str) -> bool:
    """A headline is a short line without a final full stop or trailing comma."""
    words = line.split()
    return (
        2 <= len(words) <= 25
        and len(line) <= 200
        and not line.rstrip(_CLOSERS).endswith((".", ",", ";", ":"))
        and (line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'")
    )


def _looks_like_dek(line: str) -> bool:
    """A dek is a standfirst: longer than a label, shorter than a paragraph, no full stop."""
    words = line.split()
    return 6 <= len(words) <= 60 and not _is_sentence(line) and not line.endswith(",")


def _first_sentence(text: str) -> str:
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start()].rsplit(" ", 1)[-1].rstrip(".")
        if len(before) == 1 and before.isupper():
            continue  # an initial: "S. Jaishankar"
        if before.lower() in _ABBREVIATIONS or "." in before:
            continue  # "Mr.", "U.S."
        return text[: m.end()].rstrip()
    return text
