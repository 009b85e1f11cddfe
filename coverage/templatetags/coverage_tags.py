"""Coverage pieces that core templates pull in, so articles never imports coverage."""

from django import template

from coverage.selectors import related_coverage_for_article, stories_for_homepage

register = template.Library()


@register.inclusion_tag("coverage/_top_stories.html")
def top_stories(limit=10):
    return {"stories": stories_for_homepage(limit=limit)}


@register.inclusion_tag("coverage/_related_coverage.html")
def related_coverage(article, limit=5):
    related = related_coverage_for_article(article=article, limit=limit)
    return {
        "story": related.story,
        "others": related.others,
        "article": article,
        "article_count": related.article_count,
    }
