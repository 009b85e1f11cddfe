"""Coverage pieces that core templates pull in, so articles never imports coverage."""

from django import template

from coverage.selectors import stories_for_homepage, story_for_article, story_for_page

register = template.Library()


@register.inclusion_tag("coverage/_top_stories.html")
def top_stories(limit=10):
    return {"stories": stories_for_homepage(limit=limit)}


@register.inclusion_tag("coverage/_related_coverage.html")
def related_coverage(article, limit=5):
    story = story_for_article(article=article)
    others = []
    if story is not None:
        others = [a for a in story_for_page(story=story) if a.pk != article.pk][:limit]
    return {"story": story, "others": others, "article": article}
