"""schema.org NewsArticle and BreadcrumbList for the article page (Google's fields)."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse

from .models import Article

PUBLISHER = {"name": "Newsroom", "logo": "img/logo.png"}
SITE_IMAGE = "img/share.png"  # 1200×630: the image of last resort for sharing and NewsArticle


def article_jsonld(*, article: Article, request) -> list[dict]:
    absolute = request.build_absolute_uri
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline[:110],
        "author": [_author(byline, article, absolute) for byline in article.bylines.all()]
        or [_outlet_as_author(article, absolute)],
        "publisher": _publisher(article, absolute),
        "image": article_image_urls(article=article, absolute=absolute),
    }
    # Dates only as the source gave them: an undated import has neither (both optional);
    # the import time would be an invented date.
    if article.published_at:
        # A date-only source stays a date (schema.org allows it): no invented midnight.
        data["datePublished"] = article.published_at_machine
    if article.last_changed_at:
        data["dateModified"] = article.last_changed_at_machine
    if article.dek:
        data["description"] = article.dek
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if article.canonical_url:
        data["isBasedOn"] = article.canonical_url
    return [data, _breadcrumbs(article, absolute)]


def article_image_urls(*, article: Article, absolute) -> list[str]:
    """The article's images, else its outlet's logo, else the site's image: never none."""
    images = [p.image for p in article.images.all() if p.image]
    if images:
        return [absolute(image.file.url) for image in images]
    if article.outlet and article.outlet.logo:
        return [absolute(article.outlet.logo.url)]
    return [absolute(static(SITE_IMAGE))]


def _author(byline, article: Article, absolute) -> dict:
    if byline.person_id:
        return {
            "@type": "Person",
            "name": byline.name,
            "url": absolute(byline.person.get_absolute_url()),
        }
    # A desk credit ("Desk Report") speaks for the outlet: its page here is the URL.
    return {"@type": "Organization", "name": byline.name, "url": _outlet_url(article, absolute)}


def _outlet_as_author(article: Article, absolute) -> dict:
    name = article.outlet.name if article.outlet else PUBLISHER["name"]
    return {"@type": "Organization", "name": name, "url": _outlet_url(article, absolute)}


def _outlet_url(article: Article, absolute) -> str:
    return absolute(article.outlet.get_absolute_url() if article.outlet else "/")


def _publisher(article: Article, absolute) -> dict:
    if article.outlet:
        publisher = {"@type": "NewsMediaOrganization", "name": article.outlet.name}
        if article.outlet.homepage:
            publisher["url"] = article.outlet.homepage
        return publisher
    return {
        "@type": "NewsMediaOrganization",
        "name": PUBLISHER["name"],
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(static(PUBLISHER["logo"]))},
    }


def _breadcrumbs(article: Article, absolute) -> dict:
    crumbs = [("Home", absolute("/"))]
    if article.section:
        crumbs.append(
            (
                article.section.name,
                absolute(reverse("articles:section", args=[article.section.slug])),
            )
        )
    crumbs.append((article.headline[:110], absolute(article.get_absolute_url())))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(crumbs, start=1)
        ],
    }
