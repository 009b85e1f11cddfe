"""Turning a file's bytes into text, and deciding which parser reads it.

Outlets' files arrive in whatever encoding their CMS used. A newsroom cannot ask them
to re-export, so text that is not UTF-8 is decoded by charset detection
(charset-normalizer) rather than refused; a file that is not text at all (an image, a
PDF, a zip) is refused with a reason. Nothing here touches Django or the database.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

__all__ = [
    "NotTextError",
    "decode_text",
    "looks_binary",
    "sniff_format",
]

# Bytes that never occur in text files in any encoding we accept (UTF-16 aside, which
# carries a BOM and is handled before this check).
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))
_SNIFF_BYTES = 8192


class NotTextError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


def looks_binary(data: bytes) -> bool:
    """True for files with NUL or many control bytes near the start (images, archives)."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding name).

    UTF-8 (with or without BOM) is tried first because it is what nearly everything is
    and its decoding never guesses. Anything else goes to charset-normalizer, which
    picks the legacy encoding whose decoding looks most like text, except that a
    plausible cp1252 reading is preferred to an equally plausible rival (see below).
    """
    if looks_binary(data):
        raise NotTextError("binary file (not text): nothing to import")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    results = from_bytes(data)
    best = results.best()
    western = _western_decoding(data)
    if western is not None:
        # charset-normalizer scores cp1250 and cp1252 alike on short Western texts and
        # then picks cp1250 ("Naïve" became "Naďve"). Most of our legacy exports are
        # Western European, so cp1252 wins unless a rival reads clearly more like a
        # language (a long Czech text in cp1250, say).
        ours = max((m.coherence for m in results if str(m) == western), default=0.0)
        if best is None or str(best) == western or best.coherence - ours < _CLEARLY_BETTER:
            return western, "cp1252"
    if best is None:
        raise NotTextError("not text in any recognised encoding")
    return str(best), best.encoding


# How much more coherent (charset-normalizer's language score, 0-1) a rival decoding
# must be to beat a plausible cp1252 one.
_CLEARLY_BETTER = 0.1
# Non-ASCII characters that sit between or beside letters in Western prose.
_WORD_PUNCTUATION = frozenset("’‘“”‚„–—…•«»·°\xa0")
_MOSTLY_ASCII_LETTERS = 0.25


def _western_decoding(data: bytes) -> str | None:
    """The cp1252 decoding of ``data`` if it reads like Western European text, else None.

    Such text is mostly ASCII letters with a few accented ones (Cyrillic or Greek read
    as cp1252 is almost all accented letters), and has no symbol glued to a word
    (Polish "Łódź" in cp1250 reads "£ódŸ" in cp1252).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes cp1252 leaves undefined: some other code page
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if not c.isascii())
    if not letters or accented / len(letters) > _MOSTLY_ASCII_LETTERS:
        return None
    for i, char in enumerate(text):
        if char.isascii() or char.isalpha() or char in _WORD_PUNCTUATION:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before.isalpha() or after.isalpha():
            return None
    return text


def sniff_format(head: bytes, *, suffix: str) -> str:
    """The importer for a file: by its suffix, else by how its content starts."""
    by_suffix = {
        ".txt": "seed",
        ".text": "seed",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".html": "html",
        ".htm": "html",
        ".xml": "feed",
        ".rss": "feed",
        ".atom": "feed",
    }
    if suffix.lower() in by_suffix:
        return by_suffix[suffix.lower()]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith(b"<?xml") or b"<rss" in start or b"<feed" in start:
        return "feed"
    return "seed"
