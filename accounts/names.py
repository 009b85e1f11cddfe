"""Display names: one per reader, and none that impersonates the newsroom.

Readers see only display names beside comments, so "Moderator" or a copy of another
reader's name would let anyone speak with borrowed authority. Names are compared by a
key that ignores case, accents and spacing ("Zoë  Müller" and "zoe muller" are one
name); the key is stored in ``Profile.display_name_key`` under a unique constraint.
"""

from __future__ import annotations

import re
import unicodedata

RESERVED_WORDS = frozenset(
    {
        "admin",
        "administrator",
        "editor",
        "moderator",
        "mod",
        "newsroom",
        "staff",
        "system",
        "support",
        "official",
        "root",
    }
)


def display_name_key(name: str) -> str:
    """Case-folded, accents removed, runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def reserved_word_in(name: str) -> str | None:
    """The reserved word the name uses as a word of its own, if any ("The Editor")."""
    for word in re.split(r"[\W_]+", display_name_key(name)):
        if word in RESERVED_WORDS:
            return word
    return None
