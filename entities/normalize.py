"""One normal form for names and article text, so alias look-ups are exact.

``normalize_name("S. Jaishankar") == normalize_name("S Jaishankar") == "s jaishankar"``.
Case is folded, accents are removed (NFKD, combining marks dropped), and every
character that is not a letter or digit (punctuation, straight and curly
apostrophes, hyphens, dots after initials) becomes a word break. Runs of breaks
collapse to one space. "Russia’s" therefore reads as the words "russia s", so the
alias "Russia" matches a possessive, while "Darjeeling" never contains the word "dar".

Article text goes through the same folding with a map back to the original
offsets, so a match can report where in the article it starts.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

_ASCII_FOLD = str.maketrans(
    {
        **{chr(c): " " for c in range(128)},
        **{c: c for c in string.ascii_lowercase + string.digits},
        **{c: c.lower() for c in string.ascii_uppercase},
    }
)
_WORD = re.compile(r"[^ ]+")


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.translate(_ASCII_FOLD)
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in kept) or " "


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text, and the original offset of each folded character when they differ."""
    if text.isascii():
        return text.translate(_ASCII_FOLD), None
    parts = [_fold_char(c) for c in text]
    folded = "".join(parts)
    if len(folded) == len(text):
        return folded, None
    offsets = [i for i, part in enumerate(parts) for _ in part]
    return folded, offsets


def normalize_name(name: str) -> str:
    """The normal form of a name: the words of the folded text, one space apart."""
    return " ".join(_fold(name)[0].split())


class NormalizedText:
    """Article text in normal form, padded with a space at each end.

    Word boundaries are spaces, so a dictionary key " lavrov " can only match a
    whole word. ``original_offset`` maps a normalised position back to the text.
    """

    __slots__ = ("text", "_folded", "_offsets", "_word_starts")

    def __init__(self, raw: str):
        self._folded, self._offsets = _fold(raw)
        self.text = " " + " ".join(self._folded.split()) + " "
        self._word_starts: list[int] | None = None

    def original_offset(self, position: int) -> int:
        """Offset in the raw text of the word that starts at ``position`` here.

        Computed only on demand (for first occurrences), so matching stays cheap.
        """
        if self._word_starts is None:
            self._word_starts = [m.start() for m in _WORD.finditer(self._folded)]
        word_index = self.text.count(" ", 0, position) - 1
        folded_start = self._word_starts[max(word_index, 0)]
        return self._offsets[folded_start] if self._offsets else folded_start
