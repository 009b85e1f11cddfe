"""The section navigation in the site header, read only when a page renders it."""

import datetime as dt
import functools

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from pagecache import keys

from .models import Article, Section

SECTION_NAV_LIMIT = 8
# Stands for "now" in the navigation's SQL, which is compiled once (see below).
_NOW = dt.datetime(1970, 1, 1, 0, 0, 7, tzinfo=dt.UTC)


@functools.cache
def _site_sections_sql(vendor: str) -> tuple[str, tuple]:
    """The navigation's query as SQL and parameters, with ``_NOW`` for the current time.

    The query is the same on every page but for the time, and building and compiling it
    through the ORM cost about a third of an empty page's render: it is compiled once
    per process, from the same ``published_q`` as every other read.
    """
    published = Article.objects.filter(
        Article.objects.published_q(now=_NOW), section=OuterRef("pk")
    )
    query = Section.objects.filter(Exists(published)).order_by("name")[:SECTION_NAV_LIMIT]
    sql, params = query.query.sql_with_params()
    if _NOW not in params:
        raise RuntimeError("The section navigation's query no longer takes the time.")
    return sql, params


def site_sections_list() -> list:
    """Sections with published articles, by name, at most SECTION_NAV_LIMIT (1 query)."""
    sql, params = _site_sections_sql(connection.vendor)
    now = timezone.now()
    return list(Section.objects.raw(sql, [now if param == _NOW else param for param in params]))


def sections(request):
    """``site_sections`` is a callable: one query, and only for templates that show the nav.

    Only sections with published articles are listed, so the header never links to an
    empty front. The exists check uses ``article_section_latest_idx``.
    """

    def site_sections():
        keys.add(request, "list:sections")  # the page shows the navigation
        return site_sections_list()

    return {"site_sections": site_sections}
