"""The search page's results are a part (search/parts.py, pagecache/parts.py, issue 19).

A miss renders the form and the links around the kept results, which are searched again
only after a write to what they show. Requests go through the real middleware with the
test client; the page's own entry is dropped between requests, as a write elsewhere on
the page would make it stale.
"""

import io
import pickle
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory
from pagecache.generation import cache
from search import selectors
from search.parts import results_part_name
from search.selectors import SearchFilters
from search.services import search_terms_rebuild
from tests.page_misses import miss, without_nonce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]
SEARCH = reverse("search:search")


@pytest.fixture
def ferries(committed):
    return committed(
        lambda: [ArticleFactory(headline=f"Ferry timetable changes, part {n}") for n in range(3)]
    )


def searches(queries) -> list[str]:
    """Queries of the search itself: the articles, their snippets and the facets."""
    return [q["sql"] for q in queries if "articles_article" in q["sql"]]


def results_list(page: str) -> str:
    return re.search(r'<ol class="article-list">.*?</ol>', page, re.DOTALL).group(0)


def section_nav_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "articles_section"' in q["sql"]]


def test_a_second_miss_shows_the_same_results_without_searching_again(client, ferries):
    with CaptureQueriesContext(connection) as first_queries:
        first = miss(client, SEARCH, {"q": "ferry"})
    with CaptureQueriesContext(connection) as second_queries:
        second = miss(client, SEARCH, {"q": "ferry"})
    assert without_nonce(second) == without_nonce(first)
    assert second.text.count('class="card"') == 3
    assert searches(first_queries.captured_queries)
    assert searches(second_queries.captured_queries) == []
    assert len(second_queries) < len(first_queries)
    assert {"list:articles", "list:search-terms"} <= set(second["xkey"].split())


def test_publishing_and_unpublishing_reach_the_next_miss(client, ferries, committed):
    miss(client, SEARCH, {"q": "ferry"})
    draft = ArticleFactory(headline="Night ferry returns", status=Article.Status.DRAFT)
    editor = UserFactory(role="editor")
    committed(lambda: workflow.article_publish(article=draft, by=editor))
    page = miss(client, SEARCH, {"q": "ferry"}).text
    assert "Night ferry returns" in page
    assert "4 results" in page
    committed(lambda: workflow.article_unpublish(article=ferries[0], by=editor))
    page = miss(client, SEARCH, {"q": "ferry"}).text
    assert ferries[0].headline not in page
    assert "3 results" in page


def test_a_new_vocabulary_re_renders_the_results_and_keeps_the_header(client, ferries, committed):
    """A rebuilt vocabulary may correct the spelling differently: the results are
    searched again, while the header (its own part) is not read again."""
    miss(client, SEARCH, {"q": "ferry"})
    committed(search_terms_rebuild)
    with CaptureQueriesContext(connection) as queries:
        page = miss(client, SEARCH, {"q": "ferry"}).text
    assert "3 results" in page
    assert searches(queries.captured_queries)
    assert section_nav_queries(queries.captured_queries) == []


def test_readers_of_the_same_search_share_the_results_and_keep_their_own_links(client, committed):
    sport = Section.objects.create(name="Sport", slug="sport")
    committed(lambda: ArticleFactory(headline="Ferry strike", section=sport))
    miss(client, SEARCH, {"q": "ferry"})
    with CaptureQueriesContext(connection) as queries:
        page = miss(client, SEARCH, {"q": "  ferry ", "ref": "mail"}).text
    assert searches(queries.captured_queries) == []  # the same search, normalised
    assert 'value="  ferry "' in page  # the form shows what this reader typed
    assert 'href="?q=++ferry+&amp;ref=mail&amp;section=' in page  # their own facet links


def test_each_page_of_results_is_its_own_part(client, committed, monkeypatch):
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    committed(lambda: [ArticleFactory(headline=f"Ferry news {n}") for n in range(3)])
    first, second = (miss(client, SEARCH, {"q": "ferry", "page": n}).text for n in (1, 2))
    assert first.count('class="card"') == 2 and second.count('class="card"') == 1
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    not_a_number = miss(client, SEARCH, {"q": "ferry", "page": "x"}).text
    assert results_list(not_a_number) == results_list(first)  # page 1, as the paginator says


def test_the_kept_results_are_plain_data_any_version_of_the_code_can_load(client, ferries):
    """Python's and Django's types only: a part written before a class of ours moved
    (a rolling deploy, before the purge) must not fail the page that reads it."""
    miss(client, SEARCH, {"q": "ferry"})
    entry = cache().get(f"part:testserver:{results_part_name('ferry', SearchFilters(), 1)}")
    assert entry["value"]["count"] == 3
    modules = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module, name):
            modules.add(module)
            return super().find_class(module, name)

    Recording(io.BytesIO(pickle.dumps(entry["value"]))).load()
    assert modules <= {"django.utils.safestring"}
