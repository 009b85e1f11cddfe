"""The section navigation in the site header, read only when a page renders it."""

from django.db.models import Exists, OuterRef

from .models import Article, Section

SECTION_NAV_LIMIT = 8


def sections(request):
    """``site_sections`` is a callable: one query, and only for templates that show the nav.

    Only sections with published articles are listed, so the header never links to an
    empty front. The exists check uses ``article_section_latest_idx``.
    """

    def site_sections():
        published = Article.objects.published().filter(section=OuterRef("pk"))
        return list(Section.objects.filter(Exists(published)).order_by("name")[:SECTION_NAV_LIMIT])

    return {"site_sections": site_sections}
