"""Every write to articles goes through here, for the admin, importers and tests alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import reversion
from django.db import transaction
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
    article = Article.objects.select_for_update().filter(source_key=source_key).first()
    if article is None:
        article = Article(source_key=source_key, **fields)
        article.full_clean()
        with reversion.create_revision(atomic=False):
            article.save()
            _replace_bylines_and_images(article, bylines, images)
            _describe_revision(actor, comment)
        return article, "created"

    changed = [name for name, value in fields.items() if getattr(article, name) != value]
    old_bylines = [BylineInput(b.name, b.role) for b in article.bylines.order_by("position")]
    old_images = [
        ImageInput(i.caption, i.credit, i.source_url) for i in article.images.order_by("position")
    ]
    if not changed and old_bylines == list(bylines) and old_images == list(images):
        return article, "unchanged"
    for name in changed:
        setattr(article, name, fields[name])
    article.full_clean()
    with reversion.create_revision(atomic=False):
        article.save()
        _replace_bylines_and_images(article, bylines, images)
        _describe_revision(actor, comment)
    return article, "updated"


def _describe_revision(actor, comment: str) -> None:
    """Every saved version says who made it and why (history is shown to editors)."""
    bump_on_commit()
    if actor is not None:
        reversion.set_user(actor)
    reversion.set_comment(comment)


def _replace_bylines_and_images(article, bylines, images) -> None:
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(
            article=article,
            position=i,
            name=b.name,
            role=b.role,
            person=None if b.role == Byline.Role.DESK else person_for_byline(name=b.name),
        )
        for i, b in enumerate(bylines)
    )
    article.images.all().delete()
    ArticleImage.objects.bulk_create(
        ArticleImage(
            article=article,
            position=i,
            caption=m.caption,
            credit=m.credit,
            source_url=m.source_url,
        )
        for i, m in enumerate(images)
    )
