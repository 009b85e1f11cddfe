"""Editing an article in the admin alongside others: presence, autosave, conflict comparison.

Optimistic locking (``Article.version``, checked by ``workflow.article_save``) refuses a
stale save; this module helps editors avoid one and recover from one:

- presence: an open change form pings ``editing_session_ping`` every few seconds, which
  says who else has the article open and whether it was saved since this form opened;
- autosave: the form's unsaved text is kept per user (``autosave_store``) and offered
  back when the editor reopens the article (``autosave_for_restore``);
- a refused save shows ``conflict_comparison``: the version the editor opened (from
  django-reversion), the version saved since (who, when) and the editor's own input.

It writes only its own rows (``EditingSession``, ``ArticleDraftAutosave``), never the
article itself; the save that applies an editor's text is ``workflow.article_save``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from .models import (
    Article,
    ArticleDraftAutosave,
    ArticleImage,
    Byline,
    Correction,
    EditingSession,
    Image,
)
from .sanitize import html_to_text
from .workflow import can_edit

# Someone not heard from for this long has closed the form (or lost the network).
PRESENCE_WINDOW = dt.timedelta(seconds=30)
# The form fields kept by autosave: the text an editor would hate to type again.
AUTOSAVE_FIELDS = ("headline", "dek", "body", "key_points")
AUTOSAVE_MAX_CHARS = 1_000_000


def editor_name(user: User) -> str:
    """How colleagues see an editor: their full name when set, else their username."""
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


# --- presence


@dataclass
class NewerVersion:
    version: int
    saved_by: str
    saved_at: dt.datetime


@dataclass
class EditingStatus:
    others: list[str] = field(default_factory=list)
    newer: NewerVersion | None = None


@transaction.atomic
def editing_session_ping(*, article: Article, user: User, version_opened: int) -> EditingStatus:
    """Record that ``user`` has ``article`` open, and say who else does.

    Also reports whether the article was saved since this form opened, so the editor
    learns it before pressing Save rather than after.
    """
    if not can_edit(user, article):
        raise PermissionDenied("You may not edit this article.")
    now = timezone.now()
    EditingSession.objects.update_or_create(
        article=article,
        user=user,
        defaults={"last_seen_at": now, "version_opened": version_opened},
    )
    # Rows for forms closed long ago tell nobody anything: drop this article's.
    long_ago = now - dt.timedelta(days=1)
    EditingSession.objects.filter(article=article, last_seen_at__lt=long_ago).delete()
    others = (
        EditingSession.objects.filter(article=article, last_seen_at__gte=now - PRESENCE_WINDOW)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )
    status = EditingStatus(others=[editor_name(s.user) for s in others])
    current = Article.objects.only("version", "updated_at").get(pk=article.pk)
    if current.version > version_opened:
        saved_by, saved_at = _saved_by(article.pk, current)
        status.newer = NewerVersion(version=current.version, saved_by=saved_by, saved_at=saved_at)
    return status


def editing_session_end(*, article: Article, user: User) -> None:
    """The editor left the form (saved, closed the tab, went elsewhere)."""
    EditingSession.objects.filter(article=article, user=user).delete()


# --- autosave


def _check_autosave_data(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError("Autosave data must be an object of field values.")
    cleaned = {name: data[name] for name in AUTOSAVE_FIELDS if name in data}
    if not all(isinstance(value, str) for value in cleaned.values()):
        raise ValidationError("Autosave values must be text.")
    if sum(len(value) for value in cleaned.values()) > AUTOSAVE_MAX_CHARS:
        raise ValidationError("Too much text to autosave.")
    return cleaned


@transaction.atomic
def autosave_store(
    *, article: Article, by: User, data: dict[str, Any], version_opened: int
) -> ArticleDraftAutosave:
    """Keep ``by``'s unsaved input for ``article``; replaces their previous autosave."""
    if not can_edit(by, article):
        raise PermissionDenied("You may not edit this article.")
    autosave, _ = ArticleDraftAutosave.objects.update_or_create(
        article=article,
        user=by,
        defaults={
            "data": _check_autosave_data(data),
            "version_opened": version_opened,
            "saved_at": timezone.now(),
        },
    )
    return autosave


def autosave_discard(*, article: Article, by: User) -> int:
    """Forget ``by``'s unsaved input (they discarded it, or saved the article)."""
    deleted, _ = ArticleDraftAutosave.objects.filter(article=article, user=by).delete()
    return deleted


