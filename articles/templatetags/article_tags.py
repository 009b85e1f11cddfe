from django import template

from articles.images import srcset

register = template.Library()


@register.simple_tag
def srcset_for(image, fmt):
    """`srcset` for one format from prefetched renditions; empty until the worker ran."""
    return srcset(image, fmt)
