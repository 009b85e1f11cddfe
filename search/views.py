import json

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from accounts.throttling import requests_this_minute
from entities.selectors import entity_suggestions
from pagecache import keys

from .forms import SearchForm
from .parts import search_results
from .selectors import SearchFilters

SUGGEST_LIMIT = 8
SUGGEST_MAX_QUERY = 100
# As in json_script: the JSON stays inert even if something renders it as HTML.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def search(request):
    """The form, and the results of its search (kept as a part, search/parts.py); the
    form and the links around the results (they carry the reader's own query string)
    are rendered for each request."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        results = search_results(
            request,
            query=data["q"],
            filters=SearchFilters(
                section=data["section"],
                outlet=data["outlet"],
                person=data["person"],
                place=data["place"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            ),
            page=request.GET.get("page"),
        )
    return render(request, "search/search.html", {"form": form, "results": results})


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
