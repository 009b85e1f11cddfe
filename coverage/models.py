"""Stories: one news event, covered by articles from many outlets.

Besides the editorial rows (``Story``, ``StoryArticle``) this app keeps what the
incremental clustering needs so that it never rescans old articles:

* ``ArticleSignature``: each clustered article's frozen TF-IDF vector and entity keys;
* ``TermStatistic``: document frequencies, counted up as articles are clustered;
* ``StoryTerm``: an inverted index from a term to the recently active stories whose
  articles lead with it, which is how candidate stories are found.

and what the story page shows of each article that is derived from its text:

* ``ArticleFacts``: the figures, agreements, dates and quotes it reports
  (``coverage.facts``), extracted when its text is written, not on every render.
"""

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.text import Truncator

from pagecache.urls import cached_reverse

from .querysets import EXCLUDED, StoryArticleQuerySet, StoryQuerySet, current_q


class Story(models.Model):
    if TYPE_CHECKING:
        # Set on each instance by coverage.selectors.homepage_stories (StoryOutlet rows).
        outlets: list[Any]

    title = models.CharField(max_length=300)
    is_title_edited = models.BooleanField(
        default=False, help_text="An editor set the title; clustering no longer changes it."
    )
    slug = models.SlugField(max_length=200)
    summary = models.TextField(blank=True)
    first_reported_at = models.DateTimeField(null=True, blank=True)
    last_updated_at = models.DateTimeField(null=True, blank=True)
    active_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Clock for candidate retrieval: latest member's publication (or import) time.",
    )
    is_locked = models.BooleanField(
        default=False,
        help_text="Locked stories take no automatic members and lose none on re-clustering.",
    )
    centroid = models.JSONField(default=dict, blank=True, editable=False)
    entity_counts = models.JSONField(default=dict, blank=True, editable=False)
    member_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    articles = models.ManyToManyField(
        "articles.Article", through="StoryArticle", related_name="stories"
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-last_updated_at", "-pk"]
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["last_updated_at"], name="story_last_updated_idx"),
            models.Index(fields=["created_at"], name="story_created_idx"),
        ]
        permissions = [("edit_story_membership", "Can merge, split, pin, exclude and lock")]

    def __str__(self):
        return Truncator(self.title).chars(80)

    def get_absolute_url(self):
        return cached_reverse("coverage:story_detail", kwargs={"pk": self.pk, "slug": self.slug})


class StoryArticle(models.Model):
    """An article's membership of a story, with how and how strongly it joined."""

    class JoinedBy(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        PINNED = "pinned", "Pinned by an editor"
        EXCLUDED = EXCLUDED, "Excluded by an editor"

    # No index of its own: the (story, article) unique index serves every lookup by
    # story, and one index fewer to write for each article placed.
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="story_memberships"
    )
    score = models.FloatField(default=0.0, help_text="Similarity to the story when it joined.")
    joined_by = models.CharField(
        max_length=20, choices=JoinedBy.choices, default=JoinedBy.AUTOMATIC
    )
    explanation = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why it joined: similarity, shared entities, top shared terms.",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = StoryArticleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "article"], name="story_article_unique"),
            # An article belongs to one story; exclusions are remembered per story.
            models.UniqueConstraint(
                fields=["article"],
                condition=current_q(),
                name="article_in_one_story",
            ),
        ]

    def __str__(self):
        return f"{self.article} in {self.story}"


class ArticleSignature(models.Model):
    """An article's clustering representation, computed once when it is first clustered."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="signature"
    )
    vector = models.JSONField(default=dict, help_text="term → unit TF-IDF weight, frozen")
    entity_keys = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    clock_at = models.DateTimeField(help_text="Publication time, else import time.")

    class Meta:
        indexes = [
            # The re-clustering pass reads the latest articles by this clock.
            models.Index(fields=["-clock_at", "-article"], name="signature_clock_idx"),
        ]

    def __str__(self):
        return f"Signature of article {self.article_id}"


class ArticleFacts(models.Model):
    """The facts ``coverage.facts.article_facts`` finds in an article's headline and body,
    stored when the text is written (``coverage.services.article_facts``) and read by the
    story page's comparison with its members (``select_related``, no query of its own).

    ``text_hash`` says which text they were extracted from (``coverage.facts.text_hash``):
    a reader whose article's text hashes otherwise extracts again, so a row left behind
    by a write that announced nothing is never shown.
    """

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_facts",
    )
    facts = models.JSONField(default=list, help_text="[kind, key, label] per fact, in order")
    text_hash = models.CharField(max_length=32)

    class Meta:
        verbose_name_plural = "article facts"

    def __str__(self):
        return f"Facts of article {self.article_id}"


class TermStatistic(models.Model):
    """Document frequency of a term (or "e:" entity key); DOCUMENTS holds the total."""

    DOCUMENTS = "#documents"

    term = models.CharField(max_length=200, primary_key=True)
    document_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.document_count}"


class StoryTerm(models.Model):
    """Inverted index: stories by the leading terms of their articles, with the story's
    activity time beside each row so that a lookup reads only recent stories."""

    # No index of its own: the (story, term) unique index serves lookups by story.
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="index_terms", db_index=False
    )
    term = models.CharField(max_length=200)
    active_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "term"], name="story_term_unique"),
        ]
        indexes = [
            models.Index(fields=["term", "active_at"], include=["story"], name="story_term_lookup"),
        ]

    def __str__(self):
        return f"{self.term} → story {self.story_id}"


class StoryRedirectQuerySet(models.QuerySet):
    def target_of(self, old_story_id) -> Story | None:
        """The story that absorbed ``old_story_id``, if it was merged away."""
        moved = self.select_related("story").filter(old_story_id=old_story_id).first()
        return moved.story if moved else None


class StoryRedirect(models.Model):
    """A story that was merged into another: its old URL (page and feeds) answers with a
    301 to the story that absorbed it, so links and subscriptions keep working."""

    old_story_id = models.PositiveBigIntegerField(primary_key=True)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="redirects_from")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StoryRedirectQuerySet.as_manager()

    def __str__(self):
        return f"story {self.old_story_id} → {self.story_id}"
