"""When a hot page goes stale, one request renders it; the others do not pile on."""

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.tests.factories import ArticleFactory
from pagecache.generation import bump_now, cache, current_generation
from pagecache.middleware import cache_key, lock_key

from .test_pagecache_pages import header_nonce, script_nonces

pytestmark = pytest.mark.usefixtures("page_cache_on")


def hold_render_lock(url: str) -> None:
    """As if another request were rendering ``url`` for the current generation now."""
    key = cache_key(RequestFactory().get(url))
    assert cache().add(lock_key(key, current_generation()), 1, timeout=60)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pages_cache", ["memory", "files"])
def test_twenty_concurrent_misses_on_one_page_render_it_once(
    live_server, settings, tmp_path, pages_cache
):
    """With the test settings' cache, and with the one-box production cache (files)."""
    settings.PAGE_RENDER_WAIT_SECONDS = 10  # a slow render on a busy machine still counts once
    if pages_cache == "files":
        settings.CACHES = {
            **settings.CACHES,
            "pages": {"BACKEND": "newsroom.caches.FileCache", "LOCATION": str(tmp_path)},
        }
    article = ArticleFactory()
    url = live_server.url + article.get_absolute_url()
    start = threading.Barrier(20)

    def fetch(_):
        start.wait()
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.headers["X-Page-Cache"], response.read().decode()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(fetch, range(20)))
    states = [state for state, _ in results]
    assert states.count("miss") == 1, states
    assert set(states) <= {"miss", "hit"}  # nothing older existed to serve stale
    assert all(article.headline in body for _, body in results)


def correct_headline(article, headline, capture):
    article.headline = headline
    with capture(execute=True):
        workflow.article_save(
            article=article, by=UserFactory(role="editor"), changed_fields=["headline"]
        )


@pytest.mark.django_db
def test_while_one_request_rerenders_others_get_the_stale_copy_for_at_most_the_bound(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_STALE_SECONDS = 1
    settings.PAGE_RENDER_WAIT_SECONDS = 0.2
    article = ArticleFactory(headline="Minister resigns")
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    correct_headline(article, "Minister does not resign", django_capture_on_commit_callbacks)
    hold_render_lock(url)

    stale = client.get(url)
    assert stale["X-Page-Cache"] == "stale"
    assert "Minister resigns" in stale.text
    assert "max-age=0" in stale["Cache-Control"]  # browsers and CDNs do not keep it

    time.sleep(1.1)  # the copy's render began more than PAGE_STALE_SECONDS ago
    late = client.get(url)  # waits for the (stuck) renderer, then renders itself
    assert late["X-Page-Cache"] == "miss"
    assert "Minister does not resign" in late.text


@pytest.mark.django_db
def test_a_logged_in_reader_gets_a_fresh_page_while_others_get_the_stale_copy(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Bridge closes")
    url = article.get_absolute_url()
    client.get(url)
    correct_headline(article, "Bridge stays open", django_capture_on_commit_callbacks)
    hold_render_lock(url)
    assert client.get(url)["X-Page-Cache"] == "stale"

    client.force_login(UserFactory())
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "Bridge stays open" in response.text


@pytest.mark.django_db
def test_each_reader_of_a_stale_copy_gets_their_own_nonce(client):
    url = reverse("search:search") + "?q=harbour"
    first = client.get(url)
    bump_now()
    hold_render_lock(url)
    stale = [client.get(url) for _ in range(2)]
    assert [r["X-Page-Cache"] for r in stale] == ["stale", "stale"]
    nonces = [header_nonce(r) for r in (first, *stale)]
    assert len(set(nonces)) == 3
    for response, nonce in zip(stale, nonces[1:], strict=True):
        assert script_nonces(response.text) == {nonce}
        assert int(response["Content-Length"]) == len(response.content)
        assert "csp-nonce-placeholder" not in response.text


@pytest.mark.django_db
def test_a_reader_stops_waiting_when_the_render_ends_without_storing_a_copy(client, settings):
    """A renderer that stores nothing (its page answered 404, or it crashed) releases the
    lock; a waiting reader then renders at once rather than poll out the whole wait."""
    settings.PAGE_RENDER_WAIT_SECONDS = 5
    article = ArticleFactory()
    url = article.get_absolute_url()
    hold_render_lock(url)
    lock = lock_key(cache_key(RequestFactory().get(url)), current_generation())
    threading.Timer(0.3, cache().delete, [lock]).start()
    started = time.monotonic()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert 0.3 <= time.monotonic() - started < 2
