"""Named reads of comments: who sees which, defined once for every page and task.

A comment's ``status`` decides who sees it (comments/models.py): approved comments are
public; a pending one waits for a moderator and only its author sees it meanwhile (so a
reader held for review is not left wondering where their comment went); rejected ones
only moderators see, in their queues; a comment its author deleted stays in a thread
as a "deleted" placeholder so the replies under it still make sense.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Comment  # noqa: F401 (the queryset's model, for mypy)

# Comment.Status values; the model module imports this one.
PENDING, APPROVED, DELETED = "pending", "approved", "deleted"


class CommentQuerySet(models.QuerySet["Comment"]):
    def public(self) -> CommentQuerySet:
        """Comments everyone may read, reply to, report or feature: approved ones."""
        return self.filter(status=APPROVED)

    def pending(self) -> CommentQuerySet:
        """Comments waiting for a moderator (the queue, its counts, the header badge)."""
        return self.filter(status=PENDING)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CommentQuerySet:
        """What a thread shows ``user``: approved comments, "deleted" placeholders (the
        thread prunes those left with no visible reply), and, for a logged-in reader,
        their own pending comments. Another reader's pending comment is never shown."""
        visible = Q(status__in=[APPROVED, DELETED])
        if user.is_authenticated:
            visible |= Q(author=user, status=PENDING)
        return self.filter(visible)
