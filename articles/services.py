"""Every write to articles goes through here, for the admin, importers and tests alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from entities.services import person_for_byline
from pagecache.generation import bump_on_commit

from .models import Article, ArticleImage, Byline, Section
from .sanitize import html_to_text, paragraphs_to_html, sanitize_html

UpsertAction = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class BylineInput:
    name: str
    role: str = Byline.Role.AUTHOR


@dataclass(frozen=True)
class ImageInput:
    caption: str = ""
    credit: str = ""
    source_url: str = ""


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
    source_key: str,
    fields: dict,
    bylines: list[BylineInput],
    images: list[ImageInput],
    actor=None,
    comment: str = "Imported",
) -> tuple[Article, UpsertAction]:
    """Create or update the article an importer identified by ``source_key``.

    Importing the same source twice must change nothing, so the action is "unchanged"
    when every field, byline and image already matches. Imported articles are
    published: they are other outlets' published work, shown as coverage.
    """
    (result,) = articles_upsert_imported(
        items=[ImportedArticleInput(source_key, fields, list(bylines), list(images))],
        actor=actor,
        comment=comment,
    )
    if result.error is not None:
        raise result.error
    return result.article, result.action


def _describe_revision(actor, comment: str) -> None:
    """Every saved version says who made it and why (history is shown to editors)."""
    bump_on_commit()
    if actor is not None:
        reversion.set_user(actor)
    reversion.set_comment(comment)


@dataclass
class ImportedArticleInput:
    """One article for :func:`articles_upsert_imported`: the arguments of the single upsert."""

    source_key: str
    fields: dict
    bylines: list[BylineInput]
    images: list[ImageInput]


@dataclass
class ImportedArticleResult:
    """What happened to one input: the article and action, or why it was refused."""

    article: Article | None
    action: UpsertAction | None
    error: ValidationError | None = None


@transaction.atomic
def articles_upsert_imported(
    *, items: list[ImportedArticleInput], actor=None, comment: str = "Imported"
) -> list[ImportedArticleResult]:
    """Many imported articles at once, with the same outcome as :func:`article_upsert_imported`.

    Bulk imports (100k articles) cannot afford a dozen queries per article, so this
    locks the existing rows in one query, inserts the new articles, their bylines and
    images with ``bulk_create``, and records one revision (comment ``comment``) holding
    a version of every created or changed article, so each keeps its history.
    Validation errors are returned per item (``error``), not raised, so the caller can
    report them and keep the rest; database errors roll the whole call back. Source
    keys must be unique within one call.
    """
    keys = [item.source_key for item in items]
    if len(set(keys)) != len(keys):
        raise ValueError("source keys must be unique within one call")
    existing = {
        a.source_key: a
        for a in Article.objects.select_for_update()
        .filter(source_key__in=keys)
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
        )
    }
    results: list[ImportedArticleResult] = []
    to_create: list[tuple[Article, ImportedArticleInput]] = []
    to_update: list[tuple[Article, ImportedArticleInput]] = []
    for item in items:
        fields = _imported_fields(item.fields)
        article = existing.get(item.source_key)
        if article is None:
            article = Article(source_key=item.source_key, **fields)
            action: UpsertAction = "created"
        else:
            changed = [name for name, value in fields.items() if getattr(article, name) != value]
            old_bylines = [BylineInput(b.name, b.role) for b in article.bylines.all()]
            old_images = [
                ImageInput(i.caption, i.credit, i.source_url) for i in article.images.all()
            ]
            if not changed and old_bylines == list(item.bylines) and old_images == item.images:
                results.append(ImportedArticleResult(article, "unchanged"))
                continue
            for name in changed:
                setattr(article, name, fields[name])
            action = "updated"
        try:
            # Uniqueness is the database's job here (one query per row otherwise), and
            # the outlet and section were just looked up by the caller.
            article.full_clean(
                exclude=["outlet", "section"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            results.append(ImportedArticleResult(None, None, error))
            continue
        results.append(ImportedArticleResult(article, action))
        (to_create if action == "created" else to_update).append((article, item))

    if not to_create and not to_update:
        return results
    now = timezone.now()
    for article, _item in to_create:
        article.created_at = article.updated_at = now
    Article.objects.bulk_create([article for article, _ in to_create])
    for article, _item in to_update:
        article.save()
    written = to_create + to_update
    if to_update:
        Byline.objects.filter(article__in=[a for a, _ in to_update]).delete()
        ArticleImage.objects.filter(article__in=[a for a, _ in to_update]).delete()
    people: dict[str, object] = {}

    def person(name: str):
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
        for article, item in written
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
        for article, item in written
    }
    Byline.objects.bulk_create([b for rows in new_bylines.values() for b in rows])
    ArticleImage.objects.bulk_create([m for rows in new_images.values() for m in rows])
    articles = [article for article, _ in written]
    for article in articles:
        # What prefetch_related would load, from the rows just written: the revision
        # below follows bylines and images, and would otherwise query them per article.
        _set_prefetched(article, "bylines", Byline, new_bylines[article.pk])
        _set_prefetched(article, "images", ArticleImage, new_images[article.pk])
    with reversion.create_revision(atomic=False):
        for article in articles:
            reversion.add_to_revision(article)
        _describe_revision(actor, comment)
    return results


def _set_prefetched(instance, name: str, model, rows: list) -> None:
    """Fill ``instance.<name>.all()`` from memory, as ``prefetch_related`` does."""
    queryset = model.objects.all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def _imported_fields(fields: dict) -> dict:
    """The stored fields for an import: slug from the headline, body sanitised or built."""
    fields = {**fields, "slug": article_slug(fields["headline"])}
    if "paragraphs" in fields:
        paragraphs = fields.pop("paragraphs")
        # Stored exactly as the model field's sanitiser leaves it, so re-imports compare equal.
        fields["body"] = sanitize_html(paragraphs_to_html(paragraphs))
        fields["body_text"] = "\n\n".join(paragraphs)
    else:
        fields["body"] = sanitize_html(fields.get("body", ""))
        fields["body_text"] = html_to_text(fields["body"])
    fields.setdefault("status", Article.Status.PUBLISHED)
    return fields
