"""`{% query_with %}` gives the links QueryDict.urlencode() gave, read once per request."""

import pytest
from django.template import Context
from django.test import RequestFactory
from django.utils.html import escape

from search.templatetags.search_tags import facet_list, query_with


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


@pytest.mark.parametrize(
    "params",
    [
        {"q": "ferry"},
        {"q": "ferry strike & co/ß", "section": "uk", "page": "3", "tag": ["a", "b"]},
        {"section": "uk", "q": "ferry", "section2": "x"},
        {"page": "2", "person": ["a", "b"], "q": "<ferry>"},
    ],
)
def test_facet_links_are_query_with_links(params):
    facets = [
        {"slug": "zoë-ünal", "name": "Zoë <Ünal>", "count": 3},
        {"slug": "uk", "name": "UK", "count": 1},
    ]
    context = Context({"request": RequestFactory().get("/search/", params)})
    for name in ("section", "person", "place"):
        html = facet_list(context, facets, name, "uk")
        expected = "".join(
            f'<li><a href="{escape(query_with(context, **{name: facet["slug"]}))}"'
            f"{' aria-current="true"' if facet['slug'] == 'uk' else ''}>"
            f"{escape(facet['name'])}</a> ({facet['count']})</li>"
            for facet in facets
        )
        assert html == f"<ul>{expected}</ul>"
