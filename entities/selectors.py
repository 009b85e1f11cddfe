"""Reads for the public entity pages: one bundle per page, with a pinned query count.

Articles are reached through a relation (Mention.article), never by importing
articles: entities is the lowest layer. The stories on an entity page come from
coverage, which the page template pulls in (``{% entity_stories entity %}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db.models import Case, Q, When
from django.db.models.functions import Length

from .models import Alias, Entity, Mention
from .normalize import normalize_name

PUBLIC_STATES = [Mention.State.SUGGESTED, Mention.State.CONFIRMED]
ARTICLES_PER_PAGE = 20


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


@dataclass
class EntityPage:
    entity: Entity
    aliases: list[str]
    page: Page
    children: list[Entity]
    events: list[Entity]


def entity_page(*, entity: Entity, page_number: Any = 1) -> EntityPage:
    """Everything entities/*_detail.html reads besides the entity itself.

    4 queries (aliases, article count, article page, their bylines; the template's
    ``{% entity_stories %}`` adds the stories), plus 2 on a place page (places in it,
    events there). Pinned in tests/test_views.py.
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


# Names suggested as readers type in the search box ------------------------------------

SUGGESTED_KINDS = ("person", "place")


@dataclass
class Suggestion:
    entity: Entity
    matched: str  # the alias that matched, as written ("Sergei Lavrov")

    @property
    def is_other_name(self) -> bool:
        """The alias is more than part of the name: "Sergei Lavrov", not "Lavrov"."""
        return not set(normalize_name(self.matched).split()) <= set(
            normalize_name(self.entity.name).split()
        )


def entity_suggestions(*, query: str, limit: int = 8) -> list[Suggestion]:
    """People and places with a name (or alias) whose words start with the query's words,
    best first, one suggestion per entity (1 query; none for under 2 letters).

    "lavr" finds Sergey Lavrov, "sergei lav" finds him through the alias "Sergei
    Lavrov", and "Lavróv" is "lavrov": query and aliases are compared in their normal
    form (case and accents folded, punctuation a word break). Each word of an alias
    is matched by its first letters through the GIN index alias_words_idx. A name that
    starts with the query comes first ("Lavrov" before "Pavel Lavrenko"), then
    shorter names, then alphabetical order. Events are not suggested: readers look
    for who and where. Every person and place has a public page, so all are offered.
    """
    words = normalize_name(query).split()
    if len("".join(words)) < 2:
        return []
    typed = " ".join(words)
    aliases = (
        Alias.objects.filter(event__isnull=True)
        .annotate(words=SearchVector("normalized", config="simple"))
        .filter(
            words=SearchQuery(
                # Normalised words are letters and digits only: nothing to escape.
                " & ".join(f"{word}:*" for word in words),
                search_type="raw",
                config="simple",
            )
        )
        .annotate(
            is_name_start=Case(When(normalized__startswith=typed, then=0), default=1),
            length=Length("normalized"),
        )
        .select_related(*SUGGESTED_KINDS)
        .order_by("is_name_start", "length", "normalized", "pk")
    )
    suggestions: dict[tuple[str, int], Suggestion] = {}
    # Several aliases of one entity may match; read enough rows for ``limit`` entities.
    for alias in aliases[: limit * 4]:
        entity = alias.entity
        key = (entity.kind, entity.pk)
        if key not in suggestions:
            suggestions[key] = Suggestion(entity=entity, matched=alias.name)
        if len(suggestions) == limit:
            break
    return list(suggestions.values())
