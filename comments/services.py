"""Every write to comments: posting, editing, flagging, and moderation.

Readers' actions check that the reader owns what they change; moderators' actions
check ``comments.moderate_comment`` and write an audit entry in the same transaction.
Mail goes out through tasks enqueued after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone

from articles.models import Article, Section
from audit.services import editorial_log, system_user
from coverage.models import Story

from . import rules
from .models import (
    MAX_DEPTH,
    Closure,
    Comment,
    Commenter,
    CommentFlag,
    ModerationNote,
    SectionPolicy,
    WordRule,
)
from .tasks import notify_rejection, notify_reply

Status = Comment.Status
POST_LOCK_NAMESPACE = 7341  # pg advisory lock namespace for "a user is posting a comment"


def can_moderate(user: User | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("comments.moderate_comment"))


def _require_moderator(user: User | AnonymousUser | None) -> None:
    if not can_moderate(user):
        raise PermissionDenied("Only moderators may do this.")


def _lock_user_posting(user: User) -> None:
    """Serialise one user's posts until commit, so the rate limit holds under concurrency."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [POST_LOCK_NAMESPACE, user.pk])


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > 5000:
        raise ValidationError({"body": "Comments are at most 5,000 characters."})
    return body


@transaction.atomic
def comment_post(
    *,
    article: Article,
    author: User | AnonymousUser,
    body: str,
    idempotency_key: uuid.UUID,
    parent: Comment | None = None,
) -> Comment:
    """Store a reader's comment (or reply) and decide whether it is published at once.

    Posting the same form twice (same ``idempotency_key``) returns the first comment.
    """
    if not (author and author.is_authenticated and author.is_active):
        raise PermissionDenied("Log in to comment.")
    body = _clean_body(body)
    closed = rules.closed_reason(article=article)
    if closed:
        raise ValidationError(closed, code="closed")
    barred = rules.barred_reason(user=author)
    if barred:
        raise ValidationError(barred, code="barred")
    depth = 0
    if parent is not None:
        if parent.article_id != article.pk or not parent.is_public:
            raise ValidationError("You can only reply to a published comment on this article.")
        if parent.depth >= MAX_DEPTH:
            raise ValidationError("Replies nest three levels deep; reply higher up the thread.")
        depth = parent.depth + 1

    _lock_user_posting(author)
    existing = Comment.objects.filter(author=author, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    since = timezone.now() - dt.timedelta(minutes=1)
    recent = Comment.objects.filter(author=author, created_at__gte=since).count()
    if recent >= rules.setting("COMMENTS_RATE_LIMIT_PER_MINUTE"):
        raise ValidationError(
            "You are commenting too fast. Wait a minute and try again.", code="rate_limited"
        )

    decision = rules.decide(user=author, article=article, body=body)
    comment = Comment(
        article=article,
        author=author,
        parent=parent,
        depth=depth,
        body=body,
        status=decision.status,
        premoderation_reason=decision.reason,
        idempotency_key=idempotency_key,
    )
    if decision.status == Status.REJECTED:
        comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save()
    if decision.status == Status.REJECTED:
        editorial_log(
            actor=system_user(),
            action="comment.auto_reject",
            target=comment,
            payload={"reason": decision.reason},
        )
    elif decision.status == Status.APPROVED:
        _notify_reply_on_commit(comment)
    return comment


def _notify_reply_on_commit(comment: Comment) -> None:
    if comment.parent_id is None:
        return

    pk = comment.pk
    transaction.on_commit(lambda: notify_reply.enqueue(comment_id=pk))


def edit_window_open(comment: Comment, now: dt.datetime | None = None) -> bool:
    seconds = rules.setting("COMMENTS_EDIT_WINDOW_SECONDS")
    return (now or timezone.now()) - comment.created_at <= dt.timedelta(seconds=seconds)


def edit_window_text() -> str:
    """How long comments can be edited, in words ("10 minutes"), from the setting."""
    seconds = int(rules.setting("COMMENTS_EDIT_WINDOW_SECONDS"))
    if seconds % 60:
        return f"{seconds} second{pluralize(seconds)}"
    return f"{seconds // 60} minute{pluralize(seconds // 60)}"


@transaction.atomic
def comment_edit(*, comment: Comment, body: str, by: User) -> Comment:
    """The author rewrites their comment within the edit window; it is marked edited.

    The text rules run again: a banned word refuses the edit, and a suspect word or too
    many links send a published comment back to the queue.
    """
    if comment.author_id != getattr(by, "pk", None):
        raise PermissionDenied("You can only edit your own comments.")
    if comment.status in (Status.DELETED, Status.REJECTED):
        raise ValidationError("This comment can no longer be edited.")
    if not edit_window_open(comment):
        raise ValidationError(f"Comments can be edited for {edit_window_text()} after posting.")
    body = _clean_body(body)
    decision = rules.content_decision(body=body)
    if decision is not None and decision.status == Status.REJECTED:
        raise ValidationError({"body": "Your comment contains a word we do not allow."})
    comment.body = body
    comment.edited_at = timezone.now()
    fields = ["body", "edited_at"]
    if decision is not None and comment.status == Status.APPROVED:
        comment.status, comment.premoderation_reason = Status.PENDING, decision.reason
        fields += ["status", "premoderation_reason"]
    comment.full_clean()
    comment.save(update_fields=fields)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> Comment:
    """The author withdraws a comment; replies stay, under a "deleted" placeholder."""
    if comment.author_id != getattr(by, "pk", None):
        raise PermissionDenied("You can only delete your own comments.")
    comment.status = Status.DELETED
    comment.is_featured = False
    comment.save(update_fields=["status", "is_featured"])
    return comment


@transaction.atomic
def comment_flag(*, comment: Comment, by: User, reason: str, note: str = "") -> CommentFlag:
    """A reader reports a published comment; it appears in the flagged queue."""
    if not (by and by.is_authenticated):
        raise PermissionDenied("Log in to report a comment.")
    if comment.author_id == by.pk:
        raise ValidationError("You cannot report your own comment.")
    if not comment.is_public:
        raise ValidationError("Only published comments can be reported.")
    if CommentFlag.objects.filter(comment=comment, flagged_by=by).exists():
        raise ValidationError("You have already reported this comment.")
    flag = CommentFlag(comment=comment, flagged_by=by, reason=reason, note=note.strip())
    flag.full_clean()
    flag.save()
    return flag


# Moderation ---------------------------------------------------------------------------


def _resolve_flags(comment: Comment, now: dt.datetime) -> int:
    return CommentFlag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=now
    )