def _form_values(article: Article) -> dict[str, Any]:
    """The article as its change form shows the autosaved fields."""
    return {
        "headline": article.headline,
        "dek": article.dek,
        "body": article.body,
        "key_points": "\n".join(article.key_points),
    }


def autosave_for_restore(*, article: Article, user: User) -> ArticleDraftAutosave | None:
    """The autosave worth offering back: newer than the article's last change, and different.

    An autosave older than the last save was either saved or overtaken; one equal to the
    article holds nothing to lose. Neither is worth a prompt.
    """
    autosave = ArticleDraftAutosave.objects.filter(article=article, user=user).first()
    if autosave is None or autosave.saved_at <= article.updated_at:
        return None
    current = _form_values(article)
    if all(_same(current.get(name, ""), value) for name, value in autosave.data.items()):
        return None
    return autosave


def _same(saved: str, typed: str) -> bool:
    """Line ends and trailing blanks differ between browsers and the database."""
    return "\n".join(saved.split()) == "\n".join(typed.split())


# --- conflict comparison


@dataclass
class ComparisonRow:
    """One field; ``opened`` is None when the history has no copy of the opened version."""

    label: str
    opened: str | None
    current: str
    mine: str

    @property
    def changed_by_them(self) -> bool:
        return self.opened is not None and self.opened != self.current

    @property
    def changed_by_me(self) -> bool:
        return self.mine != (self.current if self.opened is None else self.opened)


@dataclass
class ConflictComparison:
    opened_version: int
    current_version: int
    saved_by: str
    saved_at: dt.datetime
    has_opened: bool
    rows: list[ComparisonRow]


COMPARED_FIELDS = [
    ("headline", "Headline"),
    ("dek", "Dek"),
    ("body", "Body"),
    ("key_points", "Key points"),
    ("section", "Section"),
    ("outlet", "Outlet"),
    ("bylines", "Bylines"),
]
# Shown only when they differ: most conflicts are about the text, and two identical
# lists of pictures or notes would only push the differences off the screen.
COMPARED_WHEN_CHANGED = [
    ("images", "Images"),
    ("corrections", "Corrections and updates"),
]


def conflict_comparison(
    *, article: Article, opened_version: int, mine: dict[str, Any]
) -> ConflictComparison:
    """What the editor opened, what is saved now and what they typed, field by field.

    ``article`` is the current row. The opened version is read from the revision that
    saved it (django-reversion stores each revision's version number); when the history
    has no such revision (an article imported before revisions were kept), that column
    says so rather than guessing.
    """
    opened_revision = _revision_for_version(article.pk, opened_version)
    opened = _revision_values(opened_revision) if opened_revision else {}
    current = _article_values(article)
    saved_by, saved_at = _saved_by(article.pk, article)
    # Corrections are appended, never edited: the editor's form showed the opened
    # version's and adds ``mine["corrections"]`` (the rows they typed) to them.
    shown = opened["corrections"] if opened_revision else current["corrections"]
    mine = {**mine, "corrections": "\n".join(filter(None, [shown, mine.get("corrections", "")]))}

    def row(name: str, label: str) -> ComparisonRow:
        return ComparisonRow(
            label=label,
            opened=opened.get(name, "") if opened_revision else None,
            current=current[name],
            mine=mine.get(name, current[name]),
        )

    rows = [row(name, label) for name, label in COMPARED_FIELDS]
    for name, label in COMPARED_WHEN_CHANGED:
        extra = row(name, label)
        if extra.changed_by_them or extra.changed_by_me:
            rows.append(extra)
    return ConflictComparison(
        opened_version=opened_version,
        current_version=article.version,
        saved_by=saved_by,
        saved_at=saved_at,
        has_opened=opened_revision is not None,
        rows=rows,
    )


def comparable_values(
    *,
    headline: str | None,
    dek: str | None,
    body: str | None,
    key_points: list[str] | None,
    section: object,
    outlet: object,
    bylines: Iterable[str],
    images: Iterable[str] = (),
    corrections: Iterable[str] = (),
) -> dict[str, Any]:
    """Field values as the comparison shows them: plain text, one item per line.

    ``images`` and ``corrections`` are lines already made by ``image_line`` and
    ``correction_line``.
    """
    return {
        "headline": headline or "",
        "dek": dek or "",
        "body": html_to_text(body or ""),
        "key_points": "\n".join(key_points or []),
        "section": str(section) if section else "",
        "outlet": str(outlet) if outlet else "",
        "bylines": "\n".join(bylines),
        "images": "\n".join(images),
        "corrections": "\n".join(corrections),
    }


