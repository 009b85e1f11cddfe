"""Which cached pages each write of the entities app makes stale (pagecache/keys.py).

Kept apart from the services so that moving mentions into their own app moves this
module with them. Connected in ``EntitiesConfig.ready``. No article model is imported:
an article is only its id here.

- mention added, changed, removed: ``article:<id>`` (its page, stories, lists),
  ``list:<kind>:<id>``.
- person, place or event created: ``list:names`` (sitemaps, suggestions); a place's
  parent, an event's place.
- its description, Wikidata id, role... changed: ``<kind>:<id>``.
- renamed (name or slug): everything: the name is on cards, story tables, bylines.
- deleted: ``<kind>:<id>``, ``list:<kind>:<id>``, ``list:names``; its mentions go with
  it.
- alias added or removed: ``<kind>:<id>`` (the page lists its names), ``list:names``.
- ``article:<id>`` expands to: ``list:<kind>:<id>`` of the entities it names.
"""

from django.db.models.signals import post_delete, post_save

import pagecache
from pagecache.invalidation import changed_fields, register_expander, remember_fields

from .models import Alias, Event, Mention, Person, Place

KINDS = ("person", "place", "event")
NAMED_FIELDS = ("name", "slug")


def _entity_keys(row) -> list[str]:
    """``<kind>:<id>`` of the entity a mention, alias or redirect row points at."""
    return [f"{kind}:{getattr(row, f'{kind}_id')}" for kind in KINDS if getattr(row, f"{kind}_id")]


def mention_changed(sender, instance: Mention, **kwargs) -> None:
    lists = [f"list:{key}" for key in _entity_keys(instance)]
    pagecache.invalidate_on_commit(f"article:{instance.article_id}", *lists)


def alias_changed(sender, instance: Alias, **kwargs) -> None:
    pagecache.invalidate_on_commit(*_entity_keys(instance), "list:names")


def entity_saved(sender, instance, created: bool = False, **kwargs) -> None:
    keys = [f"{instance.kind}:{instance.pk}"]
    if created:
        keys.append("list:names")
    elif changed_fields(instance, NAMED_FIELDS):
        pagecache.invalidate_all_on_commit()
        return
    # A place lists the places in it and the events held there.
    if isinstance(instance, Place) and instance.parent_id:
        keys.append(f"place:{instance.parent_id}")
    if isinstance(instance, Event) and instance.place_id:
        keys.append(f"place:{instance.place_id}")
    pagecache.invalidate_on_commit(*keys)


def entity_deleted(sender, instance, **kwargs) -> None:
    key = f"{instance.kind}:{instance.pk}"
    pagecache.invalidate_on_commit(key, f"list:{key}", "list:names")


def lists_naming(ids: set[int]) -> list[str]:
    """The entity pages listing these articles: every entity they name in public."""
    from .selectors import PUBLIC_STATES

    rows = Mention.objects.filter(article_id__in=ids, state__in=PUBLIC_STATES)
    keys = []
    for kind in KINDS:
        found = rows.filter(**{f"{kind}__isnull": False}).values_list(f"{kind}_id", flat=True)
        keys += [f"list:{kind}:{pk}" for pk in found.order_by().distinct()]
    return keys


def articles_naming(kind: str):
    """``articles-of-<kind>:<id>``: every article that names the entity (a merge)."""

    def expand(ids: set[int]) -> list[str]:
        rows = Mention.objects.filter(**{f"{kind}_id__in": ids}).values_list("article_id")
        return [f"article:{pk}" for (pk,) in rows.order_by().distinct()]

    return expand


def connect() -> None:
    uid = "entities.invalidation."
    post_save.connect(mention_changed, sender=Mention, dispatch_uid=uid + "mention.save")
    post_delete.connect(mention_changed, sender=Mention, dispatch_uid=uid + "mention.del")
    post_save.connect(alias_changed, sender=Alias, dispatch_uid=uid + "alias.save")
    post_delete.connect(alias_changed, sender=Alias, dispatch_uid=uid + "alias.del")
    for model in (Person, Place, Event):
        remember_fields(model, NAMED_FIELDS, dispatch_uid=f"{uid}{model.kind}.init")
        post_save.connect(entity_saved, sender=model, dispatch_uid=f"{uid}{model.kind}.save")
        post_delete.connect(entity_deleted, sender=model, dispatch_uid=f"{uid}{model.kind}.del")
    register_expander("article", lists_naming)
    for kind in KINDS:
        register_expander(f"articles-of-{kind}", articles_naming(kind), virtual=True)
