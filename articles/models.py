"""Articles (our own stories and the other outlets' coverage we import) and what hangs
off them: sections, bylines, the image library with its renditions and each article's
pictures, corrections, and the editing presence and autosave rows."""

import datetime as dt

import reversion
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from pagecache.urls import cached_reverse

from .querysets import ArticleQuerySet
from .sanitize import sanitize_html
from .search import Unaccented
from .templatetags.dates import isodatetime_string


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Each revision records the version it saved, so an edit conflict can show the text the
# editor opened. Restoring still moves the counter forward (workflow.article_restore).
# The source snapshot is not the article's text but what its source last said: restoring
# an old text must not make the importer think an editor's restore was the source's.
# Whether the article was imported is a fact of its creation, not of a text: a restore
# keeps the current value (workflow.article_restore).
@reversion.register(follow=["bylines", "images"], exclude=["source_snapshot", "is_imported"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    class Precision(models.TextChoices):
        """How much of ``published_at`` the source gave: a day is not midnight UTC."""

        DAY = "day", "Date only"
        MINUTE = "minute", "Date and time to the minute"
        SECOND = "second", "Date and time to the second"

    headline = models.CharField(max_length=300)
    is_headline_provisional = models.BooleanField(
        default=False, help_text="Taken from the first sentence because the source had none."
    )
    slug = models.SlugField(max_length=200)
    dek = models.TextField(blank=True, help_text="The standfirst under the headline.")
    body = ProseEditorField(
        blank=True,
        extensions={
            "Bold": True,
            "Italic": True,
            "Strike": True,
            "Heading": {"levels": [2, 3, 4]},
            "BulletList": True,
            "OrderedList": True,
            "ListItem": True,
            "Blockquote": True,
            "HardBreak": True,
            "HorizontalRule": True,
            "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        },
        sanitize=sanitize_html,
        help_text="Rich text, sanitised against an allow-list when saved.",
    )
    body_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Plain text of the body, paragraphs separated by blank lines (derived).",
    )
    key_points = ArrayField(models.TextField(), default=list, blank=True)
    outlet = models.ForeignKey(
        "sources.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    canonical_url = models.URLField(max_length=1000, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="The publication time readers see."
    )
    published_at_precision = models.CharField(
        max_length=6,
        choices=Precision.choices,
        default=Precision.MINUTE,
        db_default=Precision.MINUTE,  # rows written with COPY (generate_corpus) get it too
        help_text="How precisely the source gave the date; a date-only source shows no time.",
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled article goes public."
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    tags = TaggableManager(blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every save; guards against lost edits."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_created",
        editable=False,
    )
    needs_review = models.BooleanField(default=False)
    review_notes = models.TextField(blank=True, help_text="What the importer could not find.")
    source_snapshot = models.JSONField(
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
        editable=False,
        help_text="What the source last said, per field: a re-import only updates fields "
        "that still hold it, so editors' changes are kept.",
    )
    is_imported = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Created by an import: its date is its source's, so publishing an "
        "undated import leaves it undated.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector(Unaccented("headline"), weight="A", config="english")
            + SearchVector(Unaccented("dek"), weight="B", config="english")
            + SearchVector(Unaccented("body_text"), weight="C", config="english")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
        help_text="Weighted full text: headline over dek over body; accents ignored.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                models.F("published_at").desc(nulls_last=True),
                "id",
                name="article_published_idx",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["publish_at"],
                name="article_due_idx",
                condition=models.Q(status="scheduled"),
            ),
            models.Index(fields=["status", "-updated_at"], name="article_status_idx"),
            # The admin changelist: its default order, and date hierarchy's min/max.
            models.Index(F("published_at").desc(), F("id").desc(), name="article_admin_order_idx"),
            models.Index(
                "section",
                F("published_at").desc(),
                F("id").desc(),
                name="article_section_order_idx",
            ),
            # Public lists narrowed to a section or an outlet, newest first (section,
            # outlet and tag pages; search's newest matches within a section or outlet).
            models.Index(
                "section",
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                name="article_section_latest_idx",
                condition=models.Q(status="published"),
            ),
            models.Index(
                "outlet",
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                name="article_outlet_latest_idx",
                condition=models.Q(status="published"),
            ),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            # The admin's search (headline, dek) is a case-insensitive substring match.
            GinIndex(OpClass(Upper("headline"), "gin_trgm_ops"), name="article_headline_trgm"),
            GinIndex(OpClass(Upper("dek"), "gin_trgm_ops"), name="article_dek_trgm"),
        ]
        permissions = [
            ("submit_article", "Can submit an article for review"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("change_others_article", "Can edit articles created by others"),
        ]

    def __str__(self):
        return Truncator(self.headline).chars(80)

    def get_absolute_url(self):
        return cached_reverse("articles:article_detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_public(self) -> bool:
        """``ArticleQuerySet.published_q()`` for this loaded row, without a query:
        published, and the embargo (if any) has passed."""
        return self.status == self.Status.PUBLISHED and (
            self.published_at is None or self.published_at <= timezone.now()
        )

    @property
    def is_published_time_known(self) -> bool:
        """False when the source gave only a date: pages then show no time of day."""
        return self.published_at_precision != self.Precision.DAY

    @property
    def last_changed_at_machine(self) -> str:
        """``last_changed_at`` for meta tags and JSON-LD: when it is a date-only
        publication date, the date alone (no invented midnight)."""
        if self.was_updated_after_publication:
            return isodatetime_string(self.last_changed_at)
        return isodatetime_string(self.last_changed_at, self.published_at_precision)

    @property
    def published_at_machine(self) -> str:
        """``published_at`` for JSON-LD and the like: a date alone stays a date.

        Templates use ``|isodatetime:article.published_at_precision``, the same string.
        """
        return isodatetime_string(self.published_at, self.published_at_precision)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body_text.split("\n\n") if p.strip()]

    @property
    def was_updated_after_publication(self) -> bool:
        """Worth an "Updated" line: changed more than a few minutes after going public."""
        if not self.first_published_at:
            return False
        return self.updated_at - self.first_published_at > dt.timedelta(minutes=10)

    @property
    def last_changed_at(self):
        """When readers' version last changed: an editorial update after publication, else
        the publication date; None for an undated article never edited here.

        Not ``updated_at``: an import (or re-import) touches that, and an article from May
        2025 imported today has not changed today. Sitemaps, feeds and JSON-LD use this.
        """
        if self.was_updated_after_publication:
            return self.updated_at
        return self.published_at

    @property
    def body_html(self):
        """The stored body, safe to print: services sanitise it before every save."""
        return mark_safe(self.body)  # noqa: S308 - sanitised on write (articles.sanitize)


@reversion.register()
class Byline(models.Model):
    """One credit on an article, in print order: a person's name or a desk."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        REPORTER = "reporter", "Reporter"
        PHOTOGRAPHER = "photographer", "Photographer"
        EDITOR = "editor", "Editor"
        DESK = "desk", "Desk"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        "entities.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bylines",
        help_text='Empty for desk credits such as "Desk Report".',
    )
    name = models.CharField(max_length=200, help_text="As printed in the byline.")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AUTHOR)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="byline_unique_position")
        ]

    def __str__(self):
        return self.name


@reversion.register()
class ArticleImage(models.Model):
    """An image as the source described it: caption and credit, the file when we have one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField()
    image = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        help_text="Empty for imported images whose file we do not have.",
    )
    caption = models.TextField(blank=True, help_text="Leave empty to use the image's caption.")
    credit = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="image_unique_position")
        ]

    def __str__(self):
        return self.display_caption or self.display_credit or f"Image {self.position}"

    @property
    def display_caption(self) -> str:
        return self.caption or (self.image.caption if self.image else "")

    @property
    def display_credit(self) -> str:
        return self.credit or (self.image.credit if self.image else "")


