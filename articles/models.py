"""Articles: our own stories and the other outlets' coverage we import."""

import reversion
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.text import Truncator

from .querysets import ArticleQuerySet


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


@reversion.register(follow=["bylines", "images"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = models.CharField(max_length=300)
    is_headline_provisional = models.BooleanField(
        default=False, help_text="Taken from the first sentence because the source had none."
    )
    slug = models.SlugField(max_length=200)
    dek = models.TextField(blank=True, help_text="The standfirst under the headline.")
    body = models.TextField(
        blank=True, help_text="Rich text. Sanitised when saved through the services."
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
    published_at = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    review_notes = models.TextField(blank=True, help_text="What the importer could not find.")
    source_key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Import identity: canonical URL, else a hash of the content.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        ]

    def __str__(self):
        return Truncator(self.headline).chars(80)

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body_text.split("\n\n") if p.strip()]

    @property
    def body_html(self):
        """The stored body, safe to print: services sanitise it before every save."""
        from django.utils.safestring import mark_safe

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
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="image_unique_position")
        ]

    def __str__(self):
        return self.caption or self.credit or f"Image {self.position}"
