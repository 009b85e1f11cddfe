"""schema.org for the story page: a CollectionPage whose main entity is the list of
NewsArticles on this page, from several publishers.

Built from what the page already loaded (articles, outlets, bylines): no extra queries.
Items carry the outlet's logo or the site's image, not each article's own image, which
the story page does not load. The page's own URL (``@id``, ``url``) is left to the
caller: it is the request's canonical URL, while the rest is the same for every reader
of that page of the story (a part of the page, pagecache/parts.py).
"""

from __future__ import annotations

from django.templatetags.static import static

from articles.structured_data import PUBLISHER, SITE_IMAGE
from articles.templatetags.dates import isodatetime_string


def story_jsonld(*, page, request) -> dict:
    """The page's CollectionPage, without its own URL."""
    absolute = _PageUrls(request.build_absolute_uri)
    story = page.story
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "item": _news_article(entry.article, absolute),
        }
        for position, entry in enumerate(page.entries, start=page.page.start_index())
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": story.title,
        "description": story.summary or f"Every outlet's coverage of “{story.title}”.",
        "isPartOf": {"@type": "WebSite", "name": PUBLISHER["name"], "url": absolute("/")},
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": page.article_count,
            "itemListOrder": "https://schema.org/ItemListOrderAscending",
            "itemListElement": items,
        },
    }
    if story.last_updated_at:
        data["dateModified"] = isodatetime_string(story.last_updated_at)
    return data


class _PageUrls:
    """Absolute URLs for one page, each made once: 30 articles share a few outlets, the
    site's image and some authors (their pages were reversed once per article)."""

    def __init__(self, absolute):
        self.absolute = absolute
        self.made: dict = {}

    def __call__(self, location: str) -> str:
        url = self.made.get(location)
        if url is None:
            url = self.made[location] = self.absolute(location)
        return url

    def static(self, path: str) -> str:
        url = self.made.get(("static", path))
        if url is None:
            url = self.made[("static", path)] = self.absolute(static(path))
        return url

    def of(self, instance) -> str:
        key = (type(instance), instance.pk)
        url = self.made.get(key)
        if url is None:
            url = self.made[key] = self.absolute(instance.get_absolute_url())
        return url


def _news_article(article, absolute: _PageUrls) -> dict:
    outlet = article.outlet
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": outlet.name if outlet else PUBLISHER["name"],
    }
    outlet_url = absolute.of(outlet) if outlet else absolute("/")
    publisher["url"] = outlet_url
    authors = [
        {"@type": "Person", "name": b.name, "url": absolute.of(b.person)}
        if b.person_id
        else {"@type": "Organization", "name": b.name, "url": outlet_url}
        for b in article.bylines.all()
    ] or [{"@type": "Organization", "name": publisher["name"], "url": outlet_url}]
    image = absolute(outlet.logo.url) if outlet and outlet.logo else absolute.static(SITE_IMAGE)
    data = {
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "url": absolute(article.get_absolute_url()),
        "publisher": publisher,
        "author": authors,
        "image": [image],
    }
    if article.published_at:
        data["datePublished"] = isodatetime_string(article.published_at)
    return data