class Image(models.Model):
    """A picture in the library. Alt text is required: readers using screen readers exist."""

    file = models.ImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    alt_text = models.CharField(
        max_length=300, help_text="What the picture shows, for readers who cannot see it."
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return Truncator(self.alt_text).chars(60)


class ImageRendition(models.Model):
    """A resized copy made by a background task, never while a page is served."""

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.ImageField(upload_to="renditions/%Y/%m/")

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="rendition_unique_size_format"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}w {self.format}"


class Correction(models.Model):
    """A dated note on a published article, shown to readers with it; never silently edited."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article_id}: {Truncator(self.text).chars(60)}"


class EditingSession(models.Model):
    """Someone has an article's change form open: what other editors are told (presence).

    The form pings every few seconds; a session not seen for PRESENCE_WINDOW is over.
    One row per (user, article), however many tabs: people, not tabs, are what matter.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editing_sessions"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="editing_sessions")
    version_opened = models.PositiveIntegerField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="editing_session_unique_user")
        ]

    def __str__(self):
        return f"{self.user} editing {self.article_id}"


class ArticleDraftAutosave(models.Model):
    """An editor's unsaved input in an article's form, kept for after a closed tab or a crash.

    Never applied to the article by the server: the editor chooses to restore it into the
    form and then saves as usual, through the same conflict check as any other save.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_autosaves"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="autosaves")
    data = models.JSONField(help_text="Field name → the text as typed (headline, dek, body…).")
    version_opened = models.PositiveIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="autosave_unique_user")
        ]

    def __str__(self):
        return f"{self.user}'s unsaved edits of {self.article_id}"
