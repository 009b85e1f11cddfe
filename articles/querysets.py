"""Named reads of articles: what "published" means (also as a ``Q`` for other apps'
models), newest first, what a card and the article page read, and the date drill-down
the admin's date hierarchy asks for without scanning every row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, Self

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Article
# The columns articles/_card.html reads (see ``ArticleQuerySet.for_cards``).
CARD_FIELDS = (
    "slug",
    "headline",
    "is_headline_provisional",
    "dek",
    "published_at",
    "published_at_precision",
    "outlet__name",
    "outlet__slug",
    "outlet__logo",
)


class ArticleQuerySet(models.QuerySet["Article"]):
    # The year level answers a list, not a queryset (the admin's date hierarchy only
    # iterates it): hence the overrides' narrower return types.
    def dates(  # type: ignore[override]
        self,
        field_name: str,
        kind: Literal["year", "month", "week", "day"],
        order: Literal["ASC", "DESC"] = "ASC",
    ) -> models.QuerySet[Article, dt.date] | list[dt.date]:
        if kind != "year" or field_name != "published_at":
            return super().dates(field_name, kind, order)
        return [moment.date() for moment in self._years_present(order)]

    def datetimes(  # type: ignore[override]
        self,
        field_name: str,
        kind: Literal["year", "month", "week", "day", "hour", "minute", "second"],
        order: Literal["ASC", "DESC"] = "ASC",
        tzinfo: dt.tzinfo | None = None,
    ) -> models.QuerySet[Article, dt.datetime] | list[dt.datetime]:
        """Years via an index probe per year instead of DISTINCT over every row.

        The admin's date hierarchy asks for the distinct years of published_at; on a
        million articles the generic query reads them all. Only the year level is
        special-cased: months and days are asked for within one year, already small.
        """
        if kind != "year" or field_name != "published_at":
            return super().datetimes(field_name, kind, order, tzinfo)
        return self._years_present(order, tzinfo)

    def _years_present(self, order: str, tzinfo: dt.tzinfo | None = None) -> list[dt.datetime]:
        bounds = self.aggregate(first=models.Min("published_at"), last=models.Max("published_at"))
        if bounds["first"] is None:
            return []
        zone = tzinfo or timezone.get_current_timezone()
        first = bounds["first"].astimezone(zone)
        last = bounds["last"].astimezone(zone)
        years = [
            dt.datetime(year, 1, 1, tzinfo=zone)
            for year in range(first.year, last.year + 1)
            if self.filter(
                published_at__gte=dt.datetime(year, 1, 1, tzinfo=zone),
                published_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=zone),
            ).exists()
        ]
        return years if order == "ASC" else years[::-1]

    @staticmethod
    def published_q(prefix: str = "", *, now: dt.datetime | None = None) -> models.Q:
        """What "published" means, as a ``Q`` for reads that start from another model
        (``published_q("article__")`` on story memberships): status published and the
        publication time come (an embargo has passed). Defined here once. ``now``:
        the moment to judge at, the current time unless given."""
        # Late: models.py imports this module for its managers (a cycle).
        from .models import Article as ArticleModel

        return models.Q(**{f"{prefix}status": ArticleModel.Status.PUBLISHED}) & (
            models.Q(**{f"{prefix}published_at__isnull": True})
            | models.Q(**{f"{prefix}published_at__lte": now or timezone.now()})
        )

    def published(self) -> Self:
        """Readers see published articles whose publication time has come."""
        return self.filter(self.published_q())

    def latest_first(self) -> Self:
        return self.order_by(models.F("published_at").desc(nulls_last=True), "-pk")

    def for_listing(self) -> Self:
        """Everything articles/_card.html reads."""
        # Late: models.py imports this module for its managers (a cycle).
        from .models import Byline

        return self.select_related("outlet", "section").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("person"))
        )

    def for_cards(self) -> Self:
        """What articles/_card.html reads and nothing else: the listing pages' bundle.

        A card shows eleven columns of the article, its outlet and its byline names.
        Loading whole rows (the body twice over, the search vector, the snapshot) with
        their section and each byline's person cost the home page's 30 cards more to
        turn into objects than to render. ``articles.fragments.card_shown`` reads the
        same fields; the feeds and the API, which show more, keep ``for_listing``.
        """
        # Late: models.py imports this module for its managers (a cycle).
        from .models import Byline

        return (
            self.select_related("outlet")
            .only(*CARD_FIELDS)
            .prefetch_related(
                # In print order within each article (Byline's own ordering, by "article",
                # joins the article table to sort by its date).
                Prefetch(
                    "bylines", queryset=Byline.objects.only("article", "name").order_by("position")
                )
            )
        )

    def for_article_page(self) -> Self:
        """Everything articles/article_detail.html reads, in a fixed number of queries."""
        # Late: models.py imports this module for its managers (a cycle).
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
