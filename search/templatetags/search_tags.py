import html
from urllib.parse import quote_plus, urlencode

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()
CURRENT = mark_safe(' aria-current="true"')


def _base(request) -> dict[str, list[str]]:
    base = getattr(request, "_query_with_base", None)
    if base is None:
        base = request._query_with_base = dict(request.GET.lists())
    return base


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (page, facets).

    The search page asks for about sixty of these (pager and facet links): the request's
    parameters are read once per request, not copied as a QueryDict each time. The
    output is ``QueryDict.urlencode()``'s: each pair quoted with ``quote_plus``, in order.
    """
    params = dict(_base(context["request"]))
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
    current query string, as ``query_with`` links), the one the reader chose
    (``current``) marked as current.

    In Python rather than a loop in the template: the facets are about forty links on
    every search page, about 1.5 ms of template rendering once the results themselves
    come from a part (search/parts.py). Each link is the query string around ``name``
    (encoded and escaped once) with the facet's slug in its place, which is what
    ``query_with`` gives: urlencode() encodes each pair on its own. Counts are at most
    CANDIDATES (500), so they have no thousands separator to localise.
    """
    before, after = _around(context, name)
    before += f"{quote_plus(name)}="
    # Slugs quoted have nothing to escape; names are escaped as {{ }} escapes them.
    items = [
        f'<li><a href="?{before}{quote_plus(facet["slug"])}{after}"'
        f"{CURRENT if facet['slug'] == current else ''}>{html.escape(facet['name'])}</a>"
        f" ({int(facet['count'])})</li>"
        for facet in facets
    ]
    return mark_safe(f"<ul>{''.join(items)}</ul>")  # noqa: S308 (escaped above)


def _around(context, name: str) -> tuple[str, str]:
    """The current query string without ``page``, before and after the place of ``name``
    (where it is, else at the end), encoded and escaped, each with its ``&``."""
    params = {key: values for key, values in _base(context["request"]).items() if key != "page"}
    keys = list(params)
    at = keys.index(name) if name in params else len(keys)

    def encoded(names):
        return urlencode([(key, value) for key in names for value in params[key]])

    before, after = encoded(keys[:at]), encoded(keys[at + 1 :])
    return escape(f"{before}&") if before else "", escape(f"&{after}") if after else ""
