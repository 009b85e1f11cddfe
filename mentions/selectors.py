"""Reads for the public entity pages: one bundle per page, with a pinned query count.

The stories on an entity page come from coverage, above this app, which the page
template pulls in (``{% entity_stories entity %}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from articles.models import Article
from articles.prepared import PreparedQuery
from articles.querysets import ArticleQuerySet
from entities.models import Entity

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
    return _naming(entity).for_listing()


def _naming(entity: Entity) -> ArticleQuerySet:
    """``entity_articles`` without a bundle: the entity page loads only what its cards
    show."""
    named = Q(**{f"mentions__{entity.kind}": entity}) & standing_q("mentions__")
    if entity.kind == "person":
        # Two multi-valued joins (bylines, mentions) can repeat an article: distinct.
        articles = Article.objects.filter(named | Q(bylines__person=entity)).distinct()
    else:
        articles = Article.objects.filter(named)
    return articles.published().latest_first()


@dataclass
class EntityPage:
    entity: Entity
    aliases: list[str]
    page: Page[Article]
    children: list[Entity]
    events: list[Entity]


def entity_page(*, entity: Entity, page_number: Any = 1) -> EntityPage:
    """Everything entities/*_detail.html reads besides the entity itself.

    4 queries (aliases, article count, article page, their bylines; the template's
    ``{% entity_stories %}`` adds the stories), plus 2 on a place page (places in it,
    events there). Pinned in coverage/tests/test_entity_pages.py (the whole page).
    """
    aliases = list(entity.aliases.order_by("name").values_list("name", flat=True))
    articles = _naming(entity).for_cards()
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(page_number)
    children, events = [], []
    if entity.kind == "place":
        children = list(entity.children.order_by("name"))
        events = list(entity.events.order_by("-start_date", "name"))
    return EntityPage(
        entity=entity,
        aliases=aliases,
        page=page,
        children=children,
        events=events,
    )
