"""The editorial core's import seam: the one input its import upsert accepts, typed.

Sources reads files and feeds into its own ``sources.importers.records.ArticleRecord``
(with file names, line numbers, raw outlet and section names, and what a parser could
not find). It then decides what only it can know: which outlet and section rows the
names stand for, which article (if any) the record already is (its source identity,
which sources keeps to itself), which facts need an editor's eye (``needs_review``),
and whether a new article goes public at once (a trusted outlet and nothing flagged).
At the boundary it converts each record into an :class:`ImportedArticle` and hands it
to :func:`articles.services.articles_upsert_imported` inside an :class:`ArticleImport`,
which names the existing article or none and says ``publish`` explicitly.

The type lives here, in articles, because sources depends on articles and not the
other way round: the core owns the shape of what it is given. The records are frozen
and checked when they are built, so a misspelt or missing field fails where it is
written (``TypeError`` naming it) instead of silently defaulting inside the upsert,
as a dict's unknown keys used to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from .models import Article, Byline

__all__ = ["ArticleImport", "ImportedArticle", "ImportedByline", "ImportedImage"]


def _check_text(owner: object, name: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{type(owner).__name__}.{name} must be a str, not {type(value).__name__}")


def _check_texts(owner: object) -> None:
    for item in fields(owner):  # type: ignore[arg-type]
        if item.type == "str":
            _check_text(owner, item.name, getattr(owner, item.name))


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedByline:
    """One credit as the source printed it; the upsert turns desk names into desk credits."""

    name: str
    role: str = Byline.Role.AUTHOR

    def __post_init__(self) -> None:
        _check_texts(self)
        if self.role not in Byline.Role.values:
            raise ValueError(
                f"ImportedByline.role {self.role!r} is not one of {Byline.Role.values}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedImage:
    """An image the source showed (not downloaded): what it said about it, and where."""

    caption: str = ""
    credit: str = ""
    source_url: str = ""

    def __post_init__(self) -> None:
        _check_texts(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedArticle:
    """Everything the core stores from one imported article, and nothing else.

    Which article it is, if any, is not part of the record: the caller says so in
    :class:`ArticleImport`. ``paragraphs`` are plain text, in order; the core builds and
    sanitises the body from them. Outlet and section are ids of rows sources already
    looked up. ``needs_review`` and ``review_notes`` are sources' notes to editors.
    Lists given for the tuple fields are stored as tuples.
    """

    headline: str
    paragraphs: tuple[str, ...]
    is_headline_provisional: bool = False
    dek: str = ""
    key_points: tuple[str, ...] = ()
    outlet_id: int | None = None
    section_id: int | None = None
    canonical_url: str = ""
    attribution: str = ""
    published_at: dt.datetime | None = None
    published_at_precision: str = Article.Precision.MINUTE
    needs_review: bool = False
    review_notes: str = ""
    bylines: tuple[ImportedByline, ...] = ()
    images: tuple[ImportedImage, ...] = ()

    def __post_init__(self) -> None:
        _check_texts(self)
        if not self.headline.strip():
            raise ValueError("ImportedArticle.headline must not be empty")
        for name, kind in (
            ("paragraphs", str),
            ("key_points", str),
            ("bylines", ImportedByline),
            ("images", ImportedImage),
        ):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, tuple | list):
                raise TypeError(f"ImportedArticle.{name} must be a tuple of {kind.__name__}")
            if not all(isinstance(entry, kind) for entry in value):
                raise TypeError(f"ImportedArticle.{name} must hold only {kind.__name__} items")
            object.__setattr__(self, name, tuple(value))
        for name in ("is_headline_provisional", "needs_review"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"ImportedArticle.{name} must be a bool")
        for name in ("outlet_id", "section_id"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"ImportedArticle.{name} must be an int id or None")
        if self.published_at is not None:
            if not isinstance(self.published_at, dt.datetime):
                raise TypeError("ImportedArticle.published_at must be a datetime or None")
            if self.published_at.utcoffset() is None:
                raise ValueError("ImportedArticle.published_at must be timezone-aware")
        if self.published_at_precision not in Article.Precision.values:
            raise ValueError(
                f"ImportedArticle.published_at_precision {self.published_at_precision!r} "
                f"is not one of {Article.Precision.values}"
            )

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleImport:
    """One article for the upsert, the article it updates, and whether a new one goes public.

    ``article`` is the existing article this record is a re-import of, as the caller's
    source identity found it, or ``None`` to create one; both are stated, never
    defaulted, since the core cannot tell a re-import from a new article by itself. The
    upsert reads the article again under a row lock, so the caller's copy may be partial.

    ``publish`` is required and must be a bool: the core never infers publication from
    an import. It applies only when the article is new; a re-import never changes an
    existing article's workflow status.
    """

    record: ImportedArticle
    article: Article | None
    publish: bool

    def __post_init__(self) -> None:
        if not isinstance(self.record, ImportedArticle):
            raise TypeError("ArticleImport.record must be an ImportedArticle")
        if self.article is not None and (
            not isinstance(self.article, Article) or self.article.pk is None
        ):
            raise TypeError("ArticleImport.article must be a saved Article or None")
        if not isinstance(self.publish, bool):
            raise TypeError("ArticleImport.publish must be True or False")
