"""Coverage pieces that core templates pull in, so articles never imports coverage."""

from django import template

from coverage.selectors import homepage_stories, related_coverage_for_article

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
