"""The demo's people, places and events, and the mentions of them in its articles."""

from __future__ import annotations

from django.db import transaction

from articles.models import Article
from entities.demo import demo_entities_load

from .services import mentions_suggest


@transaction.atomic
def demo_entities_and_mentions_load() -> dict[str, int]:
    """Upsert the seed entities (``entities.demo``); then (re)suggest mentions for every
    published article.

    Suggestions are re-run because articles imported before these aliases existed
    were matched against a smaller dictionary.
    """
    created = demo_entities_load()
    for article in Article.objects.published().order_by("pk"):
        mentions_suggest(article=article)
    return created
