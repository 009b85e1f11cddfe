"""A page's miss renders only the parts whose data changed (pagecache/parts.py, issue 19).

Requests go through the real middleware with the test client; the page's own entry is
dropped between requests, as a publish elsewhere on the page would make it stale.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles.models import Section
from articles.tests.factories import ArticleFactory
from pagecache.generation import cache, tick
from tests.page_misses import miss, without_nonce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def section_nav_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "articles_section"' in q["sql"]]


def test_a_miss_reuses_the_header_without_reading_the_sections_again(client, committed):
    committed(lambda: ArticleFactory(section=Section.objects.create(name="Harbour", slug="h")))
    path = reverse("search:search")
    first = miss(client, path)
    with CaptureQueriesContext(connection) as queries:
        second = miss(client, path)
    assert without_nonce(second) == without_nonce(first)
    assert ">Harbour</a>" in second.content.decode()
    assert section_nav_queries(queries.captured_queries) == []
    assert "list:sections" in second["xkey"].split()  # the part's keys are the page's


def test_a_new_section_in_the_navigation_reaches_the_next_miss(client, committed):
    committed(lambda: ArticleFactory(section=Section.objects.create(name="Harbour", slug="h")))
    path = reverse("search:search")
    miss(client, path)
    committed(lambda: ArticleFactory(section=Section.objects.create(name="Weather", slug="w")))
    assert ">Weather</a>" in miss(client, path).content.decode()


def test_the_login_link_returns_each_reader_to_their_own_page(client):
    search = reverse("search:search")
    miss(client, search)
    page = miss(client, f"{search}?q=ferry").content.decode()
    assert "?next=/search/%3Fq%3Dferry" in page


def test_signed_in_readers_get_their_own_header(client):
    miss(client, reverse("search:search"))
    client.force_login(UserFactory())
    page = client.get(reverse("search:search")).content.decode()
    assert "Log out" in page and "Sign up" not in page


def test_a_part_that_holds_a_csrf_token_is_not_kept_for_the_next_reader(rf):
    from django.middleware.csrf import get_token

    from pagecache.parts import cached_part

    renders = []

    def form(request):
        renders.append(request)
        return f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">'

    for _ in range(2):
        request = rf.get("/search/")
        cached_part(request, "form", lambda request=request: form(request))
    assert len(renders) == 2


def _moved_away():
    raise ImportError("this class moved in a deploy")


class FromAnOlderDeploy:
    def __reduce__(self):
        return (_moved_away, ())


def test_a_part_stored_by_older_code_that_no_longer_loads_is_rendered_again(client):
    path = reverse("search:search")
    miss(client, path)
    cache().set("part:testserver:site-footer", {"value": FromAnOlderDeploy()})
    tick()  # as any write does: the process reads its parts from the cache again
    page = miss(client, path)
    assert page.status_code == 200 and "Newsroom shows how every outlet" in page.content.decode()
