"""Named reads of stories and their memberships, defined once for every app.

Two ideas that used to be spelt out by hand across coverage, comments, the API, the
outlet and entity pages:

* a **current** membership: the article is in the story (automatic or pinned), not
  excluded by an editor. Editors, moderators and clustering work with these, whether
  the article is public or not;
* a **visible** member: a current membership whose article readers may see now
  (``ArticleQuerySet.published_q``: published, embargo passed). Everything a reader
  sees of a story (its pages, lists, counts, title and dates) is built from these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from articles.querysets import ArticleQuerySet

if TYPE_CHECKING:
    from articles.models import Article

    from .models import Story, StoryArticle  # noqa: F401  # in the base classes, quoted

EXCLUDED = "excluded"  # StoryArticle.JoinedBy.EXCLUDED; the model module imports this one


def current_q(prefix: str = "") -> Q:
    """A membership that is not an editor's exclusion, as a ``Q`` from any model."""
    return ~Q(**{f"{prefix}joined_by": EXCLUDED})


def visible_q(prefix: str = "", *, now: dt.datetime | None = None) -> Q:
    """A current membership whose article is public, as a ``Q`` from any model
    (``visible_q("memberships__")`` on stories). ``now``: as in ``published_q``."""
    return current_q(prefix) & ArticleQuerySet.published_q(f"{prefix}article__", now=now)


class StoryArticleQuerySet(models.QuerySet["StoryArticle"]):
    def current(self) -> Self:
        """Memberships that hold: not excluded by an editor (public or not)."""
        return self.filter(current_q())

    def exclusions(self) -> Self:
        """An editor's exclusions: the article is kept out of that story for good."""
        return self.filter(joined_by=EXCLUDED)

    def visible(self, *, now: dt.datetime | None = None) -> Self:
        """Memberships readers see: current, and the article published and past its
        embargo."""
        return self.filter(visible_q(now=now))


class StoryQuerySet(models.QuerySet["Story"]):
    def with_visible_members(self, *, now: dt.datetime | None = None) -> Self:
        """Stories with at least one member readers can see."""
        # Late: models.py imports this module for its managers (a cycle).
        from .models import StoryArticle

        visible = StoryArticle.objects.visible(now=now).filter(story=OuterRef("pk"))
        return self.filter(Exists(visible))

    def with_visible_count(self, *, now: dt.datetime | None = None) -> Self:
        """Annotate ``visible_member_count`` alone."""
        return self.annotate(
            visible_member_count=Count("memberships", filter=visible_q("memberships__", now=now))
        )

    def with_visible_counts(self, *, now: dt.datetime | None = None) -> Self:
        """Annotate ``visible_member_count`` and ``visible_outlet_count`` (distinct
        named outlets among the visible members)."""
        visible = visible_q("memberships__", now=now)
        return self.annotate(
            visible_member_count=Count("memberships", filter=visible),
            visible_outlet_count=Count(
                "memberships__article__outlet", distinct=True, filter=visible
            ),
        )

    def covering(
        self, articles: models.QuerySet[Article] | Iterable[int], *, now: dt.datetime | None = None
    ) -> Self:
        """Stories in which any of ``articles`` (a queryset or ids) is a visible member.
        ``now``: as in ``published_q``."""
        # Late: models.py imports this module for its managers (a cycle).
        from .models import StoryArticle

        members = StoryArticle.objects.visible(now=now).filter(article__in=articles)
        return self.filter(pk__in=members.values("story_id"))