def image_line(*, position: int, image: Image | None, caption: str) -> str:
    """ "2. A ferry at the quay: Caption", the caption falling back to the image's own
    as it does on the page; the alt text tells two pictures apart."""
    shown = caption or (image.caption if image else "")
    line = f"{position}. {image if image else 'No file'}"
    return f"{line}: {shown}" if shown else line


def correction_line(*, kind: str, text: str) -> str:
    return f"{Correction.Kind(kind).label if kind in Correction.Kind.values else kind}: {text}"


def _article_values(article: Article) -> dict[str, Any]:
    images = article.images.select_related("image").order_by("position")
    return comparable_values(
        headline=article.headline,
        dek=article.dek,
        body=article.body,
        key_points=article.key_points,
        section=article.section,
        outlet=article.outlet,
        bylines=list(article.bylines.order_by("position").values_list("name", flat=True)),
        images=[image_line(position=i.position, image=i.image, caption=i.caption) for i in images],
        corrections=[
            correction_line(kind=c.kind, text=c.text)
            for c in article.corrections.order_by("created_at", "pk")
        ],
    )


def _article_versions(article_id: int) -> Any:  # reversion's Version queryset (no stubs)
    return Version.objects.get_for_object_reference(Article, article_id).order_by("-pk")


def _revision_for_version(article_id: int, version: int) -> Version | None:
    """The newest revision that saved ``version`` of the article, if the history has it."""
    # Narrowed in SQL first (the JSON serializer writes '"version": 5,'), then checked
    # properly: the ping asks this every few seconds once a newer version exists.
    candidates = _article_versions(article_id).filter(
        serialized_data__regex=rf'"version": ?{int(version)}[,}}]'
    )
    for candidate in candidates.select_related("revision__user"):
        if candidate.field_dict.get("version") == version:
            return candidate
    return None


def _revision_values(article_version: Version) -> dict[str, Any]:
    fields = article_version.field_dict
    # An unsaved article with the old foreign keys reads their names through its own
    # relations; a section or outlet deleted since shows as blank.
    shadow = Article(section_id=fields.get("section_id"), outlet_id=fields.get("outlet_id"))
    section = _related_or_none(shadow, "section")
    outlet = _related_or_none(shadow, "outlet")
    bylines = sorted(
        (
            version.field_dict
            for version in article_version.revision.version_set.get_for_model(Byline)
        ),
        key=lambda byline: byline.get("position", 0),
    )
    placements = sorted(
        (
            version.field_dict
            for version in article_version.revision.version_set.get_for_model(ArticleImage)
        ),
        key=lambda placement: placement.get("position", 0),
    )
    pictures = Image.objects.in_bulk([p["image_id"] for p in placements if p.get("image_id")])
    # Corrections are append-only and not in the revision (following them would make a
    # restore delete every correction added since), so the opened version's are those
    # written before its revision was.
    corrections = Correction.objects.filter(
        article_id=article_version.object_id,
        created_at__lte=article_version.revision.date_created,
    ).order_by("created_at", "pk")
    return comparable_values(
        headline=fields.get("headline"),
        dek=fields.get("dek"),
        body=fields.get("body"),
        key_points=fields.get("key_points"),
        section=section,
        outlet=outlet,
        bylines=[b.get("name", "") for b in bylines],
        images=[
            image_line(
                position=p.get("position"),
                image=pictures.get(p.get("image_id")),
                caption=p.get("caption", ""),
            )
            for p in placements
        ],
        corrections=[correction_line(kind=c.kind, text=c.text) for c in corrections],
    )


def _related_or_none(article: Article, name: str) -> Any:
    try:
        return getattr(article, name)
    except ObjectDoesNotExist:
        return None


def _saved_by(article_id: int, current: Article) -> tuple[str, dt.datetime]:
    """Who saved the current version and when; the last revision's author as a fallback."""
    revision = _revision_for_version(article_id, current.version)
    if revision is None:
        revision = _article_versions(article_id).select_related("revision__user").first()
        if revision is None:
            return "Someone", current.updated_at
        return editor_name(revision.revision.user), current.updated_at
    return editor_name(revision.revision.user), revision.revision.date_created
