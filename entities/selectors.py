"""Reads for the public entity pages: one bundle per page, with a pinned query count.

Articles and stories are reached through relations (Mention.article, then the
article's story memberships), never by importing articles or coverage: entities is
the lowest layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Q

from .models import Entity, Mention

PUBLIC_STATES = [Mention.State.SUGGESTED, Mention.State.CONFIRMED]
ARTICLES_PER_PAGE = 20
STORIES_SHOWN = 10


def _article_model():
    # The Article model, through the relation: entities may not import articles.
    return Mention._meta.get_field("article").related_model


def entity_articles(*, entity: Entity):
    """Published articles that name ``entity`` (or, for a person, carry their byline),
    newest first, ready for articles/_card.html.

    Suggested mentions show until an editor rejects them: they are unambiguous
    dictionary matches (names several entities share are never linked).
    """
    named = Q(**{f"mentions__{entity.kind}": entity, "mentions__state__in": PUBLIC_STATES})
    if entity.kind == "person":
        # Two multi-valued joins (bylines, mentions) can repeat an article: distinct.
        articles = _article_model().objects.filter(named | Q(bylines__person=entity)).distinct()
    else:
        articles = _article_model().objects.filter(named)
    return articles.published().for_listing().latest_first()


def entity_stories(*, entity: Entity, limit: int = STORIES_SHOWN) -> list[Any]:
    """The stories (coverage.Story) those articles belong to, most recently updated first.

    Empty when no app provides story memberships for articles.
    """
    article_model = _article_model()
    try:
        membership_model = article_model._meta.get_field("story_memberships").related_model
    except FieldDoesNotExist:
        return []
    story_model = membership_model._meta.get_field("story").related_model
    memberships = membership_model.objects.filter(
        article__in=entity_articles(entity=entity).values("pk")
    ).exclude(joined_by="excluded")
    return list(
        story_model.objects.filter(pk__in=memberships.values("story_id")).order_by(
            "-last_updated_at", "-pk"
        )[:limit]
    )


@dataclass
class EntityPage:
    entity: Entity
    aliases: list[str]
    page: Page
    stories: list[Any]
    children: list[Entity]
    events: list[Entity]


def entity_page(*, entity: Entity, page_number: Any = 1) -> EntityPage:
    """Everything entities/*_detail.html reads besides the entity itself.

    5 queries (aliases, article count, article page, their bylines, stories), plus
    2 on a place page (places in it, events there). Pinned in tests/test_views.py.
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
        stories=entity_stories(entity=entity),
        children=children,
        events=events,
    )
