"""Turning article text into comparable terms and name keys. Pure Python, no database.

Two kinds of evidence come out of an article:

* **terms**: folded, lightly stemmed words (and years/figures) with counts. The
  headline and dek say what the story is, so their words count more than the body's.
* **name keys**: proper-noun phrases ("Sergey Lavrov", "Simla Agreement") and their last
  word ("lavrov"). They are the fallback for shared-entity evidence until the entities
  app records mentions; see ``coverage.evidence.article_entity_keys``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from itertools import chain

WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# A run of capitalised words, allowing short joiners ("Bank of England"), not preceded by
# a word character or an apostrophe. The capital comes before that look-behind (which
# then spans it) so that the pattern opens with a character set: the engine skips to the
# next capital in C instead of testing the look-behind at every position.
NAME = re.compile(
    r"[A-Z](?<![\w'’][A-Z])[\w'’.-]*[A-Za-z](?:\s+(?:(?:of|de|al|bin|van|von|the|for)\s+)?"
    r"[A-Z][\w'’.-]*[A-Za-z])*"
)

HEADLINE_WEIGHT = 3
DEK_WEIGHT = 2

# Words every news article uses; they say nothing about which story it is.
STOPWORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amount an and another any anyhow anyone anything anyway
    anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond both but by can cannot could
    did do does doing done down due during each either else elsewhere enough etc even ever
    every everyone everything everywhere except few for former formerly from further get
    gets getting give given go going gone got had has have having he hence her here hereafter
    hereby herein hers herself him himself his how however i if in indeed into is it its
    itself just keep last latter least less like made make makes making many may me meanwhile
    might mine more moreover most mostly much must my myself namely neither never
    nevertheless next no nobody none noone nor not nothing now nowhere of off often on once
    one only onto or other others otherwise our ours ourselves out over own part per perhaps
    please put rather re really same say says said saying see seem seemed seeming seems
    several she should show side since so some somehow someone something sometime sometimes
    somewhere still such take taken than that the their theirs them themselves then thence
    there thereafter thereby therefore therein thereupon these they thing things this those
    though through throughout thru thus to together too toward towards under until up upon
    us use used using very via was we well were what whatever when whence whenever where
    whereafter whereas whereby wherein whereupon wherever whether which while whither who
    whoever whole whom whose why will with within without would yet you your yours yourself
    yourselves according told tell tells new news two three four five first second third
    year years week weeks day days time times today yesterday tomorrow monday tuesday
    wednesday thursday friday saturday sunday month months ago including include includes
    included according report reported reports reporting statement added adding asked
    called call calls want wants wanted need needs needed lot lots way ways people percent
    don didn doesn isn wasn aren weren won wouldn couldn shouldn can't it's that's
    mr mrs ms dr according among amid around inc ltd co com www http https
    """.split()
)

# Capitalised words that start names only by accident (titles, months, weekdays).
NAME_STOPWORDS = STOPWORDS | frozenset(
    """
    president minister prime secretary senator sen rep gov governor mayor chief chairman
    director spokesman spokeswoman spokesperson official officials judge justice gen general
    january february march april june july august september october november december
    sept jan feb mar apr jun jul aug oct nov dec read more photo file getty images reuters
    ap afp associated press update updated breaking live watch video image
    """.split()
)


# Every combining mark of the Basic Multilingual Plane, for stripping accents with one
# regular expression instead of a Python test per character.
COMBINING = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c)))
    + "]"
)


def fold(text: str) -> str:
    """Lower-case and strip accents, so that "Sergéi" and "sergei" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if not decomposed.isascii():
        decomposed = COMBINING.sub("", decomposed)
    return decomposed.replace("’", "'")


# ``fold`` for words and names, which recur from article to article.
fold_short = functools.lru_cache(maxsize=1 << 16)(fold)


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and possessive endings only.

    Heavier stemming merges unrelated words ("policy"/"police"); plurals are where
    outlets differ most ("attack"/"attacks").
    """
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4:
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("es") and word[-3] in "sxz":
            return word[:-2]
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


