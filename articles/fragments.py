"""Fragments rendered once per version of what they show, then read from memory.

The card (``articles/_card.html``) repeats on the home page, section, tag, outlet and
person pages, search results and story pages: 20 to 30 a page, about a quarter of the
home page's render time before this. A card is cached under a key made of everything
it shows (headline, dek, flags, date and its precision, the outlet's name and logo, the
byline names, the URL's slug) and of the template it was rendered with. An edit, a
correction of the headline, a byline change or an outlet rename therefore changes the
key: no write has to delete anything, and a stale card cannot be served. That is why
the cache can be each process's own memory (the "fragments" cache, see settings).

Other repeated pieces of the story page (why each article was grouped, the timeline
chart, the comparison table) are kept the same way with ``render_cached``, keyed on the
plain data their templates read.

Whoever adds a field to ``_card.html`` adds it to ``card_shown`` too;
``articles/tests/test_fragments.py`` holds the fields listed here to the card's output.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

CARD_TEMPLATE = "articles/_card.html"
CACHE_ALIAS = "fragments"


def fragment_cache():
    return caches[CACHE_ALIAS]


def _template_token(template) -> str:
    """A token for this compiled template: the cached loader compiles it again after a
    change (runserver's autoreload, a deploy), and the new copy gets a new token, so
    cards rendered with the old markup are not reused."""
    compiled = template.template
    token = getattr(compiled, "fragment_token", None)
    if token is None:
        token = compiled.fragment_token = uuid.uuid4().hex
    return token


def fragment_key(name: str, template, shown) -> str:
    """``shown``: a value whose repr holds everything the fragment's template reads."""
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"{name}:{_template_token(template)}:{digest}"


def render_cached(template_name: str, context: dict, *, shown) -> SafeString:
    """``template_name`` rendered with ``context``, or its earlier rendering with the same
    ``shown``. The caller's ``shown`` must cover everything the template reads from
    ``context``: plain data (dataclasses, strings, numbers), never a model instance,
    whose repr shows only its name."""
    template = get_template(template_name)
    key = fragment_key(template_name, template, shown)
    cache = fragment_cache()
    html = cache.get(key)
    if html is None:
        html = template.render(context)
        cache.set(key, html)
    # The template's own output, autoescaped when it was rendered.
    return mark_safe(html)  # noqa: S308


def card_shown(article) -> tuple:
    """Everything ``_card.html`` reads. Bylines come from the prefetch of
    ``ArticleQuerySet.for_listing`` (no query)."""
    outlet = article.outlet
    return (
        article.pk,
        article.slug,
        article.headline,
        article.is_headline_provisional,
        article.dek,
        article.published_at.isoformat() if article.published_at else None,
        article.published_at_precision,
        (outlet.pk, outlet.name, outlet.logo.name or "") if outlet else None,
        tuple(byline.name for byline in article.bylines.all()),
    )


def card_key(article, template) -> str:
    return fragment_key(CARD_TEMPLATE, template, card_shown(article))


def article_card(article) -> SafeString:
    return render_cached(CARD_TEMPLATE, {"article": article}, shown=card_shown(article))
