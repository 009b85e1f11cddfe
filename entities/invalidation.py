"""Which cached pages each write of the entities app makes stale (pagecache/keys.py).

Connected in ``EntitiesConfig.ready``. Mentions (which article names which entity)
are in ``mentions/invalidation.py``.

- person, place or event created: ``list:names`` (sitemaps, suggestions); a place's
  parent, an event's place.
- its description, Wikidata id, role... changed: ``<kind>:<id>``.
- renamed (name or slug): everything: the name is on cards, story tables, bylines.
- deleted: ``<kind>:<id>``, ``list:<kind>:<id>``, ``list:names``; its mentions go with
  it.
- alias added or removed: ``<kind>:<id>`` (the page lists its names), ``list:names``.
"""

from django.db.models.signals import post_delete, post_save

import pagecache
from pagecache.invalidation import changed_fields, remember_fields

from .models import Alias, Event, Person, Place

KINDS = ("person", "place", "event")
NAMED_FIELDS = ("name", "slug")


def _entity_keys(row) -> list[str]:
    """``<kind>:<id>`` of the entity a mention, alias or redirect row points at."""
    return [f"{kind}:{getattr(row, f'{kind}_id')}" for kind in KINDS if getattr(row, f"{kind}_id")]


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


def connect() -> None:
    uid = "entities.invalidation."
    post_save.connect(alias_changed, sender=Alias, dispatch_uid=uid + "alias.save")
    post_delete.connect(alias_changed, sender=Alias, dispatch_uid=uid + "alias.del")
    for model in (Person, Place, Event):
        remember_fields(model, NAMED_FIELDS, dispatch_uid=f"{uid}{model.kind}.init")
        post_save.connect(entity_saved, sender=model, dispatch_uid=f"{uid}{model.kind}.save")
        post_delete.connect(entity_deleted, sender=model, dispatch_uid=f"{uid}{model.kind}.del")