@transaction.atomic
def comment_approve(*, comment: Comment, by: User) -> Comment:
    _require_moderator(by)
    if comment.status == Status.DELETED:
        raise ValidationError("The author deleted this comment.")
    before, now = comment.status, timezone.now()
    comment.status, comment.moderated_at, comment.moderated_by = Status.APPROVED, now, by
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    flags = _resolve_flags(comment, now)
    editorial_log(
        actor=by,
        action="comment.approve",
        target=comment,
        payload={"before": before, "after": comment.status, "flags_resolved": flags},
    )
    if before != Status.APPROVED:
        _notify_reply_on_commit(comment)
    return comment


@transaction.atomic
def comment_reject(*, comment: Comment, by: User, reason: str = "") -> Comment:
    _require_moderator(by)
    if comment.status == Status.DELETED:
        raise ValidationError("The author deleted this comment.")
    before, now = comment.status, timezone.now()
    comment.status, comment.moderated_at, comment.moderated_by = Status.REJECTED, now, by
    comment.is_featured = False
    comment.save(update_fields=["status", "moderated_at", "moderated_by", "is_featured"])
    flags = _resolve_flags(comment, now)
    editorial_log(
        actor=by,
        action="comment.reject",
        target=comment,
        payload={
            "before": before,
            "after": comment.status,
            "reason": reason,
            "flags_resolved": flags,
        },
    )
    if before != Status.REJECTED:
        pk = comment.pk
        transaction.on_commit(lambda: notify_rejection.enqueue(comment_id=pk, reason=reason))
    return comment


@transaction.atomic
def comment_feature(*, comment: Comment, by: User, is_featured: bool = True) -> Comment:
    _require_moderator(by)
    if is_featured and not comment.is_public:
        raise ValidationError("Only published comments can be featured.")
    comment.is_featured = is_featured
    comment.save(update_fields=["is_featured"])
    editorial_log(
        actor=by,
        action="comment.feature" if is_featured else "comment.unfeature",
        target=comment,
    )
    return comment


BULK_ACTIONS = ("approve", "reject", "feature", "unfeature")


