"""Readers' comments on articles, and what moderators need to keep them civil.

A comment's ``status`` says who sees it: approved comments are public, pending ones
wait in a moderation queue (their author sees them, marked pending), rejected ones
are seen by moderators only, and deleted ones (by their author) keep their place in
a thread as "deleted" so replies still make sense.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from .querysets import CommentQuerySet

MAX_DEPTH = 2  # 0 = top level; replies nest three levels deep


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DELETED = "deleted", "Deleted by its author"

    if TYPE_CHECKING:
        # Set on each instance by comments.selectors.comment_thread (the thread).
        children: list["Comment"]
        display_name: str
        html: str
        is_own: bool
        can_edit: bool

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    premoderation_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the rules held this comment for review."
    )
    is_featured = models.BooleanField(default=False)
    idempotency_key = models.UUIDField(
        help_text="One per rendered form, so a double submit is stored once."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", "Can moderate comments")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], name="comment_idempotency_unique"
            ),
            models.CheckConstraint(condition=Q(depth__lte=MAX_DEPTH), name="comment_max_depth"),
        ]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(fields=["author", "created_at"], name="comment_author_idx"),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_id} on article {self.article_id}"

    @property
    def is_public(self) -> bool:
        """``CommentQuerySet.public()`` for this loaded row, without a query."""
        return self.status == self.Status.APPROVED


class CommentFlag(models.Model):
    """A reader's report that a comment breaks the rules; open until a moderator acts."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_flags"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "flagged_by"], name="flag_once_per_user")
        ]
        indexes = [
            models.Index(
                fields=["comment"], condition=Q(resolved_at__isnull=True), name="flag_open_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} flag on comment {self.comment_id}"


class Commenter(models.Model):
    """A user's standing in the comments: bans and suspensions.

    The row is also the per-user lock that serialises a user's posts, so the rate
    limit cannot be overshot by concurrent requests.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commenter"
    )
    banned_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"Commenter {self.user_id}"


class ModerationNote(models.Model):
    """What moderators tell each other about a user; never shown to the user."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Note on user {self.subject_id}"


class WordRule(models.Model):
    """Banned words reject a comment outright; suspect words hold it for review."""

    class Kind(models.TextChoices):
        BANNED = "banned", "Banned: reject"
        SUSPECT = "suspect", "Suspect: pre-moderate"

    word = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return f"{self.word} ({self.kind})"


class SectionPolicy(models.Model):
    """How a section takes comments; sections without a policy are open."""

    class Mode(models.TextChoices):
        OPEN = "open", "Open"
        PREMODERATE = "premoderate", "Pre-moderate all"
        CLOSED = "closed", "Closed"

    section = models.OneToOneField(
        "articles.Section", on_delete=models.CASCADE, related_name="comment_policy"
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OPEN)

    class Meta:
        verbose_name_plural = "section policies"

    def __str__(self):
        return f"{self.section} comments: {self.mode}"


class Closure(models.Model):
    """Comments closed on one article, or on every article of a story."""

    article = models.OneToOneField(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_closure",
    )
    story = models.OneToOneField(
        "coverage.Story",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_closure",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, story__isnull=True)
                | Q(article__isnull=True, story__isnull=False),
                name="closure_article_xor_story",
            )
        ]

    def __str__(self):
        if self.article_id:
            return f"Comments closed on article {self.article_id}"
        return f"Comments closed on story {self.story_id}"
