"""Named reads of mentions, defined once for every app that shows them.

Two ideas that used to be spelt out by hand (``state__in=PUBLIC_STATES``) in mentions,
search, coverage and the API:

* a **standing** mention: suggested or confirmed, not rejected by an editor. Suggested
  mentions count from the start because the matcher only suggests unambiguous
  dictionary matches (a name several entities share becomes an ``AmbiguousMention``
  instead); an editor's rejection takes one off every page. Reads that start from
  articles a reader already sees (an article page or its preview, search results, a
  story's visible members), and reads that must see every article (cache invalidation,
  clustering), use these;
* a **public** mention: a standing mention of an article readers may see now
  (``ArticleQuerySet.published_q``: published, embargo passed). An embargoed or
  withdrawn article's mentions are not public, so they list nowhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from articles.querysets import ArticleQuerySet

if TYPE_CHECKING:
    from .models import Mention  # noqa: F401 (the queryset's model, for mypy)

# Mention.State.SUGGESTED and CONFIRMED; the model module imports this one.
STANDING_STATES = ("suggested", "confirmed")


def standing_q(prefix: str = "") -> Q:
    """A mention an editor has not rejected, as a ``Q`` from any model
    (``standing_q("mentions__")`` on articles)."""
    return Q(**{f"{prefix}state__in": STANDING_STATES})


def public_q(prefix: str = "") -> Q:
    """A standing mention of an article readers see, as a ``Q`` from any model."""
    return standing_q(prefix) & ArticleQuerySet.published_q(f"{prefix}article__")


class MentionQuerySet(models.QuerySet["Mention"]):
    def standing(self) -> MentionQuerySet:
        """Mentions not rejected by an editor, whatever their article's state."""
        return self.filter(standing_q())

    def public(self) -> MentionQuerySet:
        """Mentions a reader may see: standing, and the article published and past its
        embargo."""
        return self.filter(public_q())
