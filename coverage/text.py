"""Turning article text into comparable term vectors."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

# Words that every news article uses; they carry no information about the story.
STOPWORDS = frozenset(
    """
    about above after again against all also among and any are around because been before
    being between both but can could did does doing down during each few for from further
    had has have having her here hers herself him himself his how into its itself just
    more most not now off once only other our ours out over own same she should some such
    than that the their theirs them themselves then there these they this those through
    too under until very was were what when where which while who whom why will with would
    you your yours said says say according told new one two three last first year years
    week weeks day days time may might must shall per via amid while since still even well
    """.split()
)


def fold(text: str) -> str:
    """Lower-case and strip accents, so that "Sergéi" and "sergei" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(text: str) -> list[str]:
    return [word for word in WORD.findall(fold(text)) if word not in STOPWORDS]


def term_vector(*, headline: str, dek: str, body: str) -> Counter:
    """Bag of words; the headline and dek say what the story is, so they count more."""
    vector = Counter(terms(body))
    for word in terms(f"{headline} {dek}"):
        vector[word] += 3
    return vector


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(word, 0) for word, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
