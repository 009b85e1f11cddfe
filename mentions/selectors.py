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
from entities.models import Entity

from .querysets import standing_q

ARTICLES_PER_PAGE = 20


def entity_articles(*, entity: Entity) -> QuerySet[Article]:
    """Published articles that name ``entity`` in a public mention (or, for a person,
    carry their byline), newest first, ready for articles/_card.html.

    A standing mention (``mentions.querysets``) joined from published articles: the
    public mentions of the entity, read from the article side in one query.
    """
    named = Q(**{f"mentions__{entity.kind}": entity}) & standing_q("mentions__")
    if entity.kind == "person":
        # Two multi-valued joins (bylines, mentions) can repeat an article: distinct.
        articles = Article.objects.filter(named | Q(bylines__person=entity)).distinct()
    else:
        articles = Article.objects.filter(named)
    return articles.published().for_listing().latest_first()


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
    page = Paginator(entity_articles(entity=entity), ARTICLES_PER_PAGE).get_page(page_number)
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
