"""Wire copy: articles whose text is mostly the same as an earlier one from another outlet.

Agencies (AP, Reuters, PTI) sell one text to many outlets, and outlets lift each
other's copy. Story pages should say so rather than count it as independent coverage.

Each article's body is cut into word 5-grams ("shingles") and summarised by a MinHash
signature (datasketch), whose agreement with another signature estimates the Jaccard
similarity of the two shingle sets. Locality-sensitive hashing splits the signature
into bands; two texts that agree on any whole band become candidates. The band hashes
are stored in ``ArticleFingerprint.bands`` under a GIN index, so candidates for a whole
import batch come back from one indexed ``&&`` query, whichever run imported them.

With 128 permutations in 32 bands of 4, pairs at similarity 0.7 become candidates with
probability 1 - (1 - 0.7**4)**32 ≈ 0.9998, and pairs at 0.2 with ≈ 0.05; candidates are
then checked against the full signature.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5
# Shorter bodies are skipped: two outlets quoting the same statement is not wire copy.
MIN_WORDS = 30
# Estimated Jaccard similarity from which an article counts as the same text.
SAME_TEXT_THRESHOLD = 0.7

_WORD = re.compile(r"\w+")
# One MinHash with the permutations built once; copies share them (building is costly).
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1)


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # uint64 holding uint32 MinHash values

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(bytes(data), dtype="<u4").astype(np.uint64))

    def similarity(self, other: Signature) -> float:
        return float(np.count_nonzero(self.values == other.values)) / NUM_PERM

    def bands(self) -> list[int]:
        """One signed 64-bit hash per band, the band number mixed in so bands never collide."""
        raw = self.values.astype("<u4")
        hashes = []
        for band in range(BANDS):
            chunk = raw[band * ROWS : (band + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little"))
            hashes.append(int.from_bytes(digest.digest(), "little", signed=True))
        return hashes


def text_signature(text: str) -> Signature | None:
    """The MinHash of ``text``'s word 5-grams; None when the text is too short to judge."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    minhash = _TEMPLATE.copy()
    minhash.update_batch(list(shingles))
    return Signature(minhash.hashvalues.astype(np.uint64))
