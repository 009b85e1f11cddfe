"""Where articles come from: the outlets that publish them."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse


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
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    language = models.CharField(max_length=10, blank=True, help_text="BCP 47 tag, e.g. en")
    ownership_type = models.CharField(
        max_length=20, choices=OwnershipType.choices, default=OwnershipType.UNKNOWN
    )
    owner = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sources:outlet_detail", kwargs={"slug": self.slug})
