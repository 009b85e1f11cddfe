"""A story's feed: every article that joins it, as outlets report."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.feeds import FEED_SIZE, LatestArticlesFeed

from .models import Story, StoryRedirect
from .selectors import story_articles


class StoryFeed(LatestArticlesFeed):
    url_name = "coverage:story_rss"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            # A subscription to a story merged away follows it, as its page does.
            if target := StoryRedirect.objects.target_of(kwargs["pk"]):
                return redirect(reverse(self.url_name, args=[target.pk]), permanent=True)
            raise

    def page_keys(self, obj) -> list[str]:
        return [f"story:{obj.pk}"]

    def get_object(self, request, pk):
        return get_object_or_404(Story.objects.with_visible_members(), pk=pk)

    def title(self, obj):
        return f"Newsroom story: {obj.title}"

    def description(self, obj):
        return f"Every outlet's coverage of “{obj.title}” on Newsroom, newest first."

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return story_articles(story=obj)

    def items(self, obj=None):
        articles = self.articles(obj).exclude(published_at=None)  # see LatestArticlesFeed
        return articles.for_listing().latest_first()[:FEED_SIZE]


class StoryAtomFeed(StoryFeed):
    feed_type = Atom1Feed
    url_name = "coverage:story_atom"

    def subtitle(self, obj):
        return self.description(obj)
