"""Coverage pieces that core templates pull in, so articles never imports coverage."""

from django import template

from articles.models import Article
from coverage.selectors import homepage_stories, related_coverage_for_article, stories_covering
from mentions.selectors import entity_articles
from pagecache import keys

register = template.Library()


@register.inclusion_tag("coverage/_top_stories.html", takes_context=True)
def top_stories(context, limit=10):
    """The lead story, then ``limit`` top stories."""
    keys.add(context.get("request"), "list:stories")
    stories = homepage_stories(limit=limit)
    return {"lead": stories.lead, "lead_image": stories.lead_image, "stories": stories.others}


@register.inclusion_tag("coverage/_related_coverage.html", takes_context=True)
def related_coverage(context, article, limit=5):
    """The article's story and its other articles: the page then names the story's key,
    which any change of its members bumps (the tag is Python, so templates need not)."""
    related = related_coverage_for_article(article=article, limit=limit)
    if related.story is not None:
        keys.add(context.get("request"), f"story:{related.story.pk}")
    return {
        "story": related.story,
        "others": related.others,
        "article": article,
        "article_count": related.article_count,
    }


def _listed(context, stories):
    """Stories listed by title: the page names each one's key."""
    stories = list(stories)
    keys.add(context.get("request"), *(f"story:{story.pk}" for story in stories))
    return stories


@register.inclusion_tag("coverage/_story_list.html", takes_context=True)
def outlet_stories(context, outlet, limit=10):
    """The stories the outlet's visible articles belong to, most recently updated first
    (1 query). The outlet page is in sources, below coverage: it pulls this in."""
    articles = Article.objects.filter(outlet=outlet)
    return {
        "stories": _listed(context, stories_covering(articles=articles, limit=limit)),
        "heading": "Stories it covered",
        "heading_id": "outlet-stories-heading",
    }


@register.inclusion_tag("coverage/_story_list.html", takes_context=True)
def entity_stories(context, entity, limit=10):
    """The stories of the articles an entity page lists (1 query). The entity pages are
    in mentions, below coverage: they pull this in."""
    articles = entity_articles(entity=entity)
    return {
        "stories": _listed(context, stories_covering(articles=articles, limit=limit)),
        "heading": "Stories",
        "heading_id": "stories-heading",
    }
