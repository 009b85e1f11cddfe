"""The realistic demo layer: the coverage data's dev sets, imported, published and clustered.

The five seeds show one story in depth; these ~1,600 real articles from ~100 real outlets
show breadth (home page, sections, outlets, hundreds of stories, search). They go through
the same importer as any upload, are published as the demo editor through the audited
workflow (imports from outlets not marked trusted land "in review"), and are clustered
synchronously so the demo is complete when the server starts. Safe to re-run: the import
upserts on canonical URL or content hash, and clustering leaves members where they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User

from articles.models import Article
from articles.workflow import article_publish
from coverage.models import StoryArticle
from coverage.services import article_cluster, stories_retitle
from sources.importers.records import ArticleRecord
from sources.services import ImportReport, read_records, record_source_key, records_import

# The development sets; the test sets stay unseen, for scoring only.
DEV_SETS = ("allsides-dev.jsonl", "basil-dev.jsonl", "neus-dev.jsonl")


@dataclass
class CoverageLoadReport:
    """The import's own report, then what the demo did with the articles."""

    imported: ImportReport
    published: int = 0
    clustered: int = 0
    left_in_review: int = 0  # undated, or no editor to publish them


def coverage_set_paths(directory: Path, names: Iterable[str] = DEV_SETS) -> list[Path]:
    """The dev sets present in ``directory`` (none when it is absent)."""
    return [directory / name for name in names if (directory / name).is_file()]


def load_coverage_sets(
    *,
    paths: list[Path],
    by: User | None,
    limit_per_file: int | None = None,
    on_progress: Callable[[str, int], None] | None = None,
) -> CoverageLoadReport:
    """Import ``paths`` (JSONL), publish what waits for review as ``by``, then cluster.

    ``limit_per_file`` keeps the first N records of each file (they are sorted by date,
    so a prefix is a deterministic, dated sample). ``on_progress(stage, done)`` is
    called as records are read and articles clustered.
    """
    records = _records(paths, limit_per_file)
    keys: set[str] = set()

    def on_item(item) -> None:
        if isinstance(item, ArticleRecord):
            keys.add(record_source_key(item))
        if on_progress:
            on_progress("import", len(keys))

    report = CoverageLoadReport(imported=records_import(records, actor=by, on_item=on_item))
    loaded = Article.objects.filter(source__key__in=keys)
    if by is not None:
        report.published, report.left_in_review = demo_articles_publish(articles=loaded, by=by)
    pending = (
        loaded.filter(status=Article.Status.PUBLISHED)
        .exclude(pk__in=StoryArticle.objects.values("article_id"))
        .order_by("published_at", "pk")
    )
    for article in pending.iterator():
        article_cluster(article=article)
        report.clustered += 1
        if on_progress:
            on_progress("cluster", report.clustered)
    stories_retitle()
    return report


def demo_articles_publish(*, articles, by: User) -> tuple[int, int]:
    """Publish those of ``articles`` that wait (draft, in review) as ``by``, through the
    audited workflow. Returns (published, left waiting).

    Publishing keeps the source's date, and an undated import stays undated (the
    workflow does not stamp an imported article with the time it was approved), so
    undated articles are published too. About 45 ms an article on a loaded 2-core
    machine (a revision, an audit row).
    """
    waiting = articles.filter(status__in=[Article.Status.DRAFT, Article.Status.IN_REVIEW])
    published = 0
    for article in waiting.order_by("pk"):
        article_publish(article=article, by=by)
        published += 1
    return published, waiting.count()


def _records(paths, limit_per_file):
    for path in paths:
        for n, record in enumerate(read_records([path], format="jsonl")):
            if limit_per_file is not None and n >= limit_per_file:
                break
            yield record
