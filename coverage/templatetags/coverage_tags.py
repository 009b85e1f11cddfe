"""Coverage pieces that core templates pull in, so articles never imports coverage."""

from django import template

from articles.models import Article
from coverage.selectors import homepage_stories, related_coverage_for_article, stories_covering
from mentions.selectors import entity_articles

register = template.Library()


@register.inclusion_tag("coverage/_top_stories.html")
def top_stories(limit=10):
    """The lead story, then ``limit`` top stories."""
    stories = homepage_stories(limit=limit)
    return {"lead": stories.lead, "lead_image": stories.lead_image, "stories": stories.others}


@register.inclusion_tag("coverage/_related_coverage.html")
def related_coverage(article, limit=5):
    related = related_coverage_for_article(article=article, limit=limit)
    return {
        "story": related.story,
        "others": related.others,
        "article": article,
        "article_count": related.article_count,
    }


@register.inclusion_tag("coverage/_story_list.html")
def outlet_stories(outlet, limit=10):
    """The stories the outlet's visible articles belong to, most recently updated first
    (1 query). The outlet page is in sources, below coverage: it pulls this in."""
    return {
        "stories": stories_covering(articles=Article.objects.filter(outlet=outlet), limit=limit),
        "heading": "Stories it covered",
        "heading_id": "outlet-stories-heading",
    }


@register.inclusion_tag("coverage/_story_list.html")
def entity_stories(entity, limit=10):
    """The stories of the articles an entity page lists (1 query). The entity pages are
    in mentions, below coverage: they pull this in."""
    return {
        "stories": stories_covering(articles=entity_articles(entity=entity), limit=limit),
        "heading": "Stories",
        "heading_id": "stories-heading",
    }
