from urllib.parse import urlencode

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
CURRENT = mark_safe(' aria-current="true"')


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (page, facets).

    The search page asks for about sixty of these (pager and facet links): the request's
    parameters are read once per request, not copied as a QueryDict each time. The
    output is ``QueryDict.urlencode()``'s: each pair quoted with ``quote_plus``, in order.
    """
    request = context["request"]
    base = getattr(request, "_query_with_base", None)
    if base is None:
        base = request._query_with_base = dict(request.GET.lists())
    params = dict(base)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = [value]
    if "page" not in changes:
        params.pop("page", None)
    return "?" + urlencode([(key, value) for key, values in params.items() for value in values])


@register.simple_tag(takes_context=True)
def facet_list(context, facets, name: str, current):
    """``<ul>`` of links narrowing the results to each of ``facets`` (``name=slug`` in the
    current query string), the one the reader chose (``current``) marked as current.

    In Python rather than a loop in the template: the facets are about forty links on
    every search page, about 1.5 ms of template rendering once the results themselves
    come from a part (search/views.py). Counts are at most CANDIDATES (500), so they
    have no thousands separator to localise.
    """
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}"{}>{}</a> ({})</li>',
            (
                (
                    query_with(context, **{name: facet["slug"]}),
                    CURRENT if facet["slug"] == current else "",
                    facet["name"],
                    facet["count"],
                )
                for facet in facets
            ),
        ),
    )
