"""Where articles come from: the outlets that publish them, and how they got here."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from pagecache.urls import cached_reverse

from .countries import check_country_code, country_name


class Outlet(models.Model):
    """A publication. Coverage pages compare outlets, so its country and ownership matter."""

    class OwnershipType(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        PRIVATE = "private", "Privately owned"
        PUBLIC = "public", "Publicly listed company"
        STATE = "state", "State-owned"
        PUBLIC_SERVICE = "public_service", "Public service broadcaster"
        NONPROFIT = "nonprofit", "Non-profit"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(blank=True)
    domains = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[check_country_code],
        help_text="ISO 3166-1 alpha-2 code, such as PK or GB",
    )
    language = models.CharField(max_length=10, blank=True, help_text="BCP 47 tag, e.g. en")
    ownership_type = models.CharField(
        max_length=20, choices=OwnershipType.choices, default=OwnershipType.UNKNOWN
    )
    owner = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(upload_to="outlets/logos/", blank=True)
    is_trusted = models.BooleanField(
        default=False,
        help_text="Publish this outlet's articles on import. Otherwise they wait for an "
        "editor's review; flagged items (provisional headline, no date) always wait.",
    )
    feed_urls = ArrayField(
        models.URLField(max_length=1000),
        default=list,
        blank=True,
        help_text="RSS or Atom feeds to import from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("sources:outlet_detail", kwargs={"slug": self.slug})

    @property
    def country_name(self) -> str:
        """The country's name ("Pakistan"), or the stored code if it is not a known one."""
        return country_name(self.country) or self.country


class ImportRun(models.Model):
    """One import started from the admin: who uploaded which files, and what happened.

    The report (counts and every failure) is kept, so an editor can come back to it
    after the background task has finished.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to run"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        PARTIAL = "partial", "Imported with failures"
        ERROR = "error", "Stopped by an error"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    format = models.CharField(max_length=10, default="auto")
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
        help_text="Every item belongs to this outlet, whatever the files say.",
    )
    files = models.JSONField(
        default=list, help_text="Stored names of the uploaded files, under MEDIA_ROOT."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    failures = models.JSONField(
        default=list, blank=True, help_text="[{source, unit, line, reason}] per failed item."
    )
    kept = models.JSONField(
        default=list,
        blank=True,
        help_text="[{article_id, headline, field}] where a re-import kept the editor's version.",
    )
    error = models.TextField(blank=True, help_text="Why the run stopped, if it did.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import #{self.pk} ({self.get_status_display()})"


class ArticleSource(models.Model):
    """Which source an article was imported from: its import identity, owned by sources.

    ``key`` is what :func:`sources.services.record_source_key` computes for a record (the
    canonical URL, else a hash of outlet name, headline and text), so a re-import finds
    the article it made. Only sources reads or writes it; the editorial core does not
    know it. Nothing else is kept here: the canonical URL and the outlet are the
    article's own facts, shown to readers and correctable by editors, whereas the key
    must stay what the source said when the article was created.
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="source"
    )
    key = models.CharField(max_length=200, unique=True)

    def __str__(self):
        return self.key


class ArticleFingerprint(models.Model):
    """A MinHash signature of an article's text, to find wire copy across outlets.

    ``same_text_as`` marks this article as (mostly) the same text as an earlier
    article from another outlet, with the estimated Jaccard similarity of their word
    shingles. The LSH band hashes live in :class:`ArticleTextBand`.
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    signature = models.BinaryField(help_text="MinHash values, little-endian uint32.")
    shingle_count = models.PositiveIntegerField(
        default=0, help_text="Distinct word 5-grams of the text (0: not known)."
    )
    same_text_as = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_copies",
    )
    similarity = models.FloatField(null=True, blank=True)

    def __str__(self):
        return f"Fingerprint of article {self.article_id}"


class ArticleTextBand(models.Model):
    """One LSH band hash of an article's signature (band number folded into the hash).

    The primary key (band_hash, article) is the b-tree that answers "which articles
    share any of these bands" for a whole import batch with one index scan, whichever
    run stored them; there is no surrogate id, since every index costs each of the 20
    rows per imported article an insertion.
    """

    pk = models.CompositePrimaryKey("band_hash", "article")
    band_hash = models.BigIntegerField()
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="text_bands"
    )

    def __str__(self):
        return f"{self.band_hash} ({self.article_id})"


class WireCopyVerdict(models.Model):
    """Whether an article is wire copy, and why: the one verdict every page and the API read.

    Decided when the article is written (import, or an editor's change to its body or
    credits) by ``sources.services.articles_fingerprint``; never at read time. An agency
    credit wins over same text, as the story page has always shown it. ``inputs_hash``
    records what the verdict was decided from, so a re-announced article whose text and
    credits did not change is not decided again.
    """

    class Reason(models.TextChoices):
        NONE = "", "Not wire copy"
        AGENCY = "agency", "Credited to an agency"
        SAME_TEXT = "same_text", "Same text as an earlier article from another outlet"

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="wire_verdict",
    )
    is_wire = models.BooleanField(default=False)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True, default="")
    agency = models.CharField(max_length=100, blank=True, help_text="As shown: Reuters, PTI.")
    original = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_verdicts_as_original",
        help_text="The earlier article with the same text, for the same-text reason.",
    )
    similarity = models.FloatField(null=True, blank=True)
    inputs_hash = models.CharField(max_length=64)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "wire-copy verdict"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_wire=False, reason="")
                | models.Q(is_wire=True, reason="agency") & ~models.Q(agency="")
                | models.Q(is_wire=True, reason="same_text"),
                name="sources_wirecopyverdict_reason_matches",
            )
        ]

    def __str__(self):
        return f"Wire-copy verdict on article {self.article_id}: {self.text or 'not wire'}"

    @property
    def text(self) -> str:
        """The reason as pages show it: "credited to Reuters", "same text as Dawn's article"."""
        if self.reason == self.Reason.AGENCY:
            return f"credited to {self.agency}"
        if self.reason == self.Reason.SAME_TEXT:
            outlet = self.original.outlet if self.original else None
            return f"same text as {outlet.name if outlet else 'another'}'s article"
        return ""
