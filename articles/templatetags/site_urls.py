"""``{% site_url 'home' %}``: ``{% url %}`` for the links every page's header and footer
repeat, reversed once per process.

The chrome (base.html) reversed 17 URLs on every page, about a fifth of an empty page's
render. A URL depends on the view's name and arguments, the URLconf and the script
prefix, and nothing else here (no language prefixes): all of them are the key.
"""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=512)
def _reversed(urlconf: str, prefix: str, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


@register.simple_tag
def site_url(viewname, *args):
    """The URL ``{% url viewname *args %}`` gives, escaped like it."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(urlconf, get_script_prefix(), viewname, args)
