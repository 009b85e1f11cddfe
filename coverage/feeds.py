"""A story's feed: every article that joins it, as outlets report."""

from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from articles.feeds import FEED_SIZE, LatestArticlesFeed

from .models import Story
from .selectors import story_articles


class StoryFeed(LatestArticlesFeed):
    def page_keys(self, obj) -> list[str]:
        return [f"story:{obj.pk}"]

    def get_object(self, request, pk):
        return get_object_or_404(Story, pk=pk)

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

    def subtitle(self, obj):
        return self.description(obj)
