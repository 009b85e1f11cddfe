"""Which cached pages each write of the coverage app makes stale (pagecache/keys.py).

Receivers connected in ``CoverageConfig.ready``; the clustering passes and editors'
services that move memberships with ``QuerySet.update``, ``bulk_create`` or
``bulk_update`` name their keys with :func:`memberships_changed`.

- story created, retitled, summarised, locked, deleted: ``story:<id>``,
  ``list:stories``.
- an article joins, leaves or moves (any membership row): ``story:<id>`` of each story,
  ``article:<id>`` (its page's related coverage, and the lists it is in),
  ``list:stories``.
- ``article:<id>`` expands to: ``story:<id>`` of every story it is in (its members'
  pages show it).
- an outlet's details (``stories-of-outlet:<id>``): ``story:<id>`` of the stories it is
  in.
"""

from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save

import pagecache
from pagecache.invalidation import initial, register_expander, remember_fields, rows_expander

from .models import Story, StoryArticle


def story_changed(sender, instance: Story, **kwargs) -> None:
    pagecache.invalidate_on_commit(f"story:{instance.pk}", "list:stories")


def membership_changed(sender, instance: StoryArticle, **kwargs) -> None:
    stories = {instance.story_id, initial(instance, "story_id")} - {None}
    memberships_changed(story_ids=stories, article_ids=[instance.article_id])


def memberships_changed(*, story_ids: Iterable[int], article_ids: Iterable[int] = ()) -> None:
    """For writes that send no signal: the stories whose members changed, and the
    articles that joined, left or moved: ``article-stories:<id>``, not ``article:<id>``
    (their text, and so every list of cards, did not change; their page's related
    coverage and the lists of their outlet's and entities' stories did)."""
    pagecache.invalidate_on_commit(
        "list:stories",
        *(f"story:{pk}" for pk in story_ids),
        *(f"article-stories:{pk}" for pk in article_ids),
    )


_stories_of_articles = rows_expander("story", StoryArticle, where="article_id", field="story_id")


def stories_of_articles(ids: set[int]) -> list[str]:
    """Each article's stories and, when it is in any, ``list:stories``: an article
    published again, withdrawn or re-dated moves its story in or out of the lists that
    rank stories by their visible members (home's top stories, the story sitemaps),
    though no membership changed."""
    keys = _stories_of_articles(ids)
    return [*keys, "list:stories"] if keys else []


stories_of_outlets = rows_expander(
    "story", StoryArticle, where="article__outlet_id", field="story_id"
)


def connect() -> None:
    uid = "coverage.invalidation."
    remember_fields(StoryArticle, ("story_id",), dispatch_uid=uid + "membership.init")
    post_save.connect(story_changed, sender=Story, dispatch_uid=uid + "story.save")
    post_delete.connect(story_changed, sender=Story, dispatch_uid=uid + "story.del")
    post_save.connect(membership_changed, sender=StoryArticle, dispatch_uid=uid + "member.save")
    post_delete.connect(membership_changed, sender=StoryArticle, dispatch_uid=uid + "member.del")
    register_expander("article", stories_of_articles)
    register_expander("article-stories", stories_of_articles)
    register_expander("stories-of-outlet", stories_of_outlets, virtual=True)
