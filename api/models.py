"""API keys for partners, and the change feed partners follow to stay in sync."""

from django.db import models


class ApiKey(models.Model):
    """A partner's key: lifts the per-client rate limit. Only a hash is stored.

    The key itself is shown once, when an admin issues it (``api.services.api_key_issue``);
    a lost key is revoked and a new one issued.
    """

    name = models.CharField(max_length=200, help_text="Who the key is for, e.g. the partner.")
    prefix = models.CharField(
        max_length=12, editable=False, help_text="The first characters, to tell keys apart."
    )
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class Change(models.Model):
    """One entry of ``/api/v1/changes``: an article or story a partner should re-read.

    Written after the change commits (see receivers.py), with ``at`` the moment it
    became visible: an article published for a future time gets that time, so the feed
    never announces it early. The feed is read in (at, id) order.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        UNPUBLISHED = "unpublished", "Unpublished"
        REGROUPED = "regrouped", "Regrouped"
        REMOVED = "removed", "Removed"

    class ObjectType(models.TextChoices):
        ARTICLE = "article", "Article"
        STORY = "story", "Story"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_type = models.CharField(max_length=10, choices=ObjectType.choices)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=64, blank=True, help_text="The editorial action, if any.")
    details = models.JSONField(default=dict, blank=True, help_text="Ids of what else moved.")
    at = models.DateTimeField(db_index=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at", "id"], name="api_change_feed_idx"),
            models.Index(fields=["object_type", "object_id", "-at"], name="api_change_object_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.object_type} {self.object_id}"
