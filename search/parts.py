"""The search page's results as a part of the page (pagecache/parts.py, issue 19).

A search shows the same results to every reader who runs it: the heading and count, the
cards with their snippets, the corrected spelling, the pager's and the facets' numbers.
They are kept as one part named by the normalised query, the filters and the page, so
that a miss (the page's own entry stale or never stored: another reader's query string,
a header change) renders only the form and the links around them. The part's value is
plain data and the list's HTML (``ShownResults``): the links carry the reader's own
query string and the form echoes what they typed, so those stay outside it.

The part registers the keys the page registered before: ``list:articles`` (the results)
and ``list:search-terms`` (the spelling correction's vocabulary).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, astuple, dataclass
from typing import Any, cast

from django.core.paginator import Page
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.selectors import page_number
from pagecache import keys
from pagecache.parts import cached_part

from .selectors import SearchFilters, article_search, normalised_query


def search_results(
    request, *, query: str, filters: SearchFilters, page: str | None
) -> ShownResults:
    """What the page shows of this search, from the part while its keys are unchanged."""
    query = normalised_query(query)
    number = page_number(page)
    kept = cached_part(
        request,
        results_part_name(query, filters, number),
        lambda: shown_results(request, query=query, filters=filters, page_number=number).as_kept(),
    )
    return ShownResults.from_kept(kept)


def results_part_name(query: str, filters: SearchFilters, page_number: int) -> str:
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
    """What the page shows of one search, as plain data and the list's HTML.

    Kept as a dict of Python's and Django's own types (``as_kept``), not as this class:
    a part written by another version of this module (during a rolling deploy, before
    the purge) then still loads, where a pickled class that moved would fail the page.
    """

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

    def as_kept(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_kept(cls, kept: dict[str, Any]) -> ShownResults:
        return cls(**{**kept, "page": ResultPages(**kept["page"])})


def shown_results(request, *, query: str, filters: SearchFilters, page_number: int) -> ShownResults:
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
