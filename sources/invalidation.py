"""Which cached pages a write of an outlet makes stale (pagecache/keys.py).

Connected in ``SourcesConfig.ready``. An outlet's articles name it through
``article:<id>`` (articles/invalidation.py), which lists ``list:outlet:<id>``.

- outlet created: ``list:names`` (the outlets sitemap).
- its country, ownership, homepage... changed: ``outlet:<id>`` (its page, its
  articles' pages), ``list:outlet:<id>``.
- renamed (name or slug) or a new logo: everything: story pages and every card (home,
  sections, tags, search) show outlet names and logos.
- deleted: ``outlet:<id>``, ``list:outlet:<id>``, ``list:names``.
"""

from django.db.models.signals import post_delete, post_save

import pagecache
from pagecache.invalidation import changed_fields, remember_fields

from .models import Outlet

# What every card of its articles shows (articles/_card.html), on every list of cards.
NAMED_FIELDS = ("name", "slug", "logo")


def outlet_saved(sender, instance: Outlet, created: bool = False, **kwargs) -> None:
    if created:
        pagecache.invalidate_on_commit("list:names")
    elif changed_fields(instance, NAMED_FIELDS):
        pagecache.invalidate_all_on_commit()
    else:
        # Story pages chart outlets by country and ownership.
        pagecache.invalidate_on_commit(
            f"outlet:{instance.pk}",
            f"list:outlet:{instance.pk}",
            f"stories-of-outlet:{instance.pk}",
        )


def outlet_deleted(sender, instance: Outlet, **kwargs) -> None:
    pagecache.invalidate_on_commit(
        f"outlet:{instance.pk}", f"list:outlet:{instance.pk}", "list:names"
    )


def connect() -> None:
    uid = "sources.invalidation."
    remember_fields(Outlet, NAMED_FIELDS, dispatch_uid=uid + "outlet.init")
    post_save.connect(outlet_saved, sender=Outlet, dispatch_uid=uid + "outlet.save")
    post_delete.connect(outlet_deleted, sender=Outlet, dispatch_uid=uid + "outlet.del")
