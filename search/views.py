import hashlib
import json
from dataclasses import astuple, dataclass
from typing import Any, cast

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.paginator import Page
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.throttling import requests_this_minute
from entities.selectors import entity_suggestions
from pagecache import keys
from pagecache.parts import cached_part

from .forms import SearchForm
from .selectors import SearchFilters, article_search, normalised_query

SUGGEST_LIMIT = 8
SUGGEST_MAX_QUERY = 100
# As in json_script: the JSON stays inert even if something renders it as HTML.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def search(request):
    """The form, and the results of its search: the results (the list, its count, the
    facets' counts) are the same for every reader of the same search, so they are kept
    as a part (pagecache/parts.py) named by the normalised query, filters and page; the
    form and the links (they carry the reader's own query string) are rendered around it.
    """
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        query = normalised_query(data["q"])
        filters = SearchFilters(
            section=data["section"],
            outlet=data["outlet"],
            person=data["person"],
            place=data["place"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        page_number = _page_number(request.GET.get("page"))
        results = cached_part(
            request,
            _results_part_name(query, filters, page_number),
            lambda: _shown_results(request, query=query, filters=filters, page_number=page_number),
        )
    return render(request, "search/search.html", {"form": form, "results": results})


def _page_number(value: str | None) -> int:
    """``?page=`` as the paginator reads it: not a whole number is page 1, below 1 is the
    last page (0 here), so that each page of results has one part name."""
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1
    return max(number, 0)


def _results_part_name(query: str, filters: SearchFilters, page_number: int) -> str:
    """A digest: a query is up to 200 characters of anything, a cache key is not."""
    search = json.dumps([query, *astuple(filters), page_number], default=str)
    return "search-results:" + hashlib.blake2b(search.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class ResultPages:
    """The pager's numbers (``Page``'s names, as the template reads them)."""

    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True)
class ShownResults:
    """What the page shows of one search, as plain data and the list's HTML (kept as a
    part: picklable, and the same for every reader)."""

    query: str
    searched_for: str
    count: int
    is_capped: bool
    cap_label: str
    page: ResultPages
    facets: dict[str, list[dict[str, Any]]]
    list_html: SafeString  # the heading and the ordered list of cards with snippets

    @property
    def was_corrected(self) -> bool:
        return self.searched_for.casefold() != self.query.casefold()


def _shown_results(
    request, *, query: str, filters: SearchFilters, page_number: int
) -> ShownResults:
    keys.add(request, "list:articles", "list:search-terms")  # results; corrected spelling
    results = article_search(query=query, filters=filters, page_number=page_number)
    page = cast(Page, results.page)  # a query was given: there is a page
    return ShownResults(
        query=results.query,
        searched_for=results.searched_for,
        count=results.count,
        is_capped=results.is_capped,
        cap_label=results.cap_label,
        page=ResultPages(number=page.number, num_pages=page.paginator.num_pages),
        facets=results.facets,
        list_html=render_to_string("search/_results.html", {"results": results}),
    )


def _json(data: dict, status: int = 200) -> HttpResponse:
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return HttpResponse(text, status=status, content_type="application/json")


def _over_rate_limit(request) -> bool:
    """More than SEARCH_SUGGEST_RATE_PER_MINUTE requests from this address this minute.

    The address is the one django-axes uses (behind a proxy, X-Forwarded-For as
    AXES_PROXY_COUNT says), so readers behind our own proxy are not one client.
    Responses the page cache serves never get here, and cost nothing anyway.
    """
    count, _ = requests_this_minute("suggest-rate", get_client_ip_address(request))
    return count > settings.SEARCH_SUGGEST_RATE_PER_MINUTE


def suggest(request):
    """People and places with a name (or alias) whose words start with the words the
    reader typed (``entities.selectors.entity_suggestions``), as JSON.

    For the search box (search/static/search/suggest.js); choosing one opens its page.
    ``q`` over SUGGEST_MAX_QUERY characters is refused (400): no name is that long.
    """
    # Names of people and places: new ones come with imports, renames purge everything.
    keys.add(request, "list:names")
    query = request.GET.get("q", "")
    if len(query) > SUGGEST_MAX_QUERY:
        return _json({"error": f"q is limited to {SUGGEST_MAX_QUERY} characters."}, 400)
    if _over_rate_limit(request):
        response = _json({"error": "Too many requests; try again in a minute."}, 429)
        response["Retry-After"] = "60"
        return response
    suggestions = entity_suggestions(query=query, limit=SUGGEST_LIMIT)
    return _json(
        {
            "query": query,
            "results": [
                {
                    "name": s.entity.name,
                    "kind": s.entity.kind,
                    "description": getattr(s.entity, "role", "")
                    or (s.entity.get_place_kind_display() if s.entity.kind == "place" else ""),
                    "also": s.matched if s.is_other_name else "",
                    "url": s.entity.get_absolute_url(),
                }
                for s in suggestions
            ],
        }
    )