@transaction.atomic
def comments_moderate(
    *, comments: QuerySet[Comment], action: str, by: User, reason: str = ""
) -> int:
    """Apply one moderation action to many comments, all or nothing."""
    _require_moderator(by)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": "Choose approve, reject, feature or unfeature."})
    done = 0
    for comment in comments.select_for_update().order_by("pk"):
        if action == "approve":
            comment_approve(comment=comment, by=by)
        elif action == "reject":
            comment_reject(comment=comment, by=by, reason=reason)
        else:
            comment_feature(comment=comment, by=by, is_featured=action == "feature")
        done += 1
    return done


def _commenter_for_update(user: User) -> Commenter:
    Commenter.objects.get_or_create(user=user)
    return Commenter.objects.select_for_update().get(user=user)


@transaction.atomic
def commenter_ban(*, user: User, by: User, reason: str = "") -> Commenter:
    """Bar a user from commenting until a moderator reinstates them."""
    _require_moderator(by)
    if user.pk == by.pk:
        raise ValidationError("You cannot ban yourself.")
    commenter = _commenter_for_update(user)
    commenter.banned_at, commenter.reason = timezone.now(), reason
    commenter.save(update_fields=["banned_at", "reason"])
    editorial_log(actor=by, action="commenter.ban", target=user, payload={"reason": reason})
    return commenter


@transaction.atomic
def commenter_suspend(*, user: User, until: dt.datetime, by: User, reason: str = "") -> Commenter:
    """Bar a user from commenting until ``until``."""
    _require_moderator(by)
    if until <= timezone.now():
        raise ValidationError({"until": "A suspension must end in the future."})
    commenter = _commenter_for_update(user)
    commenter.suspended_until, commenter.reason = until, reason
    commenter.save(update_fields=["suspended_until", "reason"])
    editorial_log(
        actor=by,
        action="commenter.suspend",
        target=user,
        payload={"until": until.isoformat(), "reason": reason},
    )
    return commenter


@transaction.atomic
def commenter_reinstate(*, user: User, by: User) -> Commenter:
    _require_moderator(by)
    commenter = _commenter_for_update(user)
    commenter.banned_at = commenter.suspended_until = None
    commenter.save(update_fields=["banned_at", "suspended_until"])
    editorial_log(actor=by, action="commenter.reinstate", target=user)
    return commenter


@transaction.atomic
def moderation_note_add(*, subject: User, text: str, by: User) -> ModerationNote:
    _require_moderator(by)
    note = ModerationNote(subject=subject, author=by, text=text.strip())
    note.full_clean()
    note.save()
    editorial_log(actor=by, action="commenter.note", target=subject, payload={"note_id": note.pk})
    return note


def _closure_target(
    *, by: User, article: Article | None, story: Story | None, verb: str
) -> Article | Story:
    """A moderator closes or reopens one article or one story, never both nor neither."""
    _require_moderator(by)
    if (article is None) == (story is None):
        raise ValidationError(f"{verb} comments on an article or on a story.")
    return cast("Article | Story", article or story)  # exactly one is set (checked above)


@transaction.atomic
def comments_close(
    *, by: User, article: Article | None = None, story: Story | None = None
) -> Closure:
    """Close comments on one article, or on every article of a story."""
    target = _closure_target(by=by, article=article, story=story, verb="Close")
    closure, _ = Closure.objects.get_or_create(
        article=article, story=story, defaults={"closed_by": by}
    )
    editorial_log(actor=by, action="comments.close", target=target)
    return closure


@transaction.atomic
def comments_reopen(*, by: User, article: Article | None = None, story: Story | None = None) -> int:
    target = _closure_target(by=by, article=article, story=story, verb="Reopen")
    deleted, _ = Closure.objects.filter(article=article, story=story).delete()
    editorial_log(actor=by, action="comments.reopen", target=target)
    return deleted


@transaction.atomic
def section_policy_set(*, section: Section, mode: str, by: User) -> SectionPolicy:
    _require_moderator(by)
    policy, _ = SectionPolicy.objects.get_or_create(section=section)
    before = policy.mode
    policy.mode = mode
    policy.full_clean()
    policy.save(update_fields=["mode"])
    editorial_log(
        actor=by,
        action="comments.section_policy",
        target=section,
        payload={"before": before, "after": mode},
    )
    return policy


@transaction.atomic
def word_rule_set(*, word: str, kind: str, by: User) -> WordRule:
    _require_moderator(by)
    rule, _ = WordRule.objects.update_or_create(word=word.strip().lower(), defaults={"kind": kind})
    editorial_log(actor=by, action="comments.word_rule", target=rule, payload={"kind": kind})
    return rule
