"""RSS and Atom feeds of published articles: latest, per section, per tag."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from taggit.models import Tag

from pagecache import keys

from .models import Article, Section

FEED_SIZE = 30
SITE_DESK = "Newsroom"  # the author of record for an article with no byline and no outlet


class LatestArticlesFeed(Feed):
    title = "Newsroom: latest articles"
    description = "The latest articles on Newsroom, from every outlet we follow."

    def link(self):
        return reverse("home")

    def page_keys(self, obj) -> list[str]:
        """What the feed lists, for the page cache (pagecache/keys.py)."""
        return ["list:articles"]

    def get_feed(self, obj, request):
        keys.add(request, *self.page_keys(obj))
        return super().get_feed(obj, request)

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        # Undated articles stay out: Atom needs a date per entry, and the import time
        # would be an invented one.
        return (
            self.articles(obj).exclude(published_at=None).for_listing().latest_first()[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.dek or item.body_text[:400]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_changed_at

    def item_author_name(self, item):
        """Atom (RFC 4287) needs an author: the bylines, else the outlet, else our desk."""
        bylines = ", ".join(b.name for b in item.bylines.all())
        return bylines or (item.outlet.name if item.outlet else SITE_DESK)

    def item_categories(self, item):
        return [item.section.name] if item.section else []

    def item_guid(self, item):
        return f"newsroom:article:{item.pk}"

    item_guid_is_permalink = False


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    def page_keys(self, obj) -> list[str]:
        return [f"section:{obj.pk}", "list:articles"]

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"Newsroom: {obj.name}"

    def description(self, obj):
        return f"The latest {obj.name} articles on Newsroom."

    def link(self, obj):
        return reverse("articles:section", args=[obj.slug])

    def articles(self, obj):
        return Article.objects.published().filter(section=obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class TagFeed(LatestArticlesFeed):
    def page_keys(self, obj) -> list[str]:
        return [f"tag:{obj.pk}", "list:articles"]

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"Newsroom: articles tagged {obj.name}"

    def description(self, obj):
        return f"The latest articles tagged {obj.name} on Newsroom."

    def link(self, obj):
        return reverse("articles:tag", args=[obj.slug])

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
