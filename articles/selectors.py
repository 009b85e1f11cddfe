"""Reads for the article page and the listing pages, their queries prepared once."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import F, Func, IntegerField, Prefetch, QuerySet, Value
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from .models import Article, ArticleImage, Byline, Correction, ImageRendition, Section
from .prepared import PreparedQuery, attach, ids_in
from .querysets import CARD_FIELDS, ArticleQuerySet

# The article page's queries, compiled once per process (prepared.py): the same rows as
# ``Article.objects.published().for_article_page()``, which builds and compiles the
# article's query and each of its four prefetches on every request (about a fifth of
# the page's CPU).
ARTICLE = PreparedQuery(
    lambda pk, now: (
        Article.objects.filter(Article.objects.published_q(now=now), pk=pk)
        .select_related("outlet", "section")
        # Taggit's prefetch sets the tags' order (none given): kept as it was.
        .prefetch_related("tags")  # type: ignore[misc]  # taggit's manager, unknown to the stubs
        .order_by()
    ),
    pk=int,
    now=dt.datetime,
)
BYLINES = PreparedQuery(
    lambda article_id: (
        Byline.objects.filter(article_id=article_id).select_related("person").order_by("position")
    ),
    article_id=int,
)
IMAGES = PreparedQuery(
    lambda article_id: (
        ArticleImage.objects.filter(article_id=article_id)
        .select_related("image")
        .prefetch_related(Prefetch("image__renditions", queryset=ImageRendition.objects.all()))
        .order_by("position")
    ),
    article_id=int,
)
CORRECTIONS = PreparedQuery(
    lambda article_id: Correction.objects.filter(article_id=article_id).order_by("created_at"),
    article_id=int,
)


# The bylines of several articles with their people, in print order.
ARTICLES_BYLINES = PreparedQuery(
    lambda article_ids: (
        Byline.objects.filter(article_id__in=ids_in(article_ids))
        .select_related("person")
        .order_by("position")
    ),
    article_ids=list,
)


def attach_bylines(articles: list[Article]) -> None:
    """Each article's bylines with their people, where ``prefetch_related("bylines")``
    would put them (1 query, none for no articles), without building the prefetch's
    query on each request."""
    bylines: dict[int, list[Byline]] = {article.pk: [] for article in articles}
    if not bylines:
        return
    for byline in ARTICLES_BYLINES.run(article_ids=list(bylines)):
        bylines[byline.article_id].append(byline)
    for article in articles:
        attach(article, "bylines", bylines[article.pk])


# What the article page reads outside its parts (pagecache/parts.py): whether the article
# is public, its URL for the redirect, its headline for the title and the share links,
# and the ids the related coverage and the comments area start from.
BASICS_FIELDS = ("id", "slug", "headline", "outlet", "section", "status", "published_at")
ARTICLE_BASICS = PreparedQuery(
    lambda pk, now: (
        Article.objects.filter(Article.objects.published_q(now=now), pk=pk)
        .only(*BASICS_FIELDS)
        .order_by()
    ),
    pk=int,
    now=dt.datetime,
)
# Their columns in the model's order, as ``Model.from_db`` takes them.
BASICS_COLUMNS = tuple(
    field.attname for field in Article._meta.concrete_fields if field.name in BASICS_FIELDS
)
type ArticleBasics = tuple[str | None, tuple[object, ...]]


def article_basics_for_page(*, pk: int) -> Article | None:
    """The published article ``pk`` with only the fields the article page reads outside
    its parts (1 query, no join): the page reads the rest from ``article_for_page``
    when a part it shows has to be rendered again. Reading a field left out here costs
    a query, which the article page's query pins would show."""
    found = ARTICLE_BASICS.run(pk=pk, now=timezone.now())
    return found[0] if found else None


def article_basics(article: Article) -> ArticleBasics:
    """``article_basics_for_page``'s row as plain values, to keep (pickled, shared)."""
    return article._state.db, tuple(getattr(article, column) for column in BASICS_COLUMNS)


