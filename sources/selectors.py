"""Reads about where articles come from: wire copy for the story and article pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.http import HttpRequest

from articles.models import Article
from articles.prepared import PreparedQuery

from .models import ArticleFingerprint, Outlet, WireCopyVerdict
from .wire_copy import inputs_hash

# What a query for articles adds to select_related so that wire_verdict_of() costs
# nothing: the verdict, and the original's outlet for "same text as <outlet>'s article".
WIRE_VERDICT_RELATED = "wire_verdict__original__outlet"


@dataclass(frozen=True)
class WireCopy:
    """``article`` has (mostly) the same text as ``original``, from another outlet."""

    article_id: int
    original: Article
    similarity: float

    def __str__(self) -> str:
        return f"same text as “{self.original.headline}”, similarity {self.similarity:.2f}"


def wire_copy_of(*, article: Article) -> WireCopy | None:
    """The earlier article this one repeats, if any (one query)."""
    return wire_copies_for(articles=[article]).get(article.pk)


def wire_copies_for(*, articles: Iterable[Article]) -> dict[int, WireCopy]:
    """Wire-copy marks for many articles in one query, keyed by article id (story pages)."""
    ids = [a.pk for a in articles]
    rows = (
        ArticleFingerprint.objects.filter(article_id__in=ids, same_text_as__isnull=False)
        .select_related("same_text_as__outlet")
        .only(
            "article_id",
            "similarity",
            "same_text_as__headline",
            "same_text_as__slug",
            "same_text_as__outlet__name",
            "same_text_as__outlet__slug",
        )
    )
    return {
        row.article_id: WireCopy(row.article_id, row.same_text_as, row.similarity)
        for row in rows
        # The fingerprint service sets both or neither; the query asked for the set ones.
        if row.same_text_as is not None and row.similarity is not None
    }


def wire_verdict_of(article: Article) -> WireCopyVerdict | None:
    """The stored wire-copy verdict of ``article`` (None if none was decided yet).

    Free when the article was loaded with ``select_related(WIRE_VERDICT_RELATED)``
    (prefixed with the path to the article); one query otherwise.
    """
    return getattr(article, "wire_verdict", None)


def wire_verdict_is_stale(*, article_id: int) -> bool:
    """Whether the article's text or credits changed since its verdict (1 query).

    An import decides the verdict in the batch, before it announces the article, so
    the announcement finds it current; an editor's change to the body or the credits
    does not, and the verdict is decided again (``sources.receivers``).
    """
    row = (
        Article.objects.filter(pk=article_id)
        .annotate(names=ArrayAgg("bylines__name", order_by="bylines__position", default=[]))
        .values_list("attribution", "body_text", "names", "wire_verdict__inputs_hash")
        .first()
    )
    if row is None:
        return False
    attribution, body_text, names, stored = row
    names = [name for name in names if name is not None]
    return stored != inputs_hash(text=body_text, attribution=attribution, byline_names=names)


# The outlet page's outlet, compiled once per process (articles/prepared.py).
OUTLET_AT = PreparedQuery(lambda slug: Outlet.objects.filter(slug=slug)[:1], slug=str)


def outlet_at(*, slug: str) -> Outlet | None:
    """The outlet at ``slug``, or None (1 query, prepared)."""
    found = OUTLET_AT.run(slug=slug)
    return found[0] if found else None


def outlet_jsonld(*, outlet: Outlet, request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsMediaOrganization",
        "name": outlet.name,
        "url": outlet.homepage or request.build_absolute_uri(outlet.get_absolute_url()),
    }
    if outlet.logo:
        data["logo"] = request.build_absolute_uri(outlet.logo.url)
    if outlet.domains:
        data["sameAs"] = [f"https://{domain}/" for domain in outlet.domains]
    if outlet.country:
        data["address"] = {"@type": "PostalAddress", "addressCountry": outlet.country}
    if outlet.owner:
        data["parentOrganization"] = {"@type": "Organization", "name": outlet.owner}
    return data
