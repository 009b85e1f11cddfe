"""schema.org NewsArticle and BreadcrumbList for the article page (Google's fields)."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse

from .models import Article

PUBLISHER = {"name": "Newsroom", "logo": "img/logo.png"}


def article_jsonld(*, article: Article, request) -> list[dict]:
    absolute = request.build_absolute_uri
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline[:110],
        # Undated imports: the time the page went up here, not a guessed source date.
        # A date-only source stays a date (schema.org allows it): no invented time.
        "datePublished": article.published_at_machine
        or (article.first_published_at or article.created_at).isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": [_author(byline, absolute) for byline in article.bylines.all()],
        "publisher": _publisher(article, absolute),
    }
    if article.dek:
        data["description"] = article.dek
    images = [p.image for p in article.images.all() if p.image]
    if images:
        data["image"] = [absolute(image.file.url) for image in images]
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if article.canonical_url:
        data["isBasedOn"] = article.canonical_url
    return [data, _breadcrumbs(article, absolute)]


def _author(byline, absolute) -> dict:
    if byline.person_id:
        return {
            "@type": "Person",
            "name": byline.name,
            "url": absolute(byline.person.get_absolute_url()),
        }
    return {"@type": "Organization", "name": byline.name}


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
