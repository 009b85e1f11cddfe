"""Sitemaps for search engines: an index over per-kind sitemaps, and Google News.

Project-level because it gathers every app's public pages; apps never import it.
"""

import datetime as dt

from django.contrib.sitemaps import Sitemap, views
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Section
from coverage.models import Story
from entities.models import Event, Person, Place
from pagecache import keys
from sources.models import Outlet

# Sitemaps list articles, stories and every named thing (people, outlets, tags...).
SITEMAP_KEYS = ("list:articles", "list:stories", "list:names")


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 10_000

    def items(self):
        return (
            Article.objects.published()
            .only(
                "pk",
                "slug",
                "published_at",
                "published_at_precision",
                "first_published_at",
                "updated_at",
            )
            .order_by(Article._meta.pk.name)
        )

    def lastmod(self, article):
        """The real last change (None, so no <lastmod>, for an undated article); a date
        alone when that is a publication date the source gave without a time."""
        changed = article.last_changed_at
        if changed and not article.was_updated_after_publication:
            if not article.is_published_time_known:
                return changed.date()
        return changed


class StorySitemap(Sitemap):
    """Stories: the page that gathers every outlet's report, dated by its newest report."""

    changefreq = "hourly"
    limit = 10_000

    def items(self):
        return (
            Story.objects.with_visible_members()
            .only("pk", "slug", "last_updated_at")
            .order_by("pk")
        )

    def lastmod(self, story):
        return story.last_updated_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        # The newest article's publication date: imports touch updated_at, which is no change.
        return Section.objects.annotate(latest=Max("articles__published_at")).order_by("slug")

    def location(self, section):
        return reverse("articles:section", args=[section.slug])

    def lastmod(self, section):
        return section.latest


class TagSitemap(Sitemap):
    changefreq = "daily"
    limit = 10_000

    def items(self):
        return Tag.objects.order_by("slug")

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class EntitySitemap(Sitemap):
    changefreq = "daily"
    limit = 10_000

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("slug")


class OutletSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Outlet.objects.order_by("slug")


SITEMAPS = {
    "articles": ArticleSitemap,
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "people": EntitySitemap(Person),
    "places": EntitySitemap(Place),
    "events": EntitySitemap(Event),
    "outlets": OutletSitemap,
}


def _instance(sitemap):
    return sitemap() if isinstance(sitemap, type) else sitemap


def _non_empty() -> dict:
    """An empty <urlset> is invalid (the schema wants at least one url): leave those out."""
    return {name: s for name, s in SITEMAPS.items() if _instance(s).items()[:1].exists()}


def sitemap_index(request):
    keys.add(request, *SITEMAP_KEYS)
    return views.index(request, _non_empty(), sitemap_url_name="sitemap_section")


def sitemap_section(request, section):
    keys.add(request, *SITEMAP_KEYS)
    sitemaps = _non_empty()
    if section not in sitemaps:
        raise Http404(f"No sitemap named {section!r} with any pages")
    return views.sitemap(request, sitemaps, section=section)


def _recent_news():
    """Google News: articles published in the last two days, at most 1,000."""
    since = timezone.now() - dt.timedelta(days=2)
    return (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("pk", "slug", "headline", "published_at", "published_at_precision")
        .order_by("-published_at")[:1000]
    )


def news_sitemap(request):
    """The Google News sitemap; 404 while nothing is recent (an empty <urlset> is invalid)."""
    keys.add(request, "list:articles")
    articles = list(_recent_news())
    if not articles:
        raise Http404("No articles from the last two days")
    return render(
        request,
        "sitemaps/news.xml",
        {"articles": articles, "base": f"{request.scheme}://{request.get_host()}"},
        content_type="application/xml",
    )


def robots_txt(request):
    """Search pages are not disallowed: they say ``noindex`` themselves, and a crawler
    kept out by robots.txt never reads that, so a search URL linked from elsewhere could
    be indexed without its content. Previews stay disallowed: they hold unpublished text.
    """
    keys.add(request, "list:articles")
    base = f"{request.scheme}://{request.get_host()}"
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        f"Sitemap: {base}{reverse('sitemap_index')}",
    ]
    if _recent_news().exists():  # listed only while it has entries (see news_sitemap)
        lines.append(f"Sitemap: {base}{reverse('sitemap_news')}")

    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
