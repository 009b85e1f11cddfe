"""Which cached pages a change to mentions (an article naming an entity) makes stale
(pagecache/keys.py). Connected in ``MentionsConfig.ready``.

- mention added, changed, removed: ``article:<id>`` (its page, stories, lists),
  ``list:<kind>:<id>``.
- ``article:<id>`` expands to: ``list:<kind>:<id>`` of the entities it names.
- ``articles-of-<kind>:<id>`` (a merge or its undo) expands to every article naming
  the entity.
"""

from django.db.models.signals import post_delete, post_save

import pagecache
from pagecache.invalidation import register_expander, rows_expander
from pagecache.keys import of_distinct

from .models import Mention

KINDS = ("person", "place", "event")


def _entity_keys(row) -> list[str]:
    """``<kind>:<id>`` of the entity a mention points at."""
    return [f"{kind}:{getattr(row, f'{kind}_id')}" for kind in KINDS if getattr(row, f"{kind}_id")]


def mention_changed(sender, instance: Mention, **kwargs) -> None:
    lists = [f"list:{key}" for key in _entity_keys(instance)]
    pagecache.invalidate_on_commit(f"article:{instance.article_id}", *lists)


def lists_naming(ids: set[int]) -> list[str]:
    """The entity pages listing these articles: every entity they name in a standing
    mention (standing, not public: an article just withdrawn leaves those pages)."""
    rows = Mention.objects.standing().filter(article_id__in=ids)
    found = []
    for kind in KINDS:
        ids_of_kind = rows.filter(**{f"{kind}__isnull": False}).values_list(f"{kind}_id", flat=True)
        found += of_distinct(f"list:{kind}", ids_of_kind)
    return found


def articles_naming(kind: str):
    """``articles-of-<kind>:<id>``: every article that names the entity (a merge)."""
    return rows_expander("article", Mention, where=f"{kind}_id", field="article_id")


def connect() -> None:
    uid = "mentions.invalidation."
    post_save.connect(mention_changed, sender=Mention, dispatch_uid=uid + "mention.save")
    post_delete.connect(mention_changed, sender=Mention, dispatch_uid=uid + "mention.del")
    register_expander("article", lists_naming)
    register_expander("article-stories", lists_naming)  # entity pages list their stories
    for kind in KINDS:
        register_expander(f"articles-of-{kind}", articles_naming(kind), virtual=True)
