"""Reads for the public entity pages: one bundle per page, with a pinned query count.

The stories on an entity page come from coverage, above this app, which the page
template pulls in (``{% entity_stories entity %}``).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.utils import timezone

from articles.models import Article
from articles.prepared import PreparedQuery
from articles.querysets import ArticleQuerySet
from articles.selectors import Listing
from entities.models import Alias, Entity, Event, Place

from .models import Mention
from .querysets import standing_q

ARTICLES_PER_PAGE = 20


# An article's standing mentions with their entities, in order of first mention: the
# article page's entities (its preview's too: standing, not public, for an unpublished
# article) and the API's article. Compiled once (articles/prepared.py).
ARTICLE_MENTIONS = PreparedQuery(
    lambda article_id: (
        Mention.objects.standing()
        .filter(article_id=article_id)
        .select_related("person", "place", "event")
        .order_by("first_position", "pk")
    ),
    article_id=int,
)


def article_mentions(*, article: Article) -> list[Mention]:
    """The people, places and events ``article`` names, readers' view (1 query)."""
    return ARTICLE_MENTIONS.run(article_id=article.pk)


def entity_articles(*, entity: Entity) -> QuerySet[Article]:
    """Published articles that name ``entity`` in a public mention (or, for a person,
    carry their byline), newest first, ready for articles/_card.html.

    A standing mention (``mentions.querysets``) joined from published articles: the
    public mentions of the entity, read from the article side in one query.
    """
    articles = articles_naming(entity.kind, key=entity.pk, now=timezone.now())
    if entity.kind == "person":
        articles = articles.distinct()
    return articles.latest_first().for_listing()


def articles_naming(kind: str, *, key: int, now: dt.datetime) -> ArticleQuerySet:
    """The published articles naming entity ``key`` of ``kind``, unordered; for a person
    an article can be there twice (named and on the byline): ``.distinct()`` them."""
    named = Q(**{f"mentions__{kind}_id": key}) & standing_q("mentions__")
    if kind == "person":
        named |= Q(bylines__person_id=key)
    return Article.objects.filter(named).filter(Article.objects.published_q(now=now))


# The entity pages' reads, compiled once per process (articles/prepared.py): their
# article list as cards (articles.selectors.Listing), the aliases, and on a place page
# the places in it and the events there.
ENTITY_ARTICLES = {
    kind: Listing(functools.partial(articles_naming, kind), distinct=kind == "person", key=int)
    for kind in ("person", "place", "event")
}
ALIASES = {
    kind: PreparedQuery(
        lambda key, kind=kind: (
            Alias.objects.filter(**{f"{kind}_id": key})
            .order_by("name")
            .values_list("name", flat=True)
        ),
        key=int,
    )
    for kind in ("person", "place", "event")
}
PLACES_IN = PreparedQuery(lambda key: Place.objects.filter(parent_id=key).order_by("name"), key=int)
EVENTS_AT = PreparedQuery(
    lambda key: Event.objects.filter(place_id=key).order_by("-start_date", "name"), key=int
)


@functools.cache
def _entity_at(model: type[Entity], related: tuple[str, ...]) -> PreparedQuery:
    def build(slug: str) -> QuerySet[Entity]:
        found = model.objects.filter(slug=slug)
        return (found.select_related(*related) if related else found)[:1]

    return PreparedQuery(build, slug=str)


def entity_at(*, model: type[Entity], slug: str, related: tuple[str, ...] = ()) -> Entity | None:
    """The person, place or event at ``slug`` with its ``related`` rows, or None (1
    query, prepared: the same row as ``filter(slug=slug).first()``)."""
    found = _entity_at(model, related).run(slug=slug)
    return found[0] if found else None


@dataclass
class EntityPage:
    entity: Entity
    aliases: list[str]
    children: list[Entity]
    events: list[Entity]


def entity_page(*, entity: Entity) -> EntityPage:
    """What entities/*_detail.html reads of the entity besides itself and its articles
    (``entity_card_page``).

    1 query (aliases), plus 2 on a place page (places in it, events there), all
    prepared; the articles 3 more, the template's ``{% entity_stories %}`` 1. Pinned in
    coverage/tests/test_entity_pages.py (the whole page).
    """
    kind = entity.kind
    aliases = ALIASES[kind].run(key=entity.pk)
    children: list[Entity] = []
    events: list[Entity] = []
    if kind == "place":
        children = PLACES_IN.run(key=entity.pk)
        events = EVENTS_AT.run(key=entity.pk)
    return EntityPage(entity=entity, aliases=aliases, children=children, events=events)


def entity_card_page(*, entity: Entity, number: Any = 1) -> Page[Article]:
    """Page ``number`` of the articles naming ``entity``, as cards (3 queries, prepared:
    count, articles, bylines)."""
    return ENTITY_ARTICLES[entity.kind].page(
        number=number, per_page=ARTICLES_PER_PAGE, key=entity.pk
    )
