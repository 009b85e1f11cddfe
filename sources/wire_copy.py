"""Wire copy: articles credited to an agency, or whose text is mostly the same as an
earlier one from another outlet.

Agencies (AP, Reuters, PTI) sell one text to many outlets, and outlets lift each
other's copy. Story pages should say so rather than count it as independent coverage.
The verdict is decided once, when an article is written (imported or edited), and
stored in ``sources.models.WireCopyVerdict``; pages only read it.

An agency credit is an agency's name among the article's attribution and byline names
(:func:`agency_credited`). Same text is decided by MinHash, below.

Each article's body is cut into word 5-grams ("shingles") and summarised by a MinHash
signature (datasketch), whose agreement with another signature estimates the Jaccard
similarity of the two shingle sets. Locality-sensitive hashing splits the signature
into bands; two texts that agree on any whole band become candidates. The band hashes
are stored in ``ArticleTextBand`` under a b-tree index, so candidates for a whole
import batch come back from one indexed query, whichever run imported them.

Of two texts, the later is the same text as the earlier when their estimated Jaccard
similarity is at least ``SAME_TEXT_THRESHOLD``, or when at least
``CONTAINED_THRESHOLD`` of the later one's shingles are estimated to be in the earlier
one (from the Jaccard estimate and the two shingle counts): an excerpt that stops where
the original goes on is the same text, though its Jaccard similarity is only the ratio
of the lengths. Of the coverage dev sets' neus excerpts, 13 were cut from an allsides
excerpt at 0.5–0.7 of its length and would be missed by the Jaccard threshold alone.

All 128 permutations make 32 bands of 4: pairs at similarity 0.7 become candidates
with probability 1 - (1 - 0.7**4)**32 ≈ 0.9998, at 0.5 (an excerpt half the
original's length) with ≈ 0.87, and at 0.3 with ≈ 0.23; candidates are then checked
against all 128 values. Fewer, longer bands would store fewer rows but miss excerpts.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 32
ROWS = 4
SHINGLE_WORDS = 5
# Shorter bodies are skipped: two outlets quoting the same statement is not wire copy.
MIN_WORDS = 30
# Estimated Jaccard similarity from which an article counts as the same text.
SAME_TEXT_THRESHOLD = 0.7
# Estimated share of the later text's shingles found in the earlier one, from which the
# later one counts as the same text (an excerpt of it).
CONTAINED_THRESHOLD = 0.9

_WORD = re.compile(r"\w+")

WIRE_AGENCIES = (
    "associated press", "reuters", "agence france-presse", "afp", "press trust of india",
    "pti", "ani", "xinhua", "tass", "ria novosti", "dpa", "efe", "ansa", "kyodo", "yonhap",
    "united press international", "upi", "bloomberg", "anadolu",
)  # fmt: skip


def agency_credited(*, attribution: str, byline_names: Iterable[str]) -> str:
    """The agency the credits name, as shown ("Reuters", "PTI"), or "".

    One-word agencies must be a whole word of the credits (dots dropped, so "A.N.I."
    is ANI and "Danish" is not); agencies of several words may appear anywhere.
    """
    credits = " ".join([attribution, *byline_names]).casefold()
    words = credits.replace(".", "").split()
    for agency in WIRE_AGENCIES:
        if agency in words or (" " in agency and agency in credits):
            return agency.title() if len(agency) > 4 else agency.upper()
    return ""


def inputs_hash(*, text: str, attribution: str, byline_names: Iterable[str]) -> str:
    """What the verdict was decided from, hashed: an edit that changes none of it (a
    headline, a tag) need not decide again."""
    parts = [text, attribution, *byline_names]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@functools.cache
def _template():
    """One MinHash with the permutations built once; copies share them (building is costly).

    Imported on first use: datasketch pulls in SciPy, a second of start-up that every
    web process and management command would otherwise pay.
    """
    return MinHash(num_perm=NUM_PERM, seed=1)


# Fixed odd multipliers and salts for band hashing (stored hashes depend on them: never
# change them without re-fingerprinting every article).
_BAND_RNG = np.random.default_rng(20251105)
_BAND_MULTIPLIERS = _BAND_RNG.integers(1, 2**63, size=ROWS, dtype=np.uint64) * 2 + 1
_BAND_SALTS = _BAND_RNG.integers(0, 2**63, size=BANDS, dtype=np.uint64)


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # uint64 holding uint32 MinHash values
    shingle_count: int = 0  # distinct shingles; 0 when not known

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview, shingle_count: int = 0) -> Signature:
        return cls(np.frombuffer(bytes(data), dtype="<u4").astype(np.uint64), shingle_count)

    def similarity(self, other: Signature) -> float:
        return float(np.count_nonzero(self.values == other.values)) / NUM_PERM

    def contained_in(self, other: Signature) -> float:
        """Estimated share of this text's shingles that ``other`` has too.

        |A ∩ B| = J (|A| + |B|) / (1 + J) for Jaccard similarity J; the Jaccard estimate
        alone when a shingle count is not known.
        """
        jaccard = self.similarity(other)
        if not self.shingle_count or not other.shingle_count:
            return jaccard
        shared = jaccard * (self.shingle_count + other.shingle_count) / (1 + jaccard)
        return min(1.0, shared / self.shingle_count)

    def is_same_text_as(self, original: Signature) -> bool:
        """Whether this (later) text is the same text as ``original``, or an excerpt of it."""
        return (
            self.similarity(original) >= SAME_TEXT_THRESHOLD
            or self.contained_in(original) >= CONTAINED_THRESHOLD
        )

    def bands(self) -> list[int]:
        """One signed 64-bit hash per band, the band number mixed in so bands never collide.

        A polynomial hash of the band's values modulo 2**64 (numpy wraps on overflow),
        then a per-band salt: vectorised, because it runs for every imported article.
        """
        rows = self.values[: BANDS * ROWS].reshape(BANDS, ROWS)
        with np.errstate(over="ignore"):
            hashed = (rows * _BAND_MULTIPLIERS).sum(axis=1, dtype=np.uint64) ^ _BAND_SALTS
        return hashed.view(np.int64).tolist()


def text_signature(text: str) -> Signature | None:
    """The MinHash of ``text``'s word 5-grams; None when the text is too short to judge."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    minhash = _template().copy()
    minhash.update_batch(list(shingles))
    return Signature(minhash.hashvalues.astype(np.uint64), len(shingles))
