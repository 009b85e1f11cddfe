from django.db import models
from django.db.models import Prefetch
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Readers see published articles whose publication time has come."""
        return self.filter(status=self.model.Status.PUBLISHED).filter(
            models.Q(published_at__isnull=True) | models.Q(published_at__lte=timezone.now())
        )

    def latest_first(self):
        return self.order_by(models.F("published_at").desc(nulls_last=True), "-pk")

    def for_listing(self):
        """Everything articles/_card.html reads."""
        from .models import Byline

        return self.select_related("outlet", "section").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("person"))
        )

    def for_article_page(self):
        """Everything articles/article_detail.html reads, in a fixed number of queries."""
        from .models import ArticleImage, Correction, ImageRendition

        return self.for_listing().prefetch_related(
            Prefetch(
                "images",
                queryset=ArticleImage.objects.select_related("image").prefetch_related(
                    Prefetch("image__renditions", queryset=ImageRendition.objects.all())
                ),
            ),
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at")),
            "tags",
        )
