"""What each outlet reports: figures, agreements, dates, quotes, and the people, places
and events it names. Pure Python.

The story page lines these up per outlet so a reader sees who reports what and who
omits it ("26 killed", "Simla Agreement (1972)", "Lahore Declaration (1999)").
Extraction is deliberately simple and literal: it finds what is written, it does not
interpret it. A number or year is only shown with the phrase it belongs to (a figure,
a date, an agreement's own year), never alone. People, places and events are not
read from capitalised words ("Pakistan's Deputy", "Russia Offers" are fragments): they
come from resolved mentions (`entity_facts`), one row per entity whatever the spelling.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .text import fold

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "hundred": 100,
}  # fmt: skip
CASUALTY = re.compile(
    r"(?:(?:killed|killing|left|claimed)\s+(?:at\s+least\s+|more\s+than\s+|nearly\s+|about\s+)?"
    r"(?P<a>\d[\d,]*|" + "|".join(NUMBER_WORDS) + r")\s+(?:\w+\s+)?(?:people|civilians|tourists"
    r"|soldiers|persons|lives))|(?:(?P<b>\d[\d,]*)\s+(?:\w+\s+){0,2}?(?:were\s+|have\s+been\s+)?"
    r"(?P<what>killed|dead|died|injured|wounded|deaths))",
    re.IGNORECASE,
)
DATE = re.compile(rf"\b(?:({MONTHS})\s+(\d{{1,2}})|(\d{{1,2}})\s+({MONTHS}))\b")
QUOTE = re.compile(r"[“\"]([^”\"]{25,300})[”\"]")
# The year must be the name's own: "Simla Agreement (1972)", "… Declaration of 1999",
# "… Accord, signed in 1999", not a year later in the sentence about something else.
INSTRUMENT = re.compile(
    r"\b((?:[A-Z][\w-]+\s+){1,3}(?:Agreement|Accord|Declaration|Treaty|Pact|Resolution))"
)
# Right after the name, or it is not the name's year.
INSTRUMENT_YEAR = re.compile(r"(?:\s*\(|,?\s+(?:of|in|from|signed\s+in)\s+)(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True)
class Fact:
    kind: str  # "figure", "person", "place", "event", "instrument", "date", "quote"
    key: str  # what compares equal across outlets
    label: str  # what the reader sees


def _number(text: str) -> int | None:
    text = text.replace(",", "").lower()
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)


def article_facts(*, headline: str, body: str) -> list[Fact]:
    text = f"{headline}.\n{body}"
    facts: dict[str, Fact] = {}

    def add(kind: str, key: str, label: str) -> None:
        existing = facts.get(f"{kind}:{key}")
        # A later mention that gives the year ("… Declaration of 1999") names it better.
        if existing is None or ("(" in label and "(" not in existing.label):
            facts[f"{kind}:{key}"] = Fact(kind, key, label)

    for match in CASUALTY.finditer(text):
        number = _number(match.group("a") or match.group("b") or "")
        if number is None or 1800 <= number <= 2100:
            continue
        what = (match.group("what") or "killed").lower()
        what = {"dead": "killed", "died": "killed", "deaths": "killed", "wounded": "injured"}.get(
            what, what
        )
        add("figure", f"{number} {what}", f"{number} {what}")
    for match in INSTRUMENT.finditer(text):
        name = match.group(1).strip()
        own_year = INSTRUMENT_YEAR.match(text, match.end())
        year = own_year.group(1) if own_year else None
        add("instrument", fold(name), f"{name} ({year})" if year else name)
    for match in DATE.finditer(text):
        month = match.group(1) or match.group(4)
        day = int(match.group(2) or match.group(3))
        if 1 <= day <= 31:
            add("date", f"{month} {day}", f"{day} {month}")
    for match in QUOTE.finditer(body):
        quote = " ".join(match.group(1).split())
        if len(quote.split()) >= 5:
            add("quote", fold(quote)[:80], f"“{quote[:140]}{'…' if len(quote) > 140 else ''}”")
    return list(facts.values())


# Part of every stored row's ``text_hash``: raise it when ``article_facts`` finds
# something else in the same text, and every stored row reads as stale (the story page
# extracts again until the article is written again or the rows are rebuilt).
EXTRACTION_VERSION = 1


def text_hash(*, headline: str, body: str) -> str:
    """What stored facts were extracted from (``coverage.models.ArticleFacts``): the
    text ``article_facts`` reads and the extraction's version. A row whose hash is not
    the article's own is stale, whatever wrote the text."""
    text = f"{EXTRACTION_VERSION}\x00{headline}\x00{body}".encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def facts_as_rows(facts: Iterable[Fact]) -> list[list[str]]:
    """Facts as stored: a JSON list of [kind, key, label]."""
    return [[fact.kind, fact.key, fact.label] for fact in facts]


def facts_from_rows(rows: Iterable[Sequence[str]]) -> list[Fact]:
    return [Fact(kind, key, label) for kind, key, label in rows]


def entity_facts(entities: list[tuple[str, int, str]]) -> list[Fact]:
    """Facts for the people, places and events an article names: (kind, id, name) from
    its resolved mentions. Keyed by id, so "Sergei Lavrov" and "Sergey Lavrov" are one row."""
    return [Fact(kind, f"{kind}:{pk}", name) for kind, pk, name in entities]


KIND_ORDER = {"figure": 0, "person": 1, "place": 2, "event": 3, "instrument": 4, "date": 5}
KIND_ORDER["quote"] = 6
KIND_LABEL = {
    "figure": "Casualty figures",
    "person": "People",
    "place": "Places",
    "event": "Events",
    "instrument": "Agreements and treaties",
    "date": "Dates",
    "quote": "Quotes",
}


@dataclass
class ComparisonRow:
    kind: str
    kind_label: str
    label: str
    reported_by: list[bool]  # per column

    @property
    def count(self) -> int:
        return sum(self.reported_by)


def comparison_rows(per_article: list[list[Fact]], *, max_per_kind: int = 12):
    """Rows of facts × articles. Quotes reported by only one outlet are left out (they
    would swamp the table); figures, people, places, events, agreements and dates stay."""
    seen: dict[tuple[str, str], ComparisonRow] = {}
    for column, facts in enumerate(per_article):
        for fact in facts:
            row = seen.get((fact.kind, fact.key))
            if row is None:
                row = ComparisonRow(
                    fact.kind, KIND_LABEL[fact.kind], fact.label, [False] * len(per_article)
                )
                seen[(fact.kind, fact.key)] = row
            row.reported_by[column] = True
            if "(" in fact.label and "(" not in row.label:
                row.label = fact.label
    rows = [r for r in seen.values() if r.kind != "quote" or r.count >= 2]
    rows.sort(key=lambda r: (KIND_ORDER[r.kind], -r.count, r.label))
    kept: list[ComparisonRow] = []
    per_kind: dict[str, int] = {}
    for row in rows:
        per_kind[row.kind] = per_kind.get(row.kind, 0) + 1
        if per_kind[row.kind] <= max_per_kind:
            kept.append(row)
    return kept
