"""One entry point for every format: a path (or a feed URL) in, records and failures out.

Whatever goes wrong with one file (missing, too big, binary, not the format it claims
to be) becomes an :class:`ImportFailure` naming the file, and the next file is read;
JSONL failures name the line, feed failures the entry.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

from .feed import FeedFormatError, iter_feed_records
from .html import NoArticleError, parse_html
from .jsonl import iter_jsonl_records
from .reading import NotTextError, decode_text, looks_binary, sniff_format
from .records import ArticleRecord, ImportFailure
from .seed import SeedFormatError, parse_seed_text

__all__ = ["FEED_FETCH_TIMEOUT", "read_path"]

FEED_FETCH_TIMEOUT = 20  # seconds


def read_path(
    path: Path | str, *, format: str = "auto", max_bytes: int
) -> Iterator[ArticleRecord | ImportFailure]:
    """Yield a record (or a failure) per item in the file or feed URL ``path``."""
    name = str(path)
    if name.startswith(("http://", "https://")):
        yield from _read_feed_url(name, max_bytes=max_bytes)
        return
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as error:
        yield ImportFailure(name, None, f"cannot read: {error.strerror or error}")
        return
    if size > max_bytes:
        yield ImportFailure(
            name, None, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; not imported"
        )
        return
    if looks_binary(head):
        yield ImportFailure(name, None, "binary file (not text): nothing to import")
        return
    chosen = format if format != "auto" else sniff_format(head, suffix=path.suffix)
    if chosen == "jsonl":
        with path.open("rb") as handle:
            yield from iter_jsonl_records(handle, source=name)
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        yield ImportFailure(name, None, f"cannot read: {error.strerror or error}")
        return
    yield from parse_bytes(data, format=chosen, source=name)


def parse_bytes(
    data: bytes, *, format: str, source: str
) -> Iterator[ArticleRecord | ImportFailure]:
    """Parse a whole document already in memory (seed text, HTML page or feed)."""
    try:
        if format == "feed":
            # feedparser reads the XML declaration's encoding itself.
            if looks_binary(data):
                raise NotTextError("binary file (not text): nothing to import")
            yield from iter_feed_records(data, source=source)
            return
        text, _encoding = decode_text(data)
        if format == "html":
            yield parse_html(text, source=source)
        elif format == "seed":
            yield parse_seed_text(text, source=source)
        elif format == "jsonl":
            yield from iter_jsonl_records(data.splitlines(), source=source)
        else:
            yield ImportFailure(source, None, f"unknown format {format!r}")
    except (NotTextError, SeedFormatError, NoArticleError, FeedFormatError) as error:
        message = str(error)
        prefix = f"{source}: "
        yield ImportFailure(source, None, message.removeprefix(prefix))
    except RecursionError:
        yield ImportFailure(source, None, "document is nested too deeply to read")
    except Exception as error:  # noqa: BLE001 - one file must never stop the import
        yield ImportFailure(source, None, f"unreadable ({type(error).__name__}: {error})")


def _read_feed_url(url: str, *, max_bytes: int) -> Iterator[ArticleRecord | ImportFailure]:
    """Fetch a feed over HTTP(S), refusing anything larger than ``max_bytes``."""
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom importer"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FEED_FETCH_TIMEOUT) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
    except OSError as error:
        yield ImportFailure(url, None, f"cannot fetch: {error}")
        return
    if len(data) > max_bytes:
        yield ImportFailure(url, None, f"response is over the {max_bytes:,}-byte limit")
        return
    yield from parse_bytes(data, format="feed", source=url)
