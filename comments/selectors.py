"""Reads for the comments area and the moderation queues, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.services import default_display_name
from articles.models import Article
from articles.prepared import PreparedQuery
from coverage.models import Story, StoryArticle
from coverage.querysets import current_q

from . import rules
from .models import Comment, CommentFlag
from .rendering import comment_html
from .services import can_moderate, edit_window_open

Status = Comment.Status


def display_name(user: User) -> str:
    """The public name; never the email. Expects ``profile`` to be select_related."""
    try:
        return user.profile.display_name
    except ObjectDoesNotExist:  # select_related caches a missing profile: no query
        return default_display_name(user)


@dataclass
class CommentThread:
    article: object
    comments: list[Comment]  # top level, each with .children (and theirs)
    count: int
    closed_reason: str = ""
    barred_reason: str = ""
    is_moderator: bool = False
    pending_count: int | None = None
    featured: list[Comment] = field(default_factory=list)


def _thread(article_id: int, user: User | AnonymousUser) -> QuerySet[Comment]:
    return (
        Comment.objects.visible_to(user)
        .filter(article_id=article_id)
        .select_related("author__profile")
        .order_by("created_at", "pk")
    )


# What every anonymous reader sees (the page the cache keeps), compiled once.
PUBLIC_THREAD = PreparedQuery(
    lambda article_id: _thread(article_id, AnonymousUser()), article_id=int
)


def comment_thread(*, article: Article, user: User | AnonymousUser) -> CommentThread:
    """Everything comments/_comments_area.html reads.

    Readers see approved comments, their own pending ones, and "deleted" placeholders
    that still have visible replies. Queries: the comments (with authors and
    profiles), the open/closed state (at most two), and for a logged-in reader their
    standing, plus one count for moderators: never one per comment.
    """
    if user.is_authenticated:
        rows = list(_thread(article.pk, user))
    else:
        rows = PUBLIC_THREAD.run(article_id=article.pk)
    by_id = {c.pk: c for c in rows}
    top: list[Comment] = []
    for comment in rows:
        comment.children = []
        comment.display_name = display_name(comment.author)
        comment.html = comment_html(comment.body) if comment.status != Status.DELETED else ""
        comment.is_own = user.is_authenticated and comment.author_id == user.pk
        comment.can_edit = (
            comment.is_own and comment.status != Status.DELETED and (edit_window_open(comment))
        )
    for comment in rows:
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        if comment.parent_id and parent is None:
            continue  # the parent is hidden, so is the reply
        (parent.children if parent else top).append(comment)

    def prune(items: list[Comment]) -> list[Comment]:
        kept = []
        for c in items:
            c.children = prune(c.children)
            if c.status != Status.DELETED or c.children:
                kept.append(c)
        return kept

    top = prune(top)
    top.sort(key=lambda c: (not c.is_featured, c.created_at))
    count = sum(1 for c in rows if c.is_public)
    thread = CommentThread(
        article=article,
        comments=top,
        count=count,
        closed_reason=rules.closed_reason(article=article),
        featured=[c for c in top if c.is_featured],
    )
    if user.is_authenticated:
        thread.barred_reason = rules.barred_reason(user=user)
        thread.is_moderator = can_moderate(user)
        if thread.is_moderator:
            thread.pending_count = Comment.objects.pending().filter(article=article).count()
    return thread


def story_article_ids(story: Story) -> QuerySet[StoryArticle, Any]:
    """Every current member, public or not: moderators clear comments on an article
    even after it is withdrawn."""
    current: QuerySet[StoryArticle] = StoryArticle.objects.current()  # coverage's, untyped
    return current.filter(story=story).values("article_id")


def moderation_queue(
    *,
    status: str = "pending",
    story: Story | None = None,
    user_id: int | None = None,
    article_id: int | None = None,
    text: str = "",
    author: str = "",
) -> QuerySet[Comment]:
    """Comments for a moderation queue: global, or one story across all its articles.

    ``text`` matches words in the comment, ``author`` a username or display name (both
    case-insensitive substrings: a moderator types part of what they saw).
    """
    open_flags = CommentFlag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    queryset = (
        Comment.objects.select_related("author__profile", "article", "parent")
        .annotate(
            open_flag_count=Count("flags", filter=Q(flags__resolved_at__isnull=True)),
            is_flagged=Exists(open_flags),
        )
        .prefetch_related("flags")
    )
    if story is not None:
        queryset = queryset.filter(article_id__in=story_article_ids(story))
    if user_id:
        queryset = queryset.filter(author_id=user_id)
    if article_id:
        queryset = queryset.filter(article_id=article_id)
    if text:
        queryset = queryset.filter(body__icontains=text)
    if author:
        by_name = Q(author__profile__display_name__icontains=author)
        queryset = queryset.filter(Q(author__username__icontains=author) | by_name)
    if status == "flagged":
        queryset = queryset.filter(is_flagged=True)
    elif status in (Status.PENDING, Status.APPROVED, Status.REJECTED):
        queryset = queryset.filter(status=status)
    order = "created_at" if status in ("pending", "flagged") else "-created_at"
    return queryset.order_by(order, "pk")


def pending_counts(*, story: Story | None = None) -> dict[str, int]:
    """How many comments wait for a moderator: pending, and published but flagged."""
    queryset = Comment.objects.all()
    if story is not None:
        queryset = queryset.filter(article_id__in=story_article_ids(story))
    open_flags = CommentFlag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return queryset.aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        flagged=Count("pk", filter=Q(Exists(open_flags))),
    )


def stories_with_pending(*, limit: int = 20) -> list[Story]:
    """Stories whose articles have comments waiting, most waiting first."""
    members = StoryArticle.objects.current()
    pending = Comment.objects.pending().filter(article_id=OuterRef("article_id"))
    story_ids = members.filter(Exists(pending)).values("story_id")
    return list(
        Story.objects.filter(pk__in=story_ids)
        .annotate(
            pending_count=Count(
                "memberships__article__comments",
                filter=Q(memberships__article__comments__status=Status.PENDING)
                & current_q("memberships__"),
            )
        )
        .order_by("-pending_count", "-pk")[:limit]
    )


def reader_histories(*, author_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """How many comments each reader has had approved, rejected and so on (1 query)."""
    histories: dict[int, dict[str, int]] = {}
    rows = (
        Comment.objects.filter(author_id__in=set(author_ids))
        .values_list("author_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for author_id, status, count in rows:
        histories.setdefault(author_id, {s: 0 for s in Status.values})[status] = count
    return histories
