"""The people, places and events that articles are about and written by.

One person is one row however the sources spell them ("Sergey Lavrov", "Sergei
Lavrov"); bylines and mentions point here so that a person has one page. The
spellings are ``Alias`` rows, stored normalised (``entities.normalize``) so that
every look-up, by the byline importer or the text matcher, is an exact, indexed one.

Layering: this app is the lowest of ours and knows nothing of articles. Which
articles name an entity (``Mention``, ``AmbiguousMention``) is the ``mentions``
app's, above articles; bylines point here from articles.

Aliases, mentions and redirects point at exactly one of Person, Place or Event
through three nullable foreign keys and a check constraint. Real foreign keys
(rather than a generic relation) keep integrity, cascade, and make "every article
that mentions this person" one indexed look-up.
"""

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from pagecache.urls import cached_reverse

from .normalize import normalize_name

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

ENTITY_KINDS = ("person", "place", "event")

check_wikidata_id = RegexValidator(
    r"^Q[1-9]\d*$", "Enter a Wikidata item ID such as Q42 (Q, then digits, no leading zero)."
)


def exactly_one_entity(name: str) -> models.CheckConstraint:
    one = (
        Q(person__isnull=False, place__isnull=True, event__isnull=True)
        | Q(person__isnull=True, place__isnull=False, event__isnull=True)
        | Q(person__isnull=True, place__isnull=True, event__isnull=False)
    )
    return models.CheckConstraint(condition=one, name=name)


class Entity(models.Model):
    """Fields every kind of entity has. Abstract: each kind is its own table."""

    kind: str = ""

    if TYPE_CHECKING:
        # For mypy: what each concrete kind gets from Django (an abstract model gets
        # none), loosely typed; ``bylines`` only on Person, ``children`` and ``events``
        # only on Place (callers check ``kind``). Mentions and bylines are above us.
        objects: ClassVar[models.Manager[Any]]
        aliases: RelatedManager[Any]
        slug_redirects: RelatedManager[Any]
        mentions: RelatedManager[Any]
        bylines: RelatedManager[Any]
        children: RelatedManager[Any]
        events: RelatedManager[Any]

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[check_wikidata_id],
        help_text="e.g. Q649 for Moscow",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["name"]
        # A Wikidata item names one real entity: two rows with one ID are duplicates.
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="%(class)s_unique_wikidata_id",
                violation_error_message="Another entry already has this Wikidata ID.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse(f"entities:{self.kind}_detail", kwargs={"slug": self.slug})

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class Person(Entity):
    kind = "person"

    role = models.CharField(
        max_length=200, blank=True, help_text='Role or title, e.g. "Foreign Minister of Russia"'
    )

    class Meta(Entity.Meta):
        verbose_name_plural = "people"


class Place(Entity):
    kind = "place"

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        TERRITORY = "territory", "State or territory"
        DISTRICT = "district", "District"
        CITY = "city", "City"
        TOWN = "town", "Town or village"
        BOUNDARY = "boundary", "Border or boundary"
        OTHER = "other", "Other"

    place_kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The place this one lies in, e.g. Kashmir for Pahalgam.",
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. IN"
    )

    class Meta(Entity.Meta):
        pass


class Event(Entity):
    kind = "event"

    class Kind(models.TextChoices):
        ATTACK = "attack", "Attack"
        TREATY = "treaty", "Treaty or agreement"
        CONFLICT = "conflict", "War or conflict"
        ELECTION = "election", "Election"
        MEETING = "meeting", "Meeting or summit"
        DISASTER = "disaster", "Disaster"
        OTHER = "other", "Other"

    event_kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    start_date = models.DateField(null=True, blank=True, help_text="The day, or the first day.")
    end_date = models.DateField(null=True, blank=True, help_text="Empty for a single day.")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta(Entity.Meta):
        constraints = [
            *Entity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=models.F("start_date")),
                name="event_end_after_start",
            ),
        ]


class EntityReference(models.Model):
    """Points at exactly one Person, Place or Event (see the module docstring)."""

    class Meta:
        abstract = True

    @property
    def entity(self) -> Entity | None:
        return self.person or self.place or self.event

    @entity.setter
    def entity(self, value: Entity | None) -> None:
        for kind in ENTITY_KINDS:
            setattr(self, kind, value if value is not None and value.kind == kind else None)


class AliasVersion(models.Model):
    """One row whose version changes with every change to aliases.

    Each process caches its matcher automaton under this version, so a worker
    rebuilds it on its next use after any process changed an alias. The version is
    a fresh random UUID rather than a counter: a counter bumped in a transaction
    that rolls back would hand the same number to a later, different set of aliases.
    """

    version = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return f"aliases v{self.version}"


class Alias(EntityReference):
    """One way of writing an entity's name, as written and normalised."""

    name = models.CharField(max_length=200, help_text="As written, e.g. “S. Jaishankar”.")
    normalized = models.CharField(
        max_length=200, editable=False, help_text="Case-folded, accents and punctuation removed."
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            exactly_one_entity("alias_exactly_one_entity"),
            models.CheckConstraint(condition=~Q(normalized=""), name="alias_not_empty"),
            models.UniqueConstraint(fields=["person", "normalized"], name="alias_unique_person"),
            models.UniqueConstraint(fields=["place", "normalized"], name="alias_unique_place"),
            models.UniqueConstraint(fields=["event", "normalized"], name="alias_unique_event"),
        ]
        indexes = [
            models.Index(fields=["normalized"], name="alias_normalized_idx"),
            # Names suggested as readers type: any word of an alias by its first letters
            # ("lavr" → "sergei lavrov"), through the prefix matching of a GIN index.
            GinIndex(SearchVector("normalized", config="simple"), name="alias_words_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """The normal form is derived from the name, so admin forms can't disagree."""
        self.normalized = normalize_name(self.name)
        if not self.normalized:
            raise ValidationError({"name": "An alias needs at least one letter or digit."})


class SlugRedirect(EntityReference):
    """An entity's former slug: its old URL answers 301 to the current page."""

    kind = models.CharField(max_length=10, choices=[(k, k) for k in ENTITY_KINDS])
    old_slug = models.SlugField(max_length=200)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            exactly_one_entity("slug_redirect_exactly_one_entity"),
            models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_redirect_unique"),
        ]

    def __str__(self):
        return f"/{self.kind}/{self.old_slug}/ → {self.entity}"


class EntityMerge(models.Model):
    """A merge of a duplicate into the entity kept, with what undoing it needs.

    ``snapshot`` holds the deleted duplicate's fields and the ids of every row the
    merge moved or changed, so ``entity_merge_undo`` can put them back.
    """

    kind = models.CharField(max_length=10, choices=[(k, k) for k in ENTITY_KINDS])
    kept_id = models.BigIntegerField()
    duplicate_id = models.BigIntegerField()
    duplicate_name = models.CharField(max_length=200)
    snapshot = models.JSONField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entity_merges"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        permissions = [
            ("merge_entity", "Can merge duplicate people, places and events"),
            ("undo_entitymerge", "Can undo a merge"),
        ]

    def __str__(self):
        return f"{self.kind} {self.duplicate_name} (#{self.duplicate_id}) → #{self.kept_id}"
