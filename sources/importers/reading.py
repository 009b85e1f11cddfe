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
    picks the legacy encoding (cp1252, latin-1, …) whose decoding looks most like text.
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
    best = from_bytes(data).best()
    if best is None:
        raise NotTextError("not text in any recognised encoding")
    return str(best), best.encoding


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