@functools.lru_cache(maxsize=1 << 16)
def _term(word: str) -> str | None:
    """The term a folded word counts as, or None: cached, since news repeats words."""
    if word.isdigit():
        return word if len(word) >= 2 else None
    # A letter is never a digit: most words need no test per character.
    if (
        len(word) < 3
        or word in STOPWORDS
        or (not word.isalpha() and any(ch.isdigit() for ch in word))
    ):
        return None
    word = stem(word)
    return None if word in STOPWORDS else word


@functools.lru_cache(maxsize=1 << 16)
def _token_terms(token: str) -> tuple[str, ...]:
    """The terms of one whitespace-delimited piece of folded text ("trump's," gives
    ("trump",), "u.s.-led" none): cached, since news repeats its words and punctuation.

    No word contains white space, so the words of a text are those of its pieces in
    turn: splitting first lets ``str.split``, the cache and ``Counter`` (all in C) do
    per word what a Python loop over ``WORD.findall`` did.
    """
    if token.isalnum():  # one word, as WORD would find it: most pieces, and no regex
        term = _term(token)
        return () if term is None else (term,)
    return tuple(term for word in WORD.findall(token) if (term := _term(word)) is not None)


def _folded_terms(text: str) -> Iterator[str]:
    return chain.from_iterable(map(_token_terms, fold(text).split()))


def terms(text: str) -> list[str]:
    """Content words and figures: "26" and "1972" tell stories apart as well as words do."""
    return list(_folded_terms(text))


def term_counts(*, headline: str, dek: str = "", body: str = "") -> Counter:
    counts = Counter(_folded_terms(body))
    for word, n in Counter(_folded_terms(headline)).items():
        counts[word] += HEADLINE_WEIGHT * n
    for word, n in Counter(_folded_terms(dek)).items():
        counts[word] += DEK_WEIGHT * n
    return counts


@functools.lru_cache(maxsize=1 << 16)
def _name_phrase(match: str) -> str | None:
    """The name in a capitalised run, without the titles, months and common words that
    open or close it ("President Joe Biden" -> "Joe Biden"), or None: cached, since
    news repeats names."""
    words = match.strip(".-’'").split()
    while words and fold_short(words[0]) in NAME_STOPWORDS:
        words = words[1:]
    while words and fold_short(words[-1]) in NAME_STOPWORDS:
        words = words[:-1]
    return " ".join(words) if words else None


def name_phrases(text: str) -> list[str]:
    """Proper-noun phrases, as written. A capitalised common word opening a sentence is
    not a name ("Officials said"): every common word is a name stopword, so it is
    trimmed like a title, wherever it stands.
    """
    return [phrase for m in NAME.findall(text) if (phrase := _name_phrase(m)) is not None]


@functools.lru_cache(maxsize=1 << 16)
def _phrase_keys(phrase: str) -> tuple[str, ...]:
    """A phrase's folded key and its last word's ("sergey lavrov", "lavrov"), if long
    enough: cached, since news repeats names."""
    folded = " ".join(stem(w) for w in fold_short(phrase).replace("'s", "").split())
    if len(folded) < 3:
        return ()
    last = folded.rsplit(" ", 1)[-1]
    if len(last) >= 3 and last not in NAME_STOPWORDS:
        return (folded, last)
    return (folded,)


@functools.lru_cache(maxsize=1 << 16)
def _run_keys(run: str) -> tuple[str, ...]:
    """The name keys of one capitalised run, as written ("President Joe Biden" gives
    ("joe biden", "biden")): cached, since news repeats names."""
    phrase = _name_phrase(run)
    return () if phrase is None else _phrase_keys(phrase)


def name_keys(*, headline: str, dek: str = "", body: str = "") -> set[str]:
    """Folded name keys: each phrase and its last word ("sergey lavrov", "lavrov").
    Each distinct run is looked at once (a long article names its people many times)."""
    runs = set(NAME.findall(f"{headline}.\n{dek}.\n{body}"))
    return set(chain.from_iterable(map(_run_keys, runs)))
