"""``{% site_url 'home' %}``: ``{% url %}`` for the links every page's header and footer
repeat, reversed once per process.

The chrome (base.html) reversed 17 URLs on every page, about a fifth of an empty page's
render. A URL depends on the view's name and arguments, the URLconf and the script
prefix, and nothing else here (no language prefixes): all of them are the key
(``pagecache.urls.cached_reverse``).
"""

from django import template

from pagecache.urls import cached_reverse

register = template.Library()


@register.simple_tag
def site_url(viewname, *args):
    """The URL ``{% url viewname *args %}`` gives, escaped like it."""
    return cached_reverse(viewname, args=args)
