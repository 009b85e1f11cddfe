"""RSS and Atom feeds of the articles that name a person, place or event."""

from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from articles.feeds import FEED_SIZE, LatestArticlesFeed
from entities.models import Event, Person, Place

from .selectors import entity_articles


class EntityFeed(LatestArticlesFeed):
    """Articles naming a person, place or event (a person's also include their bylines)."""

    kind = "person"

    def page_keys(self, obj) -> list[str]:
        return [f"{obj.kind}:{obj.pk}", f"list:{obj.kind}:{obj.pk}"]

    def get_object(self, request, slug):
        model = {"person": Person, "place": Place, "event": Event}[self.kind]
        return get_object_or_404(model, slug=slug)

    def title(self, obj):
        return f"Newsroom: {obj.name}"

    def description(self, obj):
        return f"The latest articles about {obj.name} on Newsroom."

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return entity_articles(entity=obj)

    def items(self, obj=None):
        return self.articles(obj).exclude(published_at=None)[:FEED_SIZE]


class EntityAtomFeed(EntityFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


def entity_feed(kind: str, atom: bool = False):
    return type(f"{kind.title()}Feed", (EntityAtomFeed if atom else EntityFeed,), {"kind": kind})()