def article_from_basics(basics: ArticleBasics) -> Article:
    """A new instance of the row ``article_basics`` kept, its other fields deferred, as
    ``article_basics_for_page`` returned it."""
    database, values = basics
    return Article.from_db(database, BASICS_COLUMNS, values)


def article_for_page(*, pk: int) -> Article | None:
    """The published article ``pk`` with everything articles/article_detail.html and the
    API's article read: outlet, section, bylines with their people, images with their
    renditions, corrections, tags. 5 queries (6 when it has images), as
    ``for_article_page``."""
    found = ARTICLE.run(pk=pk, now=timezone.now())
    if not found:
        return None
    article: Article = found[0]
    attach(article, "bylines", BYLINES.run(article_id=pk))
    attach(article, "images", IMAGES.run(article_id=pk))
    attach(article, "corrections", CORRECTIONS.run(article_id=pk))
    return article


# The section and tag fronts' rows by slug, compiled once (``get_object_or_404`` built and
# compiled its query on every request: about a sixth of a front's render once its cards
# are a page part).
ROW_AT: dict[type, PreparedQuery] = {
    model: PreparedQuery(lambda slug, model=model: model.objects.filter(slug=slug)[:1], slug=str)
    for model in (Section, Tag)
}


def row_at[M: (Section, Tag)](*, model: type[M], slug: str) -> M | None:
    """The section or tag at ``slug``, or None (1 query, prepared)."""
    found = ROW_AT[model].run(slug=slug)
    return found[0] if found else None


# Listing pages: published articles, newest first, as articles/_card.html shows them.
# Each listing's count and each page's slice are compiled once per process; so are the
# cards' bylines (one array parameter), the names ``for_cards`` reads, in print order.
CARD_BYLINES = PreparedQuery(
    lambda article_ids: (
        Byline.objects.filter(article_id__in=ids_in(article_ids))
        .order_by("position")
        .values_list("article_id", "name")
    ),
    article_ids=list,
)


@dataclass(frozen=True, slots=True)
class CardByline:
    """A byline as a card shows it: its name, all that articles/_card.html and
    ``fragments.card_shown`` read. Not a ``Byline``: making 50 to 100 model instances
    (deferred fields, init signals) for a page of cards cost more CPU than the rest of
    its three queries, and the cards are what a publish makes every listing render
    again."""

    name: str


class Listing:
    """A list of published articles shown as cards (articles/_card.html), newest first,
    its count and its pages compiled once per process (one ``PreparedQuery`` for the
    count, one per page's slice, one for the bylines of any page).

    ``articles`` builds the listing's articles, unordered, from the slots' values and
    ``now`` (the moment "published" is judged at, a slot of every listing); ``distinct``
    when its joins can repeat an article (a person named in it and on its byline): the
    count is then of distinct ids. Apps above articles declare their own listings (the
    entity pages in mentions) and read them through ``page``.
    """

    def __init__(
        self, articles: Callable[..., ArticleQuerySet], *, distinct: bool = False, **slots: type
    ) -> None:
        self.articles = articles
        self.distinct = distinct
        self.slots = {"now": dt.datetime, **slots}
        # COUNT as a plain function, not an aggregate: one row, no GROUP BY.
        counted = (
            Func(
                F("pk"),
                function="COUNT",
                template="COUNT(DISTINCT %(expressions)s)",
                output_field=IntegerField(),
            )
            if distinct
            else Func(Value(1), function="COUNT", output_field=IntegerField())
        )
        self.count = PreparedQuery(
            lambda **values: articles(**values).order_by().values_list(counted), **self.slots
        )
        self.slice = functools.lru_cache(maxsize=128)(self._slice)

    def _slice(self, low: int, high: int) -> PreparedQuery:
        def build(**values: Any) -> QuerySet[Article]:
            listed = self.articles(**values)
            if self.distinct:
                listed = listed.distinct()
            return listed.select_related("outlet").only(*CARD_FIELDS).latest_first()[low:high]

        return PreparedQuery(build, **self.slots)

    def page(self, *, number: int | str | None, per_page: int, **values: Any) -> Page[Article]:
        """Page ``number`` as cards: 3 queries (count, articles, bylines), none of them
        built or compiled after the first request."""
        # Paginator only counts the list and slices it, which is all CardList does.
        cards = cast("Sequence[Article]", CardList(self, values))
        return Paginator(cards, per_page).get_page(number)


