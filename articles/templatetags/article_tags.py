from django import template

from articles import fragments
from articles.images import srcset

register = template.Library()


@register.simple_tag
def srcset_for(image, fmt):
    """`srcset` for one format from prefetched renditions; empty until the worker ran."""
    return srcset(image, fmt)


@register.simple_tag
def article_card(article):
    """`articles/_card.html` for ``article``, from the fragment cache when this version of
    the card was rendered before (see articles/fragments.py)."""
    return fragments.article_card(article)
