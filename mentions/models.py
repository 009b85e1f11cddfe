"""Which articles name which people, places and events, and what editors decided.

This app sits directly above articles (``articles`` ← ``mentions``): it imports the
Article model and the entities below it. The tables kept the names they had when
these models lived in entities (``db_table``), so moving them copied no data.
"""

from django.db import models

from articles.models import Article
from entities.models import Entity, EntityReference, Event, Person, Place, exactly_one_entity

from .querysets import MentionQuerySet


class Mention(EntityReference):
    """An article names an entity: how often, where first, and what an editor decided.

    ``first_position`` is a character offset in the article's matching text
    (``mentions.services.article_document``: headline, dek, key points, body, captions).
    """

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    count = models.PositiveIntegerField(default=0)
    first_position = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUGGESTED)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentionQuerySet.as_manager()

    class Meta:
        db_table = "entities_mention"  # moved from entities without copying (0001)
        ordering = ["article_id", "first_position", "pk"]
        permissions = [("review_mention", "Can confirm or reject suggested mentions")]
        constraints = [
            exactly_one_entity("mention_exactly_one_entity"),
            models.UniqueConstraint(fields=["article", "person"], name="mention_unique_person"),
            models.UniqueConstraint(fields=["article", "place"], name="mention_unique_place"),
            models.UniqueConstraint(fields=["article", "event"], name="mention_unique_event"),
        ]
        # Entity pages list the articles that mention an entity, rejected ones excluded.
        indexes = [
            models.Index(fields=["person", "state"], name="mention_person_state_idx"),
            models.Index(fields=["place", "state"], name="mention_place_state_idx"),
            models.Index(fields=["event", "state"], name="mention_event_state_idx"),
        ]

    def __str__(self):
        return f"{self.entity} in article {self.article_id} ({self.state})"


class AmbiguousMention(models.Model):
    """A name in an article that more than one entity answers to: a choice for an editor.

    The matcher never guesses: "Modi" with two people called Modi becomes one of
    these, linked to both candidates, and to neither until an editor resolves it
    (``ambiguous_mention_resolve``), which confirms a Mention of the chosen one.
    """

    class State(models.TextChoices):
        OPEN = "open", "Waiting for an editor"
        RESOLVED = "resolved", "Resolved to one entity"
        REJECTED = "rejected", "None of them"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="ambiguous_mentions"
    )
    normalized = models.CharField(max_length=200, help_text="The shared alias, normalised.")
    surface = models.CharField(max_length=200, help_text="The name as the article first wrote it.")
    count = models.PositiveIntegerField(default=0)
    first_position = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    candidate_people = models.ManyToManyField(Person, blank=True, related_name="candidate_in")
    candidate_places = models.ManyToManyField(Place, blank=True, related_name="candidate_in")
    candidate_events = models.ManyToManyField(Event, blank=True, related_name="candidate_in")
    resolved_mention = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolved_from"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "entities_ambiguousmention"  # moved from entities without copying (0001)
        ordering = ["article_id", "first_position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "normalized"], name="ambiguous_mention_unique_alias"
            )
        ]

    def __str__(self):
        return f"“{self.surface}” in article {self.article_id} ({self.state})"

    def candidates(self) -> list[Entity]:
        """Reads the prefetched candidate sets when present."""
        return [
            *self.candidate_people.all(),
            *self.candidate_places.all(),
            *self.candidate_events.all(),
        ]
