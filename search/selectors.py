"""Article search: weighted full text, corrected spelling, facets, safe snippets."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.search import Unaccented
from entities.models import Mention
from entities.selectors import PUBLIC_STATES

from .models import SearchTerm

PER_PAGE = 20
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Snippet markers that cannot occur in text; replaced by <mark> after escaping.
START, STOP = "\x02", "\x03"


ENTITY_FACETS = ("person", "place")


@dataclass
class SearchFilters:
    section: str = ""
    outlet: str = ""
    person: str = ""
    place: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class SearchResults:
    query: str
    searched_for: str  # the query actually run (corrected when the original found nothing)
    page: Page | None
    facets: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def was_corrected(self) -> bool:
        return self.searched_for.casefold() != self.query.casefold()


def corrected_query(query: str) -> str:
    """Replace each unknown word by the closest known word, if one is close enough."""
    words = WORD.findall(query)
    if not words:
        return query
    known = set(
        SearchTerm.objects.filter(word__in=[w.casefold() for w in words]).values_list(
            "word", flat=True
        )
    )
    corrected = query
    for word in words:
        folded = word.casefold()
        if folded in known or len(folded) < 4:
            continue
        replacement = _closest_word(folded)
        if replacement and word[:1].isupper():
            replacement = replacement[:1].upper() + replacement[1:]
        if replacement:
            corrected = re.sub(rf"\b{re.escape(word)}\b", replacement, corrected)
    return corrected


def _closest_word(word: str) -> str | None:
    """Trigram candidates (index), then fewest edits, then the most used word."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Transpositions ("Lavorv") share few trigrams with the right word; look wider.
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
        cursor.execute(
            """
            SELECT word FROM search_searchterm
            WHERE word %% %s AND levenshtein(word, %s) <= %s
            ORDER BY levenshtein(word, %s), documents DESC, word
            LIMIT 1
            """,
            [word, word, max(1, len(word) // 3), word],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _matching(query: str, filters: SearchFilters):
    search_query = SearchQuery(Unaccented(Value(query)), search_type="websearch", config="english")
    articles = Article.objects.published().filter(search_vector=search_query)
    if filters.section:
        articles = articles.filter(section__slug=filters.section)
    if filters.outlet:
        articles = articles.filter(outlet__slug=filters.outlet)
    for kind in ENTITY_FACETS:
        slug = getattr(filters, kind)
        if slug:
            articles = articles.filter(
                **{f"mentions__{kind}__slug": slug, "mentions__state__in": PUBLIC_STATES}
            )
    if filters.date_from:
        articles = articles.filter(published_at__date__gte=filters.date_from)
    if filters.date_to:
        articles = articles.filter(published_at__date__lte=filters.date_to)
    return articles, search_query


def article_search(*, query: str, filters: SearchFilters, page_number=1) -> SearchResults:
    query = " ".join(query.split())[:200]
    if not query:
        return SearchResults(query="", searched_for="", page=None)
    searched_for = query
    articles, search_query = _matching(query, filters)
    if not articles.exists():
        corrected = corrected_query(query)
        if corrected != query:
            searched_for = corrected
            articles, search_query = _matching(corrected, filters)
    ranked = (
        articles.annotate(
            rank=SearchRank(F("search_vector"), search_query),
            snippet=SearchHeadline(
                "body_text",
                search_query,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_fragments=2,
                max_words=30,
                min_words=12,
            ),
        )
        .for_listing()
        .order_by("-rank", F("published_at").desc(nulls_last=True), "-pk")
    )
    page = Paginator(ranked, PER_PAGE).get_page(page_number)
    for article in page.object_list:
        article.snippet_html = snippet_html(article.snippet)
    return SearchResults(
        query=query, searched_for=searched_for, page=page, facets=_facets(articles)
    )


def snippet_html(snippet: str) -> str:
    """Escape the article text, then turn our markers into <mark>: never raw text as HTML."""
    escaped = escape(snippet or "")
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _facets(articles) -> dict[str, list[dict]]:
    base = articles.order_by()
    facets = {}
    for relation in ("section", "outlet"):
        rows = (
            base.exclude(**{relation: None})
            .values(f"{relation}__slug", f"{relation}__name")
            .annotate(count=Count("pk"))
            .order_by("-count", f"{relation}__name")[:10]
        )
        facets[relation] = [
            {"slug": r[f"{relation}__slug"], "name": r[f"{relation}__name"], "count": r["count"]}
            for r in rows
        ]
    for kind in ENTITY_FACETS:
        rows = (
            Mention.objects.filter(article__in=base.values("pk"), state__in=PUBLIC_STATES)
            .exclude(**{kind: None})
            .values(f"{kind}__slug", f"{kind}__name")
            .annotate(count=Count("article", distinct=True))
            .order_by("-count", f"{kind}__name")[:10]
        )
        facets[kind] = [
            {"slug": r[f"{kind}__slug"], "name": r[f"{kind}__name"], "count": r["count"]}
            for r in rows
        ]
    return facets
