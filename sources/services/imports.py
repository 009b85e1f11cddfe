"""The import pipeline: read → normalise to records → validate → upsert → hand on.

Every format (seed text, saved HTML, RSS/Atom, JSONL) is read into
:class:`~sources.importers.records.ArticleRecord`; this module validates and writes them.

The seam with the editorial core: each record is converted, at the boundary, into the
core's typed input (:class:`articles.imports.ImportedArticle`: outlet and section as
ids, review flags) and handed to ``articles.services.articles_upsert_imported``
together with the article it already is, or none, and sources' decision whether a new
article goes public (:func:`record_should_publish`). Which article a record is, is
sources' own knowledge (``sources.services.identity``: keys resolved under a lock,
recorded for the articles the core created, in the same transaction). The core never
infers publication, and it announces its own publications (``article_published``,
after commit); nothing here sends the core's signals.

Records are written in batches, one transaction per batch, so a long import commits
as it goes and holds bounded memory; inside a batch each record has its own savepoint,
so one bad item is rolled back alone and reported with its file and line while the
rest go in. The articles' text fingerprints are stored in the batch itself, for
wire-copy detection, so they are there when the core's announcement reaches coverage.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils.text import slugify

from articles.imports import ArticleImport, ImportedArticle, ImportedByline, ImportedImage
from articles.models import Article, Section
from articles.services import (
    ImportedArticleResult,
    UpsertAction,
    articles_upsert_imported,
    section_get_or_create,
)
from audit.services import editorial_log_many, system_user

from .. import import_worker
from ..importers.readers import read_path
from ..importers.records import (
    ArticleRecord,
    ImportFailure,
    RecordValueError,
    record_check_values,
)
from ..models import Outlet
from .fingerprints import articles_fingerprint
from .identity import (
    article_sources_lock,
    article_sources_record,
    article_sources_resolve,
    record_source_key,
)

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "FORMATS",
    "ImportFailure",
    "ImportItemError",
    "ImportReport",
    "KeptField",
    "max_file_bytes",
    "outlet_get_or_create",
    "paths_import",
    "read_records",
    "record_import",
    "record_should_publish",
    "records_import",
]

FORMATS = ("seed", "html", "feed", "jsonl")
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 500


class ImportItemError(Exception):
    """A single item that cannot be imported; the message says why."""


@dataclass(frozen=True)
class KeptField:
    """A field a re-import left as an editor had changed it, though the source changed it."""

    article_id: int
    headline: str
    field: str

    def __str__(self) -> str:
        return f"article {self.article_id} ({self.headline}): kept the editor's {self.field}"

    def as_dict(self) -> dict[str, int | str]:
        return {"article_id": self.article_id, "headline": self.headline, "field": self.field}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[ImportFailure] = field(default_factory=list)
    kept: list[KeptField] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    def count(self, action: str) -> None:
        setattr(self, action, getattr(self, action) + 1)


def max_file_bytes() -> int:
    """The size above which a file is refused (``IMPORT_MAX_FILE_BYTES``, default 20 MiB)."""
    return getattr(settings, "IMPORT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)


def outlet_get_or_create(*, name: str) -> Outlet:
    """Outlets are matched by slug so that re-imports and spelling of case agree."""
    outlet, _ = _outlet_get_or_create(name)
    return outlet


def _outlet_get_or_create(name: str) -> tuple[Outlet, bool]:
    slug = slugify(name)[:200]
    return Outlet.objects.get_or_create(slug=slug, defaults={"name": name.strip()[:200]})


def record_is_flagged(record: ArticleRecord, outlet: Outlet | None) -> bool:
    """Items an editor must look at before readers do: a guessed headline, no outlet, no date.

    Other notes (no byline, time zone assumed) are kept in ``review_notes`` for the
    editor's information but do not hold an article back.
    """
    return record.is_headline_provisional or outlet is None or record.published_at is None


def record_should_publish(record: ArticleRecord, outlet: Outlet | None) -> bool:
    """Sources' publication policy: a new article goes public on import only when its
    outlet is trusted (``Outlet.is_trusted``, set by an editor) and nothing is flagged.

    The answer is passed to the core explicitly; the core applies it to new articles
    only (a re-import never changes an article's workflow status).
    """
    return bool(outlet is not None and outlet.is_trusted and not record_is_flagged(record, outlet))


def record_validate(record: ArticleRecord) -> None:
    if not record.paragraphs and not record.headline:
        raise ImportItemError("no article text found")
    if not record.headline:
        raise ImportItemError("no headline")
    try:
        record_check_values(record)
    except RecordValueError as error:
        raise ImportItemError(str(error)) from None


@transaction.atomic
def record_import(
    *, record: ArticleRecord, outlet: Outlet | None = None, actor: User | None = None
) -> tuple[Article, UpsertAction, list[str]]:
    """Write one record; returns (article, action, kept fields). Runs in the caller's
    transaction (a savepoint of it), which the caller rolls back when this raises: a
    failed item must leave nothing behind (not even the outlet it named).

    The one-at-a-time path: used when a batch hits a database error, to find the item.
    """
    record_validate(record)
    actor = actor or system_user()
    created = False
    if outlet is None and record.outlet_name:
        outlet, created = _outlet_get_or_create(record.outlet_name)
    section = section_get_or_create(name=record.section_name) if record.section_name else None
    try:
        (result,) = _upsert([(record, outlet, section)], actor)
    except ValidationError as error:
        raise ImportItemError(_describe_validation_error(error)) from error
    if result.error is not None:
        raise ImportItemError(_describe_validation_error(result.error))
    if created and outlet is not None:
        _log_outlets_created(actor, [outlet])
    # An item without an error has its article and action (ImportedArticleResult).
    return cast(Article, result.article), cast(UpsertAction, result.action), result.kept


def _upsert(
    items: list[tuple[ArticleRecord, Outlet | None, Section | None]], actor: User
) -> list[ImportedArticleResult]:
    """One call of the core for records with distinct source keys, identity around it.

    Sources resolves the keys to the articles already imported (locked until the
    caller's transaction ends), hands the core each record with its article or none,
    and records the key of every article the core created, in the same transaction.
    """
    keys = [record_source_key(record) for record, _outlet, _section in items]
    existing = article_sources_resolve(keys=keys)
    results = articles_upsert_imported(
        items=[
            _article_import(record, outlet, section, existing.get(key))
            for key, (record, outlet, section) in zip(keys, items, strict=True)
        ],
        by=actor,
    )
    article_sources_record(
        created=[
            (key, result.article)
            for key, result in zip(keys, results, strict=True)
            if result.action == "created" and result.article is not None
        ]
    )
    return results


def _log_outlets_created(actor: User, outlets: list[Outlet]) -> None:
    """A new outlet has a public page: its creation is audited like any public change."""
    editorial_log_many(
        actor=actor, entries=[("outlet.import_create", outlet, {}) for outlet in outlets]
    )


def _article_import(
    record: ArticleRecord, outlet: Outlet | None, section: Section | None, article: Article | None
) -> ArticleImport:
    """The core's input for a record: the article it already is (or none, to create one)
    and sources' decision whether a new one goes public.

    Review notes say what the source lacked; only flagged items get ``needs_review``.
    """
    notes = list(record.review_notes)
    if record.is_headline_provisional and not any("headline" in n for n in notes):
        notes.insert(0, "headline is provisional, taken from the first sentence")
    imported = ImportedArticle(
        headline=record.headline[:300],
        is_headline_provisional=record.is_headline_provisional,
        dek=record.dek,
        paragraphs=tuple(record.paragraphs),
        key_points=tuple(record.key_points),
        outlet_id=outlet.pk if outlet is not None else None,
        section_id=section.pk if section is not None else None,
        canonical_url=record.url,
        attribution=record.attribution[:300],
        published_at=record.published_at,
        published_at_precision=record.published_at_precision,
        needs_review=record_is_flagged(record, outlet),
        review_notes="\n".join(notes),
        bylines=tuple(ImportedByline(name=b.name, role=b.role) for b in record.bylines),
        images=tuple(
            ImportedImage(caption=i.caption, credit=i.credit, source_url=i.url)
            for i in record.images
        ),
    )
    return ArticleImport(
        record=imported, article=article, publish=record_should_publish(record, outlet)
    )


def _describe_validation_error(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return "; ".join(error.messages)


class _Lookups:
    """Outlets and sections by slug for one run, so a batch does not ask for each record.

    Rows created inside a savepoint that is then rolled back would be stale here, so
    the code that rolls one back calls ``forget``. Outlets this run created are
    remembered, so that one only a failed item named can be removed again
    (``settle``): a failed item leaves nothing behind, not even a public page
    for its outlet.
    """

    def __init__(self, forced: Outlet | None) -> None:
        self.forced = forced
        self.outlets: dict[str, Outlet] = {}
        self.sections: dict[str, Section] = {}
        self.created_outlets: set[int] = set()

    def outlet(self, record: ArticleRecord) -> Outlet | None:
        if self.forced is not None:
            return self.forced
        if not record.outlet_name:
            return None
        slug = slugify(record.outlet_name)[:200]
        if slug not in self.outlets:
            outlet, created = _outlet_get_or_create(record.outlet_name)
            if created:
                self.created_outlets.add(outlet.pk)
            self.outlets[slug] = outlet
        return self.outlets[slug]

    def section(self, record: ArticleRecord) -> Section | None:
        if not record.section_name:
            return None
        slug = slugify(record.section_name)[:100]
        if slug not in self.sections:
            self.sections[slug] = section_get_or_create(name=record.section_name)
        return self.sections[slug]

    def forget(self) -> None:
        self.outlets.clear()
        self.sections.clear()
        self.created_outlets.clear()

    def settle(self, actor: User) -> None:
        """After a chunk: delete the outlets it created that no article ended up in (their
        item failed), and audit the creation of the rest."""
        if not self.created_outlets:
            return
        unused = Outlet.objects.filter(pk__in=self.created_outlets, articles__isnull=True)
        gone = set(unused.values_list("pk", flat=True))
        if gone:
            Outlet.objects.filter(pk__in=gone).delete()
        kept = [o for o in self.outlets.values() if o.pk in self.created_outlets - gone]
        self.outlets = {k: o for k, o in self.outlets.items() if o.pk not in gone}
        _log_outlets_created(actor, kept)
        self.created_outlets.clear()


def records_import(
    records: Iterable[ArticleRecord | ImportFailure],
    *,
    outlet: Outlet | None = None,
    dry_run: bool = False,
    actor: User | None = None,
    on_item: Callable[[ArticleRecord | ImportFailure], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import records in batches; parsers yield ImportFailure for items they could not
    read, and those are reported as they are.

    With ``dry_run`` everything runs in one transaction that is rolled back at the end,
    so the counts are the real ones and nothing is kept.
    """
    report = ImportReport()
    actor = actor or system_user()
    lookups = _Lookups(outlet)
    batches = _batched(records, batch_size, on_item)
    if dry_run:
        with transaction.atomic(durable=True):
            for batch in batches:
                _import_batch(batch, report, lookups, actor)
            transaction.set_rollback(True)
        return report
    for batch in batches:
        with transaction.atomic(durable=True):
            _import_batch(batch, report, lookups, actor)
    return report


def _batched(
    records: Iterable[ArticleRecord | ImportFailure],
    size: int,
    on_item: Callable[[ArticleRecord | ImportFailure], None] | None,
) -> Iterator[list[ArticleRecord | ImportFailure]]:
    iterator = iter(records)
    while True:
        batch = list(itertools.islice(iterator, size))
        if not batch:
            return
        if on_item is not None:
            for item in batch:
                on_item(item)
        yield batch


def _import_batch(
    batch: list[ArticleRecord | ImportFailure], report: ImportReport, lookups: _Lookups, actor: User
) -> None:
    """Write one batch in the current transaction (the core announces what it published).

    The batch's source keys are locked first, all at once (so two importers never wait
    for each other's keys in a cycle). The batch is then written with one bulk upsert
    per chunk of distinct keys. If that hits a database error (a row the database
    refuses), the chunk is rolled back to its savepoint and written again one record
    per savepoint, so only the offending record fails.
    """
    pending: list[ArticleRecord] = []
    for item in batch:
        if isinstance(item, ImportFailure):
            report.failures.append(item)
            continue
        try:
            record_validate(item)
        except ImportItemError as error:
            report.failures.append(_failure(item, error))
            continue
        pending.append(item)
    changed: list[Article] = []
    article_sources_lock(keys=[record_source_key(record) for record in pending])
    for chunk in _unique_key_chunks(pending):
        try:
            with transaction.atomic():
                results = _upsert(
                    [(record, lookups.outlet(record), lookups.section(record)) for record in chunk],
                    actor,
                )
        except DatabaseError:
            lookups.forget()
            changed += _import_one_by_one(chunk, report, lookups, actor)
            continue
        for record, result in zip(chunk, results, strict=True):
            if result.error is not None:
                report.failures.append(
                    _failure(record, ImportItemError(_describe_validation_error(result.error)))
                )
                continue
            # An item without an error has its article and action (ImportedArticleResult).
            article, action = cast(Article, result.article), cast(UpsertAction, result.action)
            report.count(action)
            _report_kept(report, article, result.kept)
            if action != "unchanged":
                changed.append(article)
        lookups.settle(actor)
    articles_fingerprint(articles=changed)


def _unique_key_chunks(records: list[ArticleRecord]) -> Iterator[list[ArticleRecord]]:
    """Split so that no chunk holds one source key twice (the second sees the first)."""
    chunk: list[ArticleRecord] = []
    keys: set[str] = set()
    for record in records:
        key = record_source_key(record)
        if key in keys:
            yield chunk
            chunk, keys = [], set()
        chunk.append(record)
        keys.add(key)
    if chunk:
        yield chunk


def _import_one_by_one(
    records: list[ArticleRecord], report: ImportReport, lookups: _Lookups, actor: User
) -> list[Article]:
    changed: list[Article] = []
    for record in records:
        try:
            with transaction.atomic():
                article, action, kept = record_import(
                    record=record, outlet=lookups.forced, actor=actor
                )
        except (ImportItemError, DatabaseError) as error:
            report.failures.append(_failure(record, error))
            continue
        report.count(action)
        _report_kept(report, article, kept)
        if action != "unchanged":
            changed.append(article)
    return changed


def _report_kept(report: ImportReport, article: Article, kept: list[str]) -> None:
    report.kept += [KeptField(article.pk, article.headline[:120], name) for name in kept]


def _failure(record: ArticleRecord, error: Exception) -> ImportFailure:
    return ImportFailure(record.source, record.line, str(error), record.unit)


def read_records(
    paths: Iterable[Path | str], *, format: str = "auto"
) -> Iterator[ArticleRecord | ImportFailure]:
    """Yield a record (or an ImportFailure) per item in each file, streaming JSONL."""
    for path in paths:
        yield from read_path(path, format=format, max_bytes=max_file_bytes())


def paths_import(
    paths: list[Path | str],
    *,
    format: str = "auto",
    outlet: Outlet | None = None,
    dry_run: bool = False,
    actor: User | None = None,
    jobs: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import files (or feed URLs), in ``jobs`` worker processes when more than one.

    Large imports are CPU-bound in Python, so on a multi-core machine several
    processes, each running :func:`records_import` over its share of the files, finish
    sooner. Files are shared out by size; one big file still goes to one worker.
    ``on_progress`` receives the number of items read so far.

    Workers are spawned processes with their own database connections (see
    ``sources.import_worker``). Known limit: workers do not see each other's uncommitted
    batches, so a text and its
    copy imported at the same moment by two workers are not marked as wire copy. Import
    with ``jobs=1`` when that matters.
    """
    if jobs <= 1 or len(paths) <= 1:
        seen = 0

        def tick(_item: ArticleRecord | ImportFailure) -> None:
            nonlocal seen
            seen += 1
            if on_progress is not None:
                on_progress(seen)

        records = read_records(paths, format=format)
        return records_import(records, outlet=outlet, dry_run=dry_run, actor=actor, on_item=tick)
    return _paths_import_parallel(
        paths,
        format=format,
        outlet_id=outlet.pk if outlet is not None else None,
        dry_run=dry_run,
        actor_id=actor.pk if actor is not None else None,
        jobs=jobs,
        on_progress=on_progress,
    )


def _shares(paths: list[Path | str], jobs: int) -> list[list[Path | str]]:
    """Share files out by size, largest first, so the workers finish close together."""

    def size(path: Path | str) -> int:
        try:
            return Path(path).stat().st_size
        except OSError:
            return 0

    shares: list[list[Path | str]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for path in sorted(paths, key=size, reverse=True):
        least = loads.index(min(loads))
        shares[least].append(path)
        loads[least] += size(path)
    return [share for share in shares if share]


def worker_import(
    paths: list[Path | str],
    *,
    format: str,
    outlet_id: int | None,
    dry_run: bool,
    actor_id: int | None,
    on_item: Callable[[ArticleRecord | ImportFailure], None],
) -> ImportReport:
    """One worker's share of a parallel import (see ``sources.import_worker``)."""
    outlet = Outlet.objects.get(pk=outlet_id) if outlet_id else None
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    records = read_records(paths, format=format)
    return records_import(records, outlet=outlet, dry_run=dry_run, actor=actor, on_item=on_item)


def _paths_import_parallel(
    paths: list[Path | str],
    *,
    format: str,
    outlet_id: int | None,
    dry_run: bool,
    actor_id: int | None,
    jobs: int,
    on_progress: Callable[[int], None] | None,
) -> ImportReport:
    shares = _shares(list(paths), jobs)
    context = multiprocessing.get_context("spawn")
    counter = context.Value("q", 0)
    report = ImportReport()
    init_args = (
        os.environ.get("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev"),
        connection.settings_dict["NAME"],
        counter,
    )
    with context.Pool(len(shares), initializer=import_worker.init, initargs=init_args) as pool:
        pending = pool.starmap_async(
            import_worker.run,
            [(share, format, outlet_id, dry_run, actor_id) for share in shares],
        )
        while not pending.ready():
            pending.wait(0.2)
            if on_progress is not None:
                on_progress(counter.value)
        for part in pending.get():
            report.created += part.created
            report.updated += part.updated
            report.unchanged += part.unchanged
            report.failures.extend(part.failures)
            report.kept.extend(part.kept)
    if on_progress is not None:
        on_progress(counter.value)
    return report
