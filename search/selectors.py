"""Article search: weighted full text, corrected spelling, facets, safe snippets.

Search must answer in tens of milliseconds on millions of articles, however common the
words. So nothing scales with the number of matches: the newest CANDIDATES matches are
ranked (see ranked_candidates), counts stop there ("more than 500 results"), facets
count those candidates, and snippets are made for the 20 articles on the page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, Section
from articles.prepared import PreparedQuery, ids_in
from articles.querysets import ArticleQuerySet
from articles.search import Unaccented
from articles.selectors import attach_bylines
from entities.services import MODEL_BY_KIND
from mentions.models import Mention
from sources.models import Outlet

from .models import SearchTerm

PER_PAGE = 20
# How many of the newest matches are ranked, paged and counted into facets.
CANDIDATES = 500
# candidate_window: at most about this many articles are read or tested to collect the
# candidates; beyond that a window of dates holding about WINDOW_MARGIN × CANDIDATES
# matches (judged from the matches of the last RECENT) is searched instead.
SCAN_LIMIT = 10 * CANDIDATES
WINDOW_MARGIN = 2
RECENT = dt.timedelta(days=30)
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Snippet markers that cannot occur in text; replaced by <mark> after escaping.
START, STOP = "\x02", "\x03"


ENTITY_FACETS = ("person", "place")
# Entries of each facet, the most frequent first.
FACET_LIMIT = 10


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
    page: Page[Any] | None  # counts the candidates, holds their articles
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    is_capped: bool = False  # more matches than CANDIDATES: only the newest are shown

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page else 0

    @property
    def cap_label(self) -> str:
        return f"{CANDIDATES:,}"

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


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(Unaccented(Value(query)), search_type="websearch", config="english")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _allowed(filters: SearchFilters) -> ArticleQuerySet:
    """Published articles the filters allow, each filter index-friendly.

    Section and outlet are compared by id through a one-row subquery (not a join) so
    that the planner can read article_section_latest_idx / article_outlet_latest_idx
    in date order; dates are bounds on published_at itself, not on its date, so that
    the published index applies (a day is the current time zone's day, as before).
    People and places are looked up first (1 query each), see below.
    """
    articles = Article.objects.published()
    if filters.section:
        section = Section.objects.filter(slug=filters.section).order_by().values("pk")[:1]
        articles = articles.filter(section_id=Subquery(section))
    if filters.outlet:
        outlet = Outlet.objects.filter(slug=filters.outlet).order_by().values("pk")[:1]
        articles = articles.filter(outlet_id=Subquery(outlet))
    for kind in ENTITY_FACETS:
        slug = getattr(filters, kind)
        if slug:
            # By id, looked up first (1 query): a few people are named in a tenth of all
            # articles, and only a constant lets the planner see which ones.
            entity_id = (
                MODEL_BY_KIND[kind].objects.filter(slug=slug).values_list("pk", flat=True).first()
            )
            # Standing: ``articles`` are published already (public mentions, then).
            named = Mention.objects.standing().filter(**{f"{kind}_id": entity_id})
            articles = articles.filter(pk__in=named.values("article_id"))
    if filters.date_from:
        articles = articles.filter(published_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        articles = articles.filter(
            published_at__lt=_day_start(filters.date_to + dt.timedelta(days=1))
        )
    return articles


@dataclass
class Candidate:
    pk: int
    section: tuple[str, str] | None  # (slug, name)
    outlet: tuple[str, str] | None


RANK_NEWEST_SQL = """
SELECT c.pk, s.slug, s.name, o.slug, o.name
FROM ({newest}) AS c
LEFT JOIN {section} AS s ON s.id = c.section_id
LEFT JOIN {outlet} AS o ON o.id = c.outlet_id
ORDER BY ts_rank(c.search_vector, c.search_query) DESC,
         c.published_at DESC NULLS LAST, c.pk DESC
"""


def ranked_candidates(articles: ArticleQuerySet, query: str) -> list[Candidate]:
    """The newest CANDIDATES + 1 matches, best first (1 query).

    News search weighs recency: a word in a fifth of a million articles should show
    the most relevant of this month's, not rank every match since the archive began.
    So the matches are collected newest first, which the planner does either by
    reading the published index backwards and testing each article (a common word:
    about CANDIDATES rows read) or through the GIN index (a rare word: every match,
    few of them), and only those are ranked. The limit applies in a derived table
    because the ORM cannot rank after a LIMIT: ranking in the same SELECT would
    rank every match before the sort. One extra row tells "more than CANDIDATES".
    """
    newest = (
        articles.annotate(search_query=_search_query(query))
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
        .values_list(
            "pk", "published_at", "section_id", "outlet_id", "search_vector", "search_query"
        )[: CANDIDATES + 1]
    )
    newest_sql, params = newest.query.sql_with_params()
    sql = RANK_NEWEST_SQL.format(
        newest=newest_sql, section=Section._meta.db_table, outlet=Outlet._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Candidate(
            pk=pk,
            section=(section_slug, section_name) if section_slug else None,
            outlet=(outlet_slug, outlet_name) if outlet_slug else None,
        )
        for pk, section_slug, section_name, outlet_slug, outlet_name in rows
    ]


def _estimated_count(queryset: ArticleQuerySet) -> int:
    """How many rows the planner expects ``queryset`` to return: its statistics know how
    common each indexed word is (the most common lexemes of search_vector) and how
    articles spread over time. Planning only; nothing is read."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def candidate_window(base: ArticleQuerySet, articles: ArticleQuerySet) -> dt.datetime | None:
    """A start time after which about WINDOW_MARGIN × CANDIDATES of ``articles`` (the
    matches among ``base``, the published articles the filters allow) were published,
    or None when the newest matches are cheaper to collect without one.

    Why: PostgreSQL collects the newest matches in one of two ways. It reads the newest
    articles in date order and tests each until it has enough (CANDIDATES ÷ the share
    that matches: cheap for a common word), or it takes every match from the GIN index
    and sorts them by date (cheap for a rare word). A word in 1–10 % of a million
    articles suits neither: tens of thousands of articles tested, or of matches read.
    A window of dates bounds it: the GIN entries of the word are intersected with a
    range of the published index, and only the matches in that range are read.
    The planner's estimates (3 EXPLAINs, planning only, about 1 ms) say which case
    applies; the window's length assumes the word is about as common lately as over
    the last RECENT.
    """
    matches = _estimated_count(articles)
    if matches <= SCAN_LIMIT:  # few: take them all through the GIN index
        return None
    allowed = max(_estimated_count(base), 1)
    if CANDIDATES * allowed / matches <= SCAN_LIMIT:  # common: test the newest in turn
        return None
    now = timezone.now()
    recent = _estimated_count(articles.filter(published_at__gte=now - RECENT))
    return now - RECENT * (WINDOW_MARGIN * CANDIDATES / max(recent, 1))


def newest_candidates(base: ArticleQuerySet, query: str) -> list[Candidate]:
    """The newest CANDIDATES + 1 articles of ``base`` matching ``query``, ranked; through
    a time window when that is cheaper, and without one when the window held too few
    (the estimate was off, or the word was common only long ago)."""
    articles = base.filter(search_vector=_search_query(query))
    start = candidate_window(base, articles)
    if start is not None:
        candidates = ranked_candidates(articles.filter(published_at__gte=start), query)
        if len(candidates) > CANDIDATES:
            return candidates
    return ranked_candidates(articles, query)


def normalised_query(query: str) -> str:
    """The query as it is searched: words separated by one space, at most 200 characters
    (two queries with the same normal form have the same results)."""
    return " ".join(query.split())[:200]


def article_search(
    *, query: str, filters: SearchFilters, page_number: int | str | None = 1
) -> SearchResults:
    """One page of results and the facets, in 5 queries whatever the number of matches.

    The planner's estimate of the matches, the candidates (ranked, with section and
    outlet), the page's articles with snippets, their bylines, and the people and
    places the candidates name. Over SCAN_LIMIT matches, 2 more estimates (and 1 more
    query when a window of dates held too few). A query that matches nothing costs
    the spelling correction (1 query, plus 3 per unknown word) and a second search.
    """
    query = normalised_query(query)
    if not query:
        return SearchResults(query="", searched_for="", page=None)
    searched_for = query
    allowed = _allowed(filters)
    candidates = newest_candidates(allowed, query)
    if not candidates:
        corrected = corrected_query(query)
        if corrected != query:
            searched_for = corrected
            candidates = newest_candidates(allowed, corrected)
    is_capped = len(candidates) > CANDIDATES
    candidates = candidates[:CANDIDATES]
    page = Paginator(candidates, PER_PAGE).get_page(page_number)
    # The page counts candidates and shows their articles.
    page.object_list = _page_articles([c.pk for c in page.object_list], searched_for)  # type: ignore[assignment]
    return SearchResults(
        query=query,
        searched_for=searched_for,
        page=page,
        facets=_facets(candidates),
        is_capped=is_capped,
    )


def _page_articles(pks: list[int], query: str) -> list[Article]:
    """The page's articles in rank order, with snippets: SearchHeadline re-parses the
    body, so it runs for these rows only, never for every match (2 queries, compiled
    once: articles/prepared.py)."""
    if not pks:
        return []
    articles = PAGE_ARTICLES.run(ids=list(pks), query=query)
    attach_bylines(articles)
    by_pk = {article.pk: article for article in articles}
    ordered = [by_pk[pk] for pk in pks if pk in by_pk]
    for article in ordered:
        article.snippet_html = snippet_html(article.snippet)
    return ordered


# What the search page's cards and the API's results read (``for_listing`` without its
# prefetch, which ``attach_bylines`` stands for), with the snippet.
PAGE_ARTICLES = PreparedQuery(
    lambda ids, query: (
        Article.objects.filter(pk__in=ids_in(ids))
        .annotate(
            snippet=SearchHeadline(
                "body_text",
                _search_query(query),
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_fragments=2,
                max_words=30,
                min_words=12,
            )
        )
        .select_related("outlet", "section")
        # What articles/_card.html does not read: the body twice over and the vector.
        .defer("body", "body_text", "search_vector", "key_points")
        .order_by()
    ),
    ids=list,
    query=str,
)


def snippet_html(snippet: str) -> str:
    """Escape the article text, then turn our markers into <mark>: never raw text as HTML."""
    escaped = escape(snippet or "")
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _top(counts: Counter[tuple[str, str]], limit: int = FACET_LIMIT) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    return [{"slug": slug, "name": name, "count": n} for (slug, name), n in ranked[:limit]]


def _ids_in_text(ids: str) -> RawSQL:
    """``ids_in`` for an array's text form (``"{1,2,3}"``, see ``_array_text``).

    Why: psycopg writes a list parameter in Python, element by element (about 0.3 ms for
    the 500 candidates, and the facets send them twice); the text is one string that
    PostgreSQL casts. A candidate for articles/prepared.py's ``ids_in`` itself.
    """
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def _array_text(ids: Iterable[int]) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def _named_among(article_ids: str, kind: str) -> QuerySet[Any, Any]:
    """The FACET_LIMIT people (or places) that most of the articles name, with how many
    of them name each; ties by name, then slug, compared as code points (``"C"``), as
    Python compares the section and outlet names in ``_top``."""
    return (
        # Standing: the candidates are published articles (public mentions, then).
        Mention.objects.standing()
        .filter(article_id__in=_ids_in_text(article_ids), **{f"{kind}__isnull": False})
        .values(slug=F(f"{kind}__slug"), name=F(f"{kind}__name"))
        .annotate(kind=Value(kind), count=Count("article_id", distinct=True))
        .order_by("-count", Collate(F(f"{kind}__name"), "C"), Collate(F(f"{kind}__slug"), "C"))[
            :FACET_LIMIT
        ]
    )


# People and places among the candidates, the most named first: at most 2 × FACET_LIMIT
# rows, where counting in Python read a row for each of the hundreds named. The ids go
# as one array parameter, in its text form (the ``IN (%s, …)`` placeholders cost more
# to build, send and plan than the look-up). Compiled once (articles/prepared.py).
FACET_ENTITIES = PreparedQuery(
    lambda article_ids: (
        _named_among(article_ids, "person")
        .union(_named_among(article_ids, "place"), all=True)
        .order_by()  # each part is ordered; the rows are sorted again in _facets
    ),
    article_ids=str,
)


def _facets(candidates: list[Candidate]) -> dict[str, list[dict[str, Any]]]:
    """Counts over the candidates (the results a reader can page through): section and
    outlet from the candidate rows, people and places in 1 query."""
    facets: dict[str, list[dict[str, Any]]] = {
        "section": _top(Counter(c.section for c in candidates if c.section)),
        "outlet": _top(Counter(c.outlet for c in candidates if c.outlet)),
        **{kind: [] for kind in ENTITY_FACETS},
    }
    if candidates:
        rows = FACET_ENTITIES.run(article_ids=_array_text(c.pk for c in candidates))
        for kind in ENTITY_FACETS:
            facets[kind] = _top(
                Counter({(r["slug"], r["name"]): r["count"] for r in rows if r["kind"] == kind})
            )
    return facets
