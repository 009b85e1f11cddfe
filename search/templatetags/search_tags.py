from urllib.parse import urlencode

from django import template

register = template.Library()


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
