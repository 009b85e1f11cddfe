"""The import seam's writes: articles created or updated from imported records.

``articles_upsert_imported`` (and its one-article form) takes the typed records of
``articles.imports`` from sources, with publishing an explicit argument, and writes
the articles, their bylines and images, one revision and one audit entry each;
``section_get_or_create`` and ``article_slug`` are the helpers importers share.

The editors' writes are elsewhere: articles, bylines, pictures on an article,
corrections, workflow steps and restores in ``workflow``; presence and autosave rows in
``editing``; library images in ``images``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import reversion
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

import pagecache
from audit.services import editorial_log_many
from entities.models import Person
from entities.services import is_desk_credit, person_for_byline

from .imports import ArticleImport, ImportedArticle, ImportedByline, ImportedImage
from .models import Article, ArticleImage, Byline, Section
from .prepared import attach
from .sanitize import paragraphs_to_html, sanitize_html
from .tasks import articles_announce_task

UpsertAction = Literal["created", "updated", "unchanged"]


def section_get_or_create(*, name: str) -> Section:
    """Sections are matched by slug, so "Regional" and "regional" are one section."""
    slug = slugify(name)[:100]
    section, _ = Section.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    return section


def article_slug(headline: str) -> str:
    return slugify(headline)[:200] or "article"


@transaction.atomic
def article_upsert_imported(
    *,
    record: ImportedArticle,
    article: Article | None,
    publish: bool,
    by: User,
    comment: str = "Imported",
) -> tuple[Article, UpsertAction]:
    """Update ``article`` from an imported record, or create one when it is ``None``.

    The one-article form of :func:`articles_upsert_imported`, with the same rules; a
    refused record raises its ``ValidationError``.
    """
    (result,) = articles_upsert_imported(
        items=[ArticleImport(record=record, article=article, publish=publish)],
        by=by,
        comment=comment,
    )
    if result.error is not None:
        raise result.error
    if result.article is None or result.action is None:  # only refused items have none
        raise ValueError("the upsert returned no article and no error")
    return result.article, result.action


def _describe_revision(actor: User | None, comment: str) -> None:
    """Every saved version says who made it and why (history is shown to editors)."""
    if actor is not None:
        reversion.set_user(actor)
    reversion.set_comment(comment)


@dataclass
class ImportedArticleResult:
    """What happened to one input: the article and action, or why it was refused.

    ``kept`` names the fields the source changed but an editor had changed first: the
    editor's version was kept, and the import report says so.
    """

    article: Article | None
    action: UpsertAction | None
    error: ValidationError | None = None
    kept: list[str] = field(default_factory=list)


# Fields the source speaks for, as stored in ``Article.source_snapshot``. Bylines and
# images count as one field each: an editor who fixes one credit owns the list.
SOURCE_FIELDS = (
    "headline",
    "is_headline_provisional",
    "dek",
    "body",
    "key_points",
    "outlet",
    "section",
    "canonical_url",
    "attribution",
    "published_at",
    "published_at_precision",
    "needs_review",
    "review_notes",
    "bylines",
    "images",
)
_RELATIONS = {"outlet", "section"}
# The importer's own notes to editors: an editor who clears the flag has reviewed the
# article, which is not a disagreement with the source worth reporting.
_REVIEW_FIELDS = {"needs_review", "review_notes"}


def _snapshot_value(name: str, value: Any) -> Any:
    """A field's value in the JSON form the snapshot keeps, so both sides compare equal.

    Relations arrive as ids (``outlet_id``), from the record or the row alike.
    """
    if name in _RELATIONS:
        return value
    if name == "published_at":
        return value.astimezone(dt.UTC).isoformat() if value is not None else None
    if name == "bylines":
        return [[b.name, str(b.role)] for b in value]
    if name == "images":
        return [[i.caption, i.credit, i.source_url] for i in value]
    if name == "key_points":
        return list(value)
    return value


def _article_source_view(article: Article) -> dict[str, Any]:
    """The article's current values of the source's fields (bylines, images prefetched)."""
    view = {}
    for name in SOURCE_FIELDS:
        if name in _RELATIONS:
            view[name] = getattr(article, _column(name))
        elif name in ("bylines", "images"):
            view[name] = _snapshot_value(name, getattr(article, name).all())
        else:
            view[name] = _snapshot_value(name, getattr(article, name))
    return view


def _merge_from_source(
    article: Article, source: dict[str, Any]
) -> tuple[list[str], list[str], dict[str, Any]]:
    """Which fields follow the source, which keep an editor's version, and the current values.

    A field that differs from what the source now says follows the source only when
    its current value is still what the source last said (nobody changed it since).
    Otherwise someone changed it: their version is kept, and named, so the report
    shows every place where the article and its source disagree by an editor's
    choice. An article imported before snapshots were kept has none: if nobody has
    saved it since (version 1) its values are the source's, otherwise every field
    that differs from the source is the editor's.
    """
    current = _article_source_view(article)
    last = article.source_snapshot or (current if article.version == 1 else {})
    follow, kept = [], []
    for name in SOURCE_FIELDS:
        if current[name] == source[name]:
            continue
        if name in last and current[name] == last[name]:
            follow.append(name)
        elif name not in _REVIEW_FIELDS:
            kept.append(name)
    return follow, kept, current


@transaction.atomic
def articles_upsert_imported(
    *, items: Sequence[ArticleImport], by: User, comment: str = "Imported"
) -> list[ImportedArticleResult]:
    """Many imported articles at once, with the same outcome as :func:`article_upsert_imported`.

    Which article a record is, is the caller's knowledge (sources keeps the source
    identity): an item names its existing article (``ArticleImport.article``) or none,
    and one with none is always a new article, marked ``is_imported``. Importing the
    same source twice, with its article named, changes nothing. A new article is
    published when its caller says so (``ArticleImport.publish``, decided by sources'
    policy) and otherwise waits in review; nothing here infers it. An existing article
    keeps its workflow status whatever the source says, and takes from a changed
    source only the fields no editor has changed since the last import (see
    ``_merge_from_source``): re-imports never overwrite a person's work. Each article
    records what its source said (``source_snapshot``) for the next comparison.

    Bulk imports (100k articles) cannot afford a dozen queries per article, so this
    locks and reads again the named existing rows (with their snapshots) in one query,
    inserts the new articles, their bylines and images with ``bulk_create``, records
    one revision (comment ``comment``, user ``by``) holding a version of every created
    or changed article, bumps each changed article's version, and writes one audit row
    per created or changed article in one insert, as ``by``.

    The core announces its own publications: after commit, the created or changed
    articles that are published are handed to one ``articles_announce_task``, which
    sends ``articles.signals.article_published`` for each (one task row per call
    rather than one per article keeps bulk imports fast). A dry run that rolls back
    announces nothing.

    Validation errors are returned per item (``error``), not raised, so the caller
    can report them and keep the rest; database errors roll the whole call back.
    An existing article may be named once per call; one that no longer exists is an
    error of the caller (``ValueError``).
    """
    named = [item.article.pk for item in items if item.article is not None]
    if len(set(named)) != len(named):
        raise ValueError("an existing article can be named once per call")
    existing = {
        a.pk: a
        for a in Article.objects.select_for_update()
        .filter(pk__in=named)
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
        )
    }
    if len(existing) != len(named):
        missing = sorted(set(named) - set(existing))
        raise ValueError(f"the articles named for update do not exist: {missing}")
    results: list[ImportedArticleResult] = []
    to_create: list[tuple[Article, _Credits]] = []
    to_update: list[tuple[Article, _Credits, dict[str, Any]]] = []
    snapshot_only: list[Article] = []
    for item in items:
        record = item.record
        fields = _imported_fields(record)
        credits = _Credits(
            # However an importer read it, "Reuters" or "Desk Report" credits a desk.
            bylines=[
                ImportedByline(name=b.name, role=Byline.Role.DESK) if is_desk_credit(b.name) else b
                for b in record.bylines
            ],
            images=list(record.images),
        )
        source = {
            **{name: _snapshot_value(name, fields[_column(name)]) for name in SOURCE_FIELDS[:-2]},
            "bylines": [[b.name, str(b.role)] for b in credits.bylines],
            "images": [[i.caption, i.credit, i.source_url] for i in credits.images],
        }
        if item.article is None:
            status = Article.Status.PUBLISHED if item.publish else Article.Status.IN_REVIEW
            article = Article(is_imported=True, status=status, source_snapshot=source, **fields)
            try:
                _validate_imported(article)
            except ValidationError as error:
                results.append(ImportedArticleResult(None, None, error))
                continue
            results.append(ImportedArticleResult(article, "created"))
            to_create.append((article, credits))
            continue
        article = existing[item.article.pk]
        follow, kept, current = _merge_from_source(article, source)
        if not follow:
            if article.source_snapshot != source:
                article.source_snapshot = source
                snapshot_only.append(article)
            results.append(ImportedArticleResult(article, "unchanged", kept=kept))
            continue
        before = {name: current[name] for name in follow}
        for name in follow:
            if name in ("bylines", "images"):
                continue
            setattr(article, _column(name), fields[_column(name)])
            if name == "headline":
                article.slug = fields["slug"]
            if name == "body":
                article.body_text = fields["body_text"]
        article.source_snapshot = source
        try:
            _validate_imported(article)
        except ValidationError as error:
            results.append(ImportedArticleResult(None, None, error))
            continue
        article.version += 1
        change = {
            "before": before,
            "after": {name: source[name] for name in follow},
            "kept_editors_version": kept,
        }
        results.append(ImportedArticleResult(article, "updated", kept=kept))
        to_update.append((article, credits, change))

    for article in snapshot_only:
        # Only what the source said moved on; the article itself is as the editor left it.
        Article.objects.filter(pk=article.pk).update(source_snapshot=article.source_snapshot)
    if not to_create and not to_update:
        return results
    now = timezone.now()
    for article, _item in to_create:
        article.created_at = article.updated_at = now
        if article.status == Article.Status.PUBLISHED:
            article.first_published_at = now
    Article.objects.bulk_create([article for article, _ in to_create])
    for article, _item, _change in to_update:
        article.save()
    # Bylines and images are written for new articles, and for changed ones only when
    # the source's list is followed (an editor's credits are never replaced).
    credited = list(to_create)
    credited += [(a, item) for a, item, change in to_update if "bylines" in change["after"]]
    pictured = list(to_create)
    pictured += [(a, item) for a, item, change in to_update if "images" in change["after"]]
    replaced_bylines = [a for a, item, change in to_update if "bylines" in change["after"]]
    replaced_images = [a for a, item, change in to_update if "images" in change["after"]]
    if replaced_bylines:
        Byline.objects.filter(article__in=replaced_bylines).delete()
    if replaced_images:
        ArticleImage.objects.filter(article__in=replaced_images).delete()
    people: dict[str, Person | None] = {}

    def person(name: str) -> Person | None:
        if name not in people:
            people[name] = person_for_byline(name=name)
        return people[name]

    new_bylines = {
        article.pk: [
            Byline(
                article=article,
                position=i,
                name=b.name,
                role=b.role,
                person=None if b.role == Byline.Role.DESK else person(b.name),
            )
            for i, b in enumerate(item.bylines)
        ]
        for article, item in credited
    }
    new_images = {
        article.pk: [
            ArticleImage(
                article=article,
                position=i,
                caption=m.caption,
                credit=m.credit,
                source_url=m.source_url,
            )
            for i, m in enumerate(item.images)
        ]
        for article, item in pictured
    }
    Byline.objects.bulk_create([b for rows in new_bylines.values() for b in rows])
    ArticleImage.objects.bulk_create([m for rows in new_images.values() for m in rows])
    articles = [article for article, _ in to_create] + [article for article, _, _ in to_update]
    for article in articles:
        # What prefetch_related would load, from the rows just written: the revision
        # below follows bylines and images, and would otherwise query them per article.
        if article.pk in new_bylines:
            attach(article, "bylines", new_bylines[article.pk])
        if article.pk in new_images:
            attach(article, "images", new_images[article.pk])
    # bulk_create sends no post_save: the pages showing these articles are named here.
    pagecache.invalidate_on_commit(*(f"article:{article.pk}" for article in articles))
    _announce_on_commit([a.pk for a in articles if a.status == Article.Status.PUBLISHED])
    with reversion.create_revision(atomic=False):
        for article in articles:
            reversion.add_to_revision(article)
        _describe_revision(by, comment)
    editorial_log_many(
        actor=by,
        entries=[
            (
                "article.import_create",
                article,
                {"status": article.status},
            )
            for article, _item in to_create
        ]
        + [("article.import_update", article, change) for article, _item, change in to_update],
    )
    return results


def _validate_imported(article: Article) -> None:
    # Uniqueness is the database's job here (one query per row otherwise), and the
    # outlet and section were just looked up by the caller.
    article.full_clean(
        exclude=["outlet", "section"], validate_unique=False, validate_constraints=False
    )


def _imported_fields(record: ImportedArticle) -> dict[str, Any]:
    """The stored fields for an import: slug from the headline, body built and sanitised."""
    return {
        "headline": record.headline,
        "slug": article_slug(record.headline),
        "is_headline_provisional": record.is_headline_provisional,
        "dek": record.dek,
        # Stored exactly as the model field's sanitiser leaves it, so re-imports compare equal.
        "body": sanitize_html(paragraphs_to_html(list(record.paragraphs))),
        "body_text": record.body_text,
        "key_points": list(record.key_points),
        "outlet_id": record.outlet_id,
        "section_id": record.section_id,
        "canonical_url": record.canonical_url,
        "attribution": record.attribution,
        "published_at": record.published_at,
        "published_at_precision": record.published_at_precision,
        "needs_review": record.needs_review,
        "review_notes": record.review_notes,
    }


def _column(name: str) -> str:
    """The stored field behind a source field: relations are kept by id."""
    return f"{name}_id" if name in _RELATIONS else name


@dataclass
class _Credits:
    """One article's bylines (desk credits recognised) and images, as they will be written."""

    bylines: list[ImportedByline]
    images: list[ImportedImage]


def _announce_on_commit(article_ids: list[int]) -> None:
    """Queue one task that announces these published articles once this write commits."""
    if article_ids:
        transaction.on_commit(lambda: articles_announce_task.enqueue(article_ids=article_ids))
