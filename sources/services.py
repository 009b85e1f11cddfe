"""The import pipeline: read → normalise to records → validate → upsert → hand on.

Each record is written in its own savepoint, so one bad item is rolled back alone and
reported with its file and line while the rest go in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from articles.models import Article
from articles.services import (
    BylineInput,
    ImageInput,
    article_upsert_imported,
    section_get_or_create,
)
from articles.signals import article_published

from .importers.records import ArticleRecord
from .models import Outlet

MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportItemError(Exception):
    """A single item that cannot be imported; the message says why."""


@dataclass
class ImportFailure:
    source: str
    line: int | None
    reason: str

    def __str__(self):
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[ImportFailure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def count(self, action: str) -> None:
        setattr(self, action, getattr(self, action) + 1)


def outlet_get_or_create(*, name: str) -> Outlet:
    """Outlets are matched by slug so that re-imports and spelling of case agree."""
    slug = slugify(name)[:200]
    outlet, _ = Outlet.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    return outlet


def record_source_key(record: ArticleRecord) -> str:
    """Identity for idempotent imports: the canonical URL, else a hash of the text."""
    if record.url:
        return "url:" + record.url.strip()[:190]
    digest = hashlib.sha256(
        "\n".join([record.headline, record.body_text]).encode("utf-8")
    ).hexdigest()
    return "sha256:" + digest


def record_validate(record: ArticleRecord) -> None:
    if not record.paragraphs and not record.headline:
        raise ImportItemError("no article text found")
    if not record.headline:
        raise ImportItemError("no headline")


def record_import(*, record: ArticleRecord, outlet: Outlet | None = None):
    """Write one record; returns (article, action). Runs in the caller's transaction."""
    record_validate(record)
    if outlet is None and record.outlet_name:
        outlet = outlet_get_or_create(name=record.outlet_name)
    section = section_get_or_create(name=record.section_name) if record.section_name else None
    notes = list(record.review_notes)
    if record.is_headline_provisional and not any("headline" in n for n in notes):
        notes.insert(0, "headline is provisional, taken from the first sentence")
    fields = {
        "headline": record.headline,
        "is_headline_provisional": record.is_headline_provisional,
        "dek": record.dek,
        "paragraphs": list(record.paragraphs),
        "key_points": list(record.key_points),
        "outlet": outlet,
        "section": section,
        "canonical_url": record.url,
        "attribution": record.attribution,
        "published_at": record.published_at,
        "needs_review": bool(notes),
        "review_notes": "\n".join(notes),
    }
    bylines = [BylineInput(b.name, b.role) for b in record.bylines]
    images = [ImageInput(i.caption, i.credit, i.url) for i in record.images]
    try:
        return article_upsert_imported(
            source_key=record_source_key(record), fields=fields, bylines=bylines, images=images
        )
    except ValidationError as error:
        raise ImportItemError("; ".join(error.messages)) from error


def records_import(
    records: Iterable[ArticleRecord | ImportFailure],
    *,
    outlet: Outlet | None = None,
    dry_run: bool = False,
    on_item: Callable[[], None] | None = None,
) -> ImportReport:
    """Import records one savepoint each. Parsers yield ImportFailure for unreadable items.

    With ``dry_run`` everything is written and then rolled back, so the counts are
    the real ones.
    """
    report = ImportReport()
    with transaction.atomic(durable=True):
        for item in records:
            if on_item:
                on_item()
            if isinstance(item, ImportFailure):
                report.failures.append(item)
                continue
            try:
                with transaction.atomic():
                    article, action = record_import(record=item, outlet=outlet)
            except (ImportItemError, DatabaseError) as error:
                report.failures.append(ImportFailure(item.source, item.line, str(error)))
                continue
            report.count(action)
            if action != "unchanged" and article.status == Article.Status.PUBLISHED:
                report.article_ids.append(article.pk)
        if dry_run:
            transaction.set_rollback(True)
        else:
            for article_id in report.article_ids:
                transaction.on_commit(
                    lambda pk=article_id: article_published.send(Article, article_id=pk)
                )
    return report


def read_records(paths: Iterable[Path], *, format: str = "auto"):
    """Yield a record (or an ImportFailure) per item in each file."""
    from .importers.seed import parse_seed_file

    for path in paths:
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as error:
            yield ImportFailure(str(path), None, f"cannot read: {error.strerror}")
            continue
        if size > MAX_FILE_BYTES:
            yield ImportFailure(
                str(path), None, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit"
            )
            continue
        chosen = format if format != "auto" else detect_format(path)
        if chosen != "seed":
            yield ImportFailure(str(path), None, f"format {chosen!r} is not supported yet")
            continue
        try:
            yield parse_seed_file(path)
        except (ValueError, OSError) as error:
            yield ImportFailure(str(path), None, str(error))


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".txt": "seed", ".jsonl": "jsonl", ".html": "html", ".htm": "html"}.get(
        suffix, "feed" if suffix in {".xml", ".rss", ".atom"} else "seed"
    )
