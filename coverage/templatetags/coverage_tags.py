"""Coverage pieces that core templates pull in, so articles never imports coverage."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from articles.fragments import render_cached
from articles.templatetags.page_meta import canonical_url
from coverage.selectors import entity_stories as entity_stories_of
from coverage.selectors import homepage_stories, related_coverage_for_article
from coverage.selectors import outlet_stories as outlet_stories_of
from coverage.structured_data import story_jsonld as story_collection
from entities.jsonld import jsonld_script
from pagecache import keys
from pagecache.parts import cached_part
from pagecache.urls import cached_reverse
from sources.countries import country_name

register = template.Library()


def _story_card_shown(story) -> tuple:
    """What coverage/_top_stories.html reads of a story card (its URL, title, counts and
    outlets; the outlets are plain data, StoryOutlet)."""
    return (
        story.pk,
        story.slug,
        story.title,
        story.article_count,
        story.outlet_count,
        story.outlets,
    )


@register.simple_tag(takes_context=True)
def top_stories(context, limit=10):
    """The lead story, then ``limit`` top stories (3 queries). Their markup comes from the
    fragment cache while the stories, their counts and outlets, and the lead's picture
    are what they were at the last rendering.

    Keys: ``list:stories`` (regrouping, a story's dates or title) and each story shown
    (``story:<id>``, which any change to one of its members moves: a publish or
    withdrawal changes its counts, an edit its lead picture), so that the home page can
    keep this box as a part while the latest articles change."""
    stories = homepage_stories(limit=limit)
    lead, image = stories.lead, stories.lead_image
    shown_stories = ([lead] if lead else []) + list(stories.others)
    keys.add(
        context.get("request"),
        "list:stories",
        *(f"story:{story.pk}" for story in shown_stories),
    )
    shown = (
        lead and (_story_card_shown(lead), lead.summary, lead.last_updated_at),
        image and (image.pk, image.file.name, image.alt_text, image.width, image.height),
        [_story_card_shown(story) for story in stories.others],
    )
    data = {"lead": lead, "lead_image": image, "stories": stories.others}
    return render_cached("coverage/_top_stories.html", data, shown=shown)


@register.simple_tag(takes_context=True)
def related_coverage(context, article, limit=5):
    """The article's story and other outlets' takes (2 queries); the markup from the
    fragment cache while the story and the takes read as they did. The page names the
    story's key, which any change of its members bumps, ``article-stories:<id>``, which
    its joining or leaving a story bumps, and the article's (a change of its outlet,
    whose takes are left out): the article page keeps this as a part with these keys."""
    related = related_coverage_for_article(article=article, limit=limit)
    story = related.story
    keys.add(context.get("request"), f"article:{article.pk}", f"article-stories:{article.pk}")
    if story is not None:
        keys.add(context.get("request"), f"story:{story.pk}")
    shown = story and (
        (story.pk, story.slug, story.title, related.article_count),
        [
            (
                other.pk,
                other.slug,
                other.headline,
                other.published_at,
                other.published_at_precision,
                other.outlet and (other.outlet.name, other.outlet.logo.name or ""),
            )
            for other in related.others
        ],
    )
    data = {
        "story": story,
        "others": related.others,
        "article": article,
        "article_count": related.article_count,
    }
    return render_cached("coverage/_related_coverage.html", data, shown=shown)


def _listed(context, stories):
    """Stories listed by title: the page names each one's key."""
    stories = list(stories)
    keys.add(context.get("request"), *(f"story:{story.pk}" for story in stories))
    return stories


@register.inclusion_tag("coverage/_story_list.html", takes_context=True)
def outlet_stories(context, outlet, limit=10):
    """The stories the outlet's visible articles belong to, most recently updated first
    (1 query). The outlet page is in sources, below coverage: it pulls this in. Which
    stories they are follows the outlet's articles (``list:outlet:<pk>``)."""
    keys.add(context.get("request"), f"list:outlet:{outlet.pk}")
    return {
        "stories": _listed(context, outlet_stories_of(outlet=outlet, limit=limit)),
        "heading": "Stories it covered",
        "heading_id": "outlet-stories-heading",
    }


@register.inclusion_tag("coverage/_story_list.html", takes_context=True)
def entity_stories(context, entity, limit=10):
    """The stories of the articles an entity page lists (1 query). The entity pages are
    in mentions, below coverage: they pull this in. Which stories they are follows the
    entity's articles (``list:<kind>:<pk>``)."""
    keys.add(context.get("request"), f"list:{entity.kind}:{entity.pk}")
    return {
        "stories": _listed(context, entity_stories_of(entity=entity, limit=limit)),
        "heading": "Stories",
        "heading_id": "stories-heading",
    }


# The story page's repeated pieces, kept in the fragment cache under the data they show
# (articles/fragments.py): the same rendering is reused on the next request for the
# page, and on every page that shows the same article with the same explanation.


@register.simple_tag
def why_grouped(entry):
    """coverage/_why_grouped.html for a CoverageEntry."""
    membership = entry.membership
    shown = (
        membership.joined_by,
        membership.score,
        membership.explanation,
        [(name.name, name.url) for name in entry.shared_names],
    )
    return render_cached(
        "coverage/_why_grouped.html",
        {"membership": membership, "shared_names": entry.shared_names},
        shown=shown,
    )


@register.simple_tag
def timeline_chart(chart):
    """coverage/_timeline_chart.html: the chart is plain data (a dataclass), all of it shown."""
    return render_cached("coverage/_timeline_chart.html", {"chart": chart}, shown=chart)


@register.simple_tag
def comparison_table(page):
    """coverage/_comparison.html: the story page's "What each outlet reports" table."""
    context = {
        "columns": page.comparison_columns,
        "rows": page.comparison,
        "is_paged": page.page.has_other_pages(),
    }
    return render_cached("coverage/_comparison.html", context, shown=context)


@register.simple_tag
def story_feed_url(story, feed: str) -> str:
    """``{% url "coverage:story_<feed>" story.pk %}`` (``rss`` or ``atom``), from memory
    after the first time (two reverses were about 40 µs of a kept page's 1.6 ms)."""
    return cached_reverse(f"coverage:story_{feed}", args=(story.pk,))


@register.simple_tag(takes_context=True)
def story_jsonld(context, page) -> SafeString:
    """The story page's JSON-LD (coverage/structured_data.py), kept as a part of the
    page per page of the pager, serialised, for that page's canonical URL. A request
    whose canonical URL reads otherwise (``?page=02``, ``?q=…``) gets its own, not
    kept: the part must not show what the request asked for."""
    request = context["request"]
    story = page.story

    def script(url: str) -> SafeString:
        collection = story_collection(page=page, request=request)
        return jsonld_script({**collection, "@id": url, "url": url})

    url = canonical_url(request)
    key = page.pager_key
    path = story.get_absolute_url() + ("" if key == "1" else f"?page={key}")
    if url != request.build_absolute_uri(path):
        return script(url)

    def render() -> str:
        keys.add(request, f"story:{story.pk}")
        return str(script(url))

    # The script's own output (jsonld_script escapes what could end the element).
    return mark_safe(cached_part(request, f"story-jsonld:{story.pk}:{key}", render))  # noqa: S308


@register.filter
def country_label(code: str) -> str:
    """A country's name for readers ("PK" -> "Pakistan"); anything else as it is (the
    "Country not recorded" placeholder). The data keep the code: the API shows it."""
    return country_name(code) or code