def _listed(listing: str, **slots: Any) -> ArticleQuerySet:
    now, key = slots["now"], slots.get("key", 0)
    articles = Article.objects.filter(Article.objects.published_q(now=now))
    if listing == "section":
        articles = articles.filter(section_id=key)
    elif listing == "outlet":
        articles = articles.filter(outlet_id=key)
    elif listing == "tag":
        # Not ``tags=key``: taggit's join would put the content type's id in the SQL as a
        # constant, frozen at the first compile; here it is a slot like the tag's.
        tagged = TaggedItem.objects.filter(tag_id=key, content_type_id=slots["content_type"])
        articles = articles.filter(pk__in=tagged.values("object_id"))
    return articles


LISTINGS = {
    "latest": Listing(functools.partial(_listed, "latest")),
    "section": Listing(functools.partial(_listed, "section"), key=int),
    "tag": Listing(functools.partial(_listed, "tag"), key=int, content_type=int),
    "outlet": Listing(functools.partial(_listed, "outlet"), key=int),
}


class CardList:
    """A listing's cards as Paginator's object list: ``count()`` and slices, each one
    prepared query; the bylines of a slice's articles in one more, as ``CardByline``s
    where ``prefetch_related("bylines")`` would put them."""

    ordered = True

    def __init__(self, listing: Listing, values: dict[str, Any]) -> None:
        self.listing = listing
        self.values = {"now": timezone.now(), **values}

    def count(self) -> int:
        return cast(int, self.listing.count.run(**self.values)[0][0])

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Article]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("A card list is read a page (a slice) at a time.")
        low, high = index.start or 0, index.stop
        if high is not None and high <= low:
            return []  # an empty listing's first page
        articles = self.listing.slice(low, high).run(**self.values)
        bylines: dict[int, list[CardByline]] = {article.pk: [] for article in articles}
        if articles:
            for article_id, name in CARD_BYLINES.run(article_ids=list(bylines)):
                bylines[article_id].append(CardByline(name))
        for article in articles:
            attach(article, "bylines", bylines[article.pk])
        return articles


def card_page(
    *, listing: str, key: int | None = None, number: int | str | None, per_page: int
) -> Page[Article]:
    """Page ``number`` of a listing (``LISTINGS``: the latest articles, or a section's,
    tag's or outlet's, ``key`` its id) as cards: 3 queries (count, articles, bylines),
    none of them built or compiled after the first request."""
    return LISTINGS[_known(listing)].page(
        number=number, per_page=per_page, **_listing_values(listing, key)
    )


def card_page_count(*, listing: str, key: int | None = None, per_page: int) -> int:
    """How many pages of ``per_page`` cards a listing has (1 query, the pages' count):
    whether a page number past the end shows the first page too, without reading it."""
    values = {"now": timezone.now(), **_listing_values(_known(listing), key)}
    cards = cast("Sequence[Article]", CardList(LISTINGS[listing], values))
    return Paginator(cards, per_page).num_pages


def _known(listing: str) -> str:
    if listing not in LISTINGS:
        raise ValueError(f"Not a listing: {listing}")
    return listing


def _listing_values(listing: str, key: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if listing != "latest":
        values["key"] = key
    if listing == "tag":
        values["content_type"] = ContentType.objects.get_for_model(Article).pk
    return values


def page_number(value: str | None) -> int:
    """The page a ``?page=`` value asks for, read as ``Paginator.get_page`` reads it: a
    whole number from 1 on; 1 for anything else that is not a number; 0 for a number
    below 1, which ``get_page`` answers with the last page, as it answers any number
    past the end. Page parts are named with it (one part for every spelling of a page),
    and it is known before any query runs."""
    try:
        number = int(value)  # type: ignore[arg-type]  # None too: what get_page does with it
    except (TypeError, ValueError):
        return 1
    return max(number, 0)
