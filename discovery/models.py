"""Names the discovery engine proposes, and where each article gives them.

One ``EntityCandidate`` per (kind, normalised key) for the whole newsroom, with what
editors decided; one ``CandidateOccurrence`` per (candidate, article) holding that
article's spellings, mention count and first sentence (``entities.discovery``'s
``CandidateGroup``). Counts across articles and outlets are aggregates over the
occurrences, never stored counters, so two tasks collecting at once cannot leave
them wrong. Re-collecting an article replaces its occurrences.

A rejected candidate keeps its row: the (kind, key) pair is what keeps the name from
being proposed again, on any re-import.

Layering: directly above mentions (it links articles through mentions' services);
no app below imports it.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from articles.models import Article
from entities.models import EntityReference, Event, Person, Place


class EntityCandidate(EntityReference):
    """A name nobody entered yet, proposed as a person, place or event."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        PLACE = "place", "Place"
        EVENT = "event", "Event"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an editor"
        ACCEPTED = "accepted", "Accepted as a new entity"
        MERGED = "merged", "Merged into an existing entity"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="The name, normalised: what is counted.")
    name = models.CharField(max_length=200, help_text="The name as first written.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # A known name this one may be a variant spelling of (entities.variants), for the queue.
    variant_of = models.CharField(max_length=200, blank=True)
    variant_score = models.FloatField(null=True, blank=True)
    # The entity it became (accepted) or was merged into; the variant's entity while open.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "new name"
        verbose_name_plural = "new names to review"
        ordering = ["-created_at", "-pk"]
        permissions = [("review_entitycandidate", "Can accept, merge or reject new names")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="entity_candidate_unique_key"),
            models.CheckConstraint(condition=~Q(key=""), name="entity_candidate_key_not_empty"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="entity_candidate_status_idx")]

    def __str__(self):
        return f"{self.name} ({self.kind})"


class CandidateOccurrence(models.Model):
    """One article naming a candidate: its spellings, how often, the first sentence."""

    candidate = models.ForeignKey(
        EntityCandidate, on_delete=models.CASCADE, related_name="occurrences"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="candidate_occurrences"
    )
    names = ArrayField(models.CharField(max_length=200), help_text="Spellings, first used first.")
    count = models.PositiveIntegerField(default=1)
    first_position = models.PositiveIntegerField(default=0)
    sentence = models.TextField(blank=True)
    evidence = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate_id", "article_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "article"], name="candidate_occurrence_unique"
            )
        ]
        # Replacing an article's occurrences reads them by article_id: the foreign key's
        # own index serves it.

    def __str__(self):
        return f"{self.candidate} in article {self.article_id}"
