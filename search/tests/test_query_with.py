"""`{% query_with %}` gives the links QueryDict.urlencode() gave, read once per request."""

import pytest
from django.template import Context
from django.test import RequestFactory

from search.templatetags.search_tags import query_with


def querydict_version(request, **changes):
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    return "?" + params.urlencode()


@pytest.mark.parametrize(
    "changes",
    [
        {"page": 2},
        {"section": "world"},
        {"outlet": "the-times", "page": ""},
        {"section": "", "outlet": "", "person": "", "place": ""},
        {"person": "zoë-ünal"},
    ],
)
def test_links_match_the_querydict_encoding(changes):
    request = RequestFactory().get(
        "/search/", {"q": "ferry strike & co/ß", "section": "uk", "page": "3", "tag": ["a", "b"]}
    )
    context = Context({"request": request})
    for _ in range(2):  # the second call reads the parameters kept on the request
        assert query_with(context, **changes) == querydict_version(request, **changes)
