"""Reads of people, places and events alone: names suggested as readers type.

The entity pages, which list articles, are read in ``mentions.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Case, When
from django.db.models.functions import Length

from .models import Alias, Entity
from .normalize import normalize_name

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
        if entity is None:  # never: a check constraint gives every alias one entity
            continue
        key = (entity.kind, entity.pk)
        if key not in suggestions:
            suggestions[key] = Suggestion(entity=entity, matched=alias.name)
        if len(suggestions) == limit:
            break
    return list(suggestions.values())
