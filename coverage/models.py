"""Stories: one news event, covered by articles from many outlets."""

from django.db import models
from django.urls import reverse
from django.utils.text import Truncator


class Story(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    first_reported_at = models.DateTimeField(null=True, blank=True)
    last_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    articles = models.ManyToManyField(
        "articles.Article", through="StoryArticle", related_name="stories"
    )

    class Meta:
        ordering = ["-last_updated_at", "-pk"]
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["last_updated_at"], name="story_last_updated_idx"),
            models.Index(fields=["created_at"], name="story_created_idx"),
        ]

    def __str__(self):
        return Truncator(self.title).chars(80)

    def get_absolute_url(self):
        return reverse("coverage:story_detail", kwargs={"pk": self.pk, "slug": self.slug})


class StoryArticle(models.Model):
    """An article's membership of a story, with how and how strongly it joined."""

    class JoinedBy(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        PINNED = "pinned", "Pinned by an editor"
        EXCLUDED = "excluded", "Excluded by an editor"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="story_memberships"
    )
    score = models.FloatField(default=0.0, help_text="Similarity to the story when it joined.")
    joined_by = models.CharField(
        max_length=20, choices=JoinedBy.choices, default=JoinedBy.AUTOMATIC
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "article"], name="story_article_unique"),
            # An article belongs to one story; exclusions are remembered per story.
            models.UniqueConstraint(
                fields=["article"],
                condition=~models.Q(joined_by="excluded"),
                name="article_in_one_story",
            ),
        ]

    def __str__(self):
        return f"{self.article} in {self.story}"
