"""The pre-moderation rules: what happens to a new comment before anyone reads it.

Order matters and is the order below: a closed thread or a barred user refuses the
comment; a banned word rejects it; otherwise any of the pre-moderation rules holds it
for review; otherwise it is published at once. Every threshold is a setting (read when
the rule runs, so tests can change it):

- COMMENTS_RATE_LIMIT_PER_MINUTE: comments a user may post in 60 seconds (5)
- COMMENTS_TRUSTED_AFTER_APPROVED: approved comments before a user skips review (2)
- COMMENTS_MAX_LINKS: more links than this hold a comment for review (2)
- COMMENTS_REJECTION_RATE: this share of rejected comments ... (0.3)
- COMMENTS_REJECTION_WINDOW_DAYS: ... over this many days puts a user back under review (7)
- COMMENTS_EDIT_WINDOW_SECONDS: how long an author may edit a comment (600)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Value
from django.utils import timezone

from articles.prepared import PreparedQuery
from coverage.models import StoryArticle

from .models import Closure, Comment, Commenter, SectionPolicy, WordRule

URL_PATTERN = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def setting(name: str):
    defaults = {
        "COMMENTS_RATE_LIMIT_PER_MINUTE": 5,
        "COMMENTS_TRUSTED_AFTER_APPROVED": 2,
        "COMMENTS_MAX_LINKS": 2,
        "COMMENTS_REJECTION_RATE": 0.3,
        "COMMENTS_REJECTION_WINDOW_DAYS": 7,
        "COMMENTS_EDIT_WINDOW_SECONDS": 600,
    }
    return getattr(settings, name, defaults[name])


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str = ""


def is_public(article) -> bool:
    """Mirrors ArticleQuerySet.published() for one loaded article, without a query."""
    return article.is_public


def closed_reason(*, article) -> str:
    """Why comments on ``article`` are closed, or "" when they are open."""
    if not is_public(article):
        return "Comments open when the article is published."
    if article.section_id and SECTION_CLOSED.run(section_id=article.section_id):
        return "Comments are closed in this section."
    if ARTICLE_CLOSED.run(article_id=article.pk):
        return "Comments are closed on this article."
    return ""


def _section_closed(section_id: int):
    """One row if the section's comments are closed (as ``exists()`` asks)."""
    closed = SectionPolicy.objects.filter(section_id=section_id, mode=SectionPolicy.Mode.CLOSED)
    return closed.values_list(Value(1))[:1]


def _article_closed(article_id: int):
    """One row if the article, or a story it is in, is closed."""
    story_ids = StoryArticle.objects.current().filter(article_id=article_id).values("story_id")
    closures = Closure.objects.filter(Q(article_id=article_id) | Q(story_id__in=story_ids))
    return closures.values_list(Value(1))[:1]


# Asked on every article page: compiled once per process (articles/prepared.py).
SECTION_CLOSED = PreparedQuery(_section_closed, section_id=int)
ARTICLE_CLOSED = PreparedQuery(_article_closed, article_id=int)


def barred_reason(*, user) -> str:
    """Why ``user`` may not post now (banned, suspended), or ""."""
    commenter = Commenter.objects.filter(user=user).first()
    if commenter is None:
        return ""
    if commenter.banned_at:
        return "Your account has been banned from commenting."
    if commenter.suspended_until and commenter.suspended_until > timezone.now():
        until = timezone.localtime(commenter.suspended_until)
        return f"Your account is suspended from commenting until {until:%d %B %Y, %H:%M %Z}."
    return ""


def words_in(body: str, kind: str) -> list[str]:
    words = list(WordRule.objects.filter(kind=kind).values_list("word", flat=True))
    found = []
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", body, re.IGNORECASE):
            found.append(word)
    return found


def link_count(body: str) -> int:
    return len(URL_PATTERN.findall(body))


def rejection_rate(*, user, now: dt.datetime | None = None) -> float:
    """The share of the user's moderated comments rejected in the window (0 when none)."""
    since = (now or timezone.now()) - dt.timedelta(days=setting("COMMENTS_REJECTION_WINDOW_DAYS"))
    counts = Comment.objects.filter(author=user, created_at__gte=since).aggregate(
        rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
    )
    decided = counts["rejected"] + counts["approved"]
    return counts["rejected"] / decided if decided else 0.0


def content_decision(*, body: str) -> Decision | None:
    """Rules about the text alone (used again when an author edits)."""
    banned = words_in(body, WordRule.Kind.BANNED)
    if banned:
        return Decision(Comment.Status.REJECTED, "Contains a banned word.")
    if words_in(body, WordRule.Kind.SUSPECT):
        return Decision(Comment.Status.PENDING, "Contains a suspect word.")
    if link_count(body) > setting("COMMENTS_MAX_LINKS"):
        return Decision(Comment.Status.PENDING, "Contains many links.")
    return None


def decide(*, user, article, body: str) -> Decision:
    """What happens to a new comment that passed the closed/barred/rate checks."""
    by_content = content_decision(body=body)
    if by_content is not None and by_content.status == Comment.Status.REJECTED:
        return by_content
    if (
        article.section_id
        and SectionPolicy.objects.filter(
            section_id=article.section_id, mode=SectionPolicy.Mode.PREMODERATE
        ).exists()
    ):
        return Decision(Comment.Status.PENDING, "This section pre-moderates every comment.")
    if by_content is not None:
        return by_content
    approved = Comment.objects.filter(author=user, status=Comment.Status.APPROVED).count()
    if approved < setting("COMMENTS_TRUSTED_AFTER_APPROVED"):
        return Decision(Comment.Status.PENDING, "New commenter.")
    if rejection_rate(user=user) >= setting("COMMENTS_REJECTION_RATE"):
        return Decision(Comment.Status.PENDING, "High rejection rate in the last days.")
    return Decision(Comment.Status.APPROVED)
