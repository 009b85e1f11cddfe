"""Which cached pages each write of the articles app makes stale (pagecache/keys.py).

Receivers of the models readers see, connected in ``ArticlesConfig.ready``; services
whose writes send no signal (``bulk_create``, ``QuerySet.update``) name their keys
themselves. An article's key expands, at commit, to the pages listing it:

- article saved, published, unpublished: ``article:<id>`` → ``list:articles``, ``home``,
  ``list:outlet:<outlet>`` (old outlet too), ``list:person:<id>`` of its bylines,
  ``list:sections`` when the header's sections change; coverage and entities add its
  stories and the entities it names.
- byline, image, correction, tags: ``article:<id>`` (a byline: also the person's list).
- an image's caption, alt text, renditions: ``article:<id>`` of each article showing it.
- section or tag created / deleted: ``list:names`` (sitemaps) / and its own key,
  ``list:sections``, ``list:articles``.
- section or tag renamed: everything (its name is on cards and the header of every
  page).
"""

from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag, TaggedItem

import pagecache
from pagecache.generation import cache
from pagecache.invalidation import (
    changed_fields,
    expand_now,
    initial,
    register_expander,
    remember_fields,
    rows_expander,
)

from .context_processors import SECTION_NAV_LIMIT
from .models import Article, ArticleImage, Byline, Correction, Image, Section

NAV_KEY = "pagecache:nav-sections"
NAMED_FIELDS = ("name", "slug")


def article_changed(sender, instance: Article, **kwargs) -> None:
    keys = [f"article:{instance.pk}"]
    was = initial(instance, "outlet_id")
    if was is not None and was != instance.outlet_id:
        keys.append(f"list:outlet:{was}")
    pagecache.invalidate_on_commit(*keys)


def article_deleting(sender, instance: Article, **kwargs) -> None:
    """Read what listed it while its stories and mentions are still there."""
    pagecache.invalidate_on_commit(*expand_now([f"article:{instance.pk}"]), f"thread:{instance.pk}")


def part_changed(sender, instance, **kwargs) -> None:
    keys = [f"article:{instance.article_id}"]
    if isinstance(instance, Byline):
        people = {instance.person_id, initial(instance, "person_id")} - {None}
        keys += [f"list:person:{pk}" for pk in people]
    pagecache.invalidate_on_commit(*keys)


def image_changed(sender, instance: Image, created: bool = False, **kwargs) -> None:
    if not created:
        pagecache.invalidate_on_commit(f"articles-of-image:{instance.pk}")


def named_row_changed(sender, instance, created: bool = False, **kwargs) -> None:
    """Sections and tags: new ones are listed in sitemaps; a rename shows everywhere."""
    if created:
        pagecache.invalidate_on_commit("list:names")
    elif changed_fields(instance, NAMED_FIELDS):
        pagecache.invalidate_all_on_commit()
    else:
        pagecache.invalidate_on_commit(f"{_kind(instance)}:{instance.pk}")


def named_row_deleted(sender, instance, **kwargs) -> None:
    pagecache.invalidate_on_commit(
        f"{_kind(instance)}:{instance.pk}", "list:names", "list:sections", "list:articles"
    )


def _kind(instance) -> str:
    return "section" if isinstance(instance, Section) else "tag"


def tags_changed(sender, instance, action: str, pk_set, reverse: bool, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # tag.article_set / Tag side: pk_set holds articles
        keys = [f"tag:{instance.pk}", *(f"article:{pk}" for pk in pk_set or ())]
    else:
        keys = [f"article:{instance.pk}", *(f"tag:{pk}" for pk in pk_set or ())]
        if action == "post_clear":
            keys.append("list:articles")
    pagecache.invalidate_on_commit(*keys)


def tagged_item_deleted(sender, instance: TaggedItem, **kwargs) -> None:
    """A tag deleted with its rows (no m2m_changed then)."""
    pagecache.invalidate_on_commit(f"article:{instance.object_id}", f"tag:{instance.tag_id}")


# Expanders ------------------------------------------------------------------------


def pages_listing_articles(ids: set[int]) -> list[str]:
    """Home, sections, tags, search, feeds and sitemaps list articles; outlet and person
    pages list theirs; the header lists sections with published articles."""
    keys = ["list:articles", "home", *lists_of_outlets_and_people(ids)]
    if _section_nav_changed():
        keys.append("list:sections")
    return keys


def lists_of_outlets_and_people(ids: set[int]) -> list[str]:
    """The outlet and person pages that list these articles (and their stories): also
    what ``article-stories:<id>`` (coverage: an article joined or left a story) names."""
    keys = []
    # order_by(): DISTINCT on the one column, not on the models' default orderings too.
    outlets = Article.objects.filter(pk__in=ids).exclude(outlet=None).order_by()
    keys += [f"list:outlet:{pk}" for pk in outlets.values_list("outlet_id", flat=True).distinct()]
    people = Byline.objects.filter(article_id__in=ids).exclude(person=None).order_by()
    keys += [f"list:person:{pk}" for pk in people.values_list("person_id", flat=True).distinct()]
    return keys


def _section_nav_changed() -> bool:
    """The header's sections (articles.context_processors.sections), as last seen."""
    published = Article.objects.published().filter(section=OuterRef("pk"))
    now = list(
        Section.objects.filter(Exists(published))
        .order_by("name")
        .values_list("pk", flat=True)[:SECTION_NAV_LIMIT]
    )
    if cache().get(NAV_KEY) == now:
        return False
    cache().set(NAV_KEY, now, timeout=None)
    return True


# ``articles-of-image:<id>``: the articles showing an image; ``articles-of-person:<id>``:
# the articles a person is credited on (a merge).
articles_showing_images = rows_expander(
    "article", ArticleImage, where="image_id", field="article_id"
)
articles_credited = rows_expander("article", Byline, where="person_id", field="article_id")


def connect() -> None:
    uid = "articles.invalidation."
    remember_fields(Article, ("outlet_id",), dispatch_uid=uid + "article")
    remember_fields(Byline, ("person_id",), dispatch_uid=uid + "byline")
    remember_fields(Section, NAMED_FIELDS, dispatch_uid=uid + "section")
    remember_fields(Tag, NAMED_FIELDS, dispatch_uid=uid + "tag")
    post_save.connect(article_changed, sender=Article, dispatch_uid=uid + "article_saved")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid=uid + "article_deleting")
    for model in (Byline, ArticleImage, Correction):
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}.save")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}.del")
    post_save.connect(image_changed, sender=Image, dispatch_uid=uid + "image")
    for model in (Section, Tag):
        post_save.connect(named_row_changed, sender=model, dispatch_uid=f"{uid}{model}.save")
        post_delete.connect(named_row_deleted, sender=model, dispatch_uid=f"{uid}{model}.del")
    m2m_changed.connect(tags_changed, sender=Article.tags.through, dispatch_uid=uid + "tags")
    post_delete.connect(tagged_item_deleted, sender=TaggedItem, dispatch_uid=uid + "tagged")
    register_expander("article", pages_listing_articles)
    register_expander("article-stories", lists_of_outlets_and_people)
    register_expander("articles-of-image", articles_showing_images, virtual=True)
    register_expander("articles-of-person", articles_credited, virtual=True)
