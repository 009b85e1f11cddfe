"""Variant spellings: "Sergej Lawrow" may be "Sergey Lavrov", "Jaishanker" "Jaishankar".

``suggest_variants(name, known_names)`` proposes known names that a new spelling may
stand for, each with a score from 0 to 100, best first. It only suggests: linking a
spelling to an entity is an editor's decision, taken in the review queue.

Two views of each word are compared:

- the **spelling**: transliterated to ASCII (unidecode, so "Сергей Лавров" and "Sergeï"
  compare with "Sergey") and normalised (``entities.normalize``), compared with
  rapidfuzz's ``ratio`` (an edit-distance similarity);
- a **sound key**: the first letter, then the consonants, after folding the letters
  that transliterations of the same sound swap (w/v, j/y, ph/f, kh/h, ck/k, c/k, z/s,
  q/g as in Qaddafi/Gaddafi, doubled letters) — "Lawrow" and "Lavrov" are both "lvrv",
  "Jaishanker" and "Jaishankar" both "ysnkr".

A word scores the mean of the two similarities, and at least ``SAME_SOUND_SCORE`` when
the sound keys are equal. Names are compared word by word: each word of the shorter
name is paired with the most similar word of the other, in order, and the name scores
its **weakest** pair, so a shared surname alone never makes two people one ("Joe Biden"
and "Jill Biden" differ in the first name). An initial matches a word with that
initial ("S. Jaishankar"). A one-word name may match a longer known name by one of its
words ("Lawrow" -> "Sergey Lavrov").

For many look-ups against one dictionary, build a ``VariantIndex`` once and pass it
instead of the list: it finds the few known names worth scoring in C (rapidfuzz), a
few milliseconds per look-up among 10,000 names.

``THRESHOLD`` (88) was set on the pairs in ``entities/tests/test_variants.py``: real
variants score 90 and more, different people sharing a name or most letters 20–86
("John Kerry" and "John Kelly" 55, "Shankar" and "Jaishankar" 85.6). Names that differ by
one letter and are different people ("Ivana" and "Ivanka Trump", 88.3) are why this is
a suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel
from unidecode import unidecode

from .normalize import normalize_name

THRESHOLD = 88.0
SAME_SOUND_SCORE = 90.0

_FOLDS = (
    ("ph", "f"),
    ("kh", "h"),
    ("ck", "k"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "c"),
    ("th", "t"),
    ("w", "v"),
    ("j", "y"),
    ("q", "g"),
    ("c", "k"),
    ("z", "s"),
    ("x", "ks"),
)
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def spelling_key(name: str) -> str:
    """ASCII, normalised: "Sergej Lawrow" -> "sergej lawrow"."""
    return normalize_name(unidecode(name))


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    """First letter, then consonants, with transliteration swaps folded: "lawrow" -> "lvrv"."""
    word = spelling_key(word).replace(" ", "")
    for old, new in _FOLDS:
        word = word.replace(old, new)
    word = _DOUBLES.sub(r"\1", word)
    if not word:
        return ""
    return word[0] + _VOWELS.sub("", word[1:])


def _word_score(a: str, b: str) -> float:
    if a == b:
        return 100.0
    if len(a) == 1 or len(b) == 1:
        return 100.0 if a[0] == b[0] else 0.0
    spelling = Indel.normalized_similarity(a, b) * 100
    sound_a, sound_b = sound_key(a), sound_key(b)
    sound = Indel.normalized_similarity(sound_a, sound_b) * 100
    score = (spelling + sound) / 2
    if sound_a == sound_b and a[0] == b[0]:
        score = max(score, SAME_SOUND_SCORE)
    return score


def variant_score(name: str, known: str) -> float:
    """How likely ``name`` is a spelling of ``known``, 0–100 (100: the same normal form)."""
    words, known_words = spelling_key(name).split(), spelling_key(known).split()
    if not words or not known_words:
        return 0.0
    if words == known_words:
        return 100.0
    shorter, longer = sorted((words, known_words), key=len)
    if len(shorter) > 1 and len(shorter) < len(longer) - 1:
        return 0.0
    weakest = 100.0
    position = 0
    for word in shorter:
        best, best_at = 0.0, position
        for k in range(position, len(longer)):
            score = _word_score(word, longer[k])
            if score > best:
                best, best_at = score, k
        weakest = min(weakest, best)
        position = best_at + 1
        if position >= len(longer) and word is not shorter[-1]:
            return 0.0  # the other name ran out of words to pair with
    if all(len(word) == 1 for word in shorter):
        return 0.0  # initials alone say nothing
    return round(weakest, 1)


class VariantIndex:
    """Known names indexed by the sound keys of their words, for repeated look-ups.

    A name can only reach the threshold if one of its words scores at least
    ``THRESHOLD`` against a word of the known name, which needs the two sound keys to
    be at least ``2 * THRESHOLD - 100`` similar. rapidfuzz finds those keys among all
    known ones in C, and only the names that hold them are scored word by word, so a
    look-up among 10,000 names takes a few milliseconds instead of a few hundred. Build
    one per dictionary version (as the matcher does) and reuse it.
    """

    def __init__(self, known_names: Iterable[str]):
        self.names: list[str] = []
        self.keys: list[str] = []
        self.by_sound: dict[str, set[int]] = {}
        for number, known in enumerate(dict.fromkeys(known_names)):
            self.names.append(known)
            self.keys.append(spelling_key(known))
            for word in self.keys[-1].split():
                if len(word) > 1:
                    self.by_sound.setdefault(sound_key(word), set()).add(number)
        self.sounds = list(self.by_sound)

    def suggest(
        self, name: str, *, threshold: float = THRESHOLD, limit: int = 5
    ) -> list[tuple[str, float]]:
        key = spelling_key(name)
        cutoff = max(0.0, 2 * threshold - 100) / 100
        numbers: set[int] = set()
        for word in key.split():
            if len(word) < 2:
                continue
            for sound, _, _ in process.extract(
                sound_key(word),
                self.sounds,
                scorer=Indel.normalized_similarity,
                score_cutoff=cutoff,
                limit=None,
            ):
                numbers |= self.by_sound[sound]
        scored = []
        for number in numbers:
            if self.keys[number] == key:
                continue
            score = variant_score(name, self.names[number])
            if score >= threshold:
                scored.append((self.names[number], score))
        # Among equal scores, the known name closest in length comes first: "S. Jaishanker"
        # is more likely "Subrahmanyam Jaishankar" than the bare "Jaishankar".
        words = len(key.split())
        scored.sort(
            key=lambda pair: (-pair[1], abs(len(spelling_key(pair[0]).split()) - words), pair[0])
        )
        return scored[:limit]


def suggest_variants(
    name: str,
    known_names: Iterable[str] | VariantIndex,
    *,
    threshold: float = THRESHOLD,
    limit: int = 5,
) -> list[tuple[str, float]]:
    """Known names ``name`` may be a variant spelling of, with scores, best first.

    ``known_names`` is any iterable of names, or a ``VariantIndex`` built once over them
    (much faster when called for many names). A known name with the same normal form
    is not a variant (the matcher finds it already) and is left out.
    """
    index = known_names if isinstance(known_names, VariantIndex) else VariantIndex(known_names)
    return index.suggest(name, threshold=threshold, limit=limit)
