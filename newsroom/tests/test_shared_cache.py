"""With REDIS_URL, web processes share pages, rate-limit counts and sessions.

A real redis-server (``redis_server`` in conftest.py); the "other process" is a second
Python process with its own connection, doing what another gunicorn worker or another
machine would do to the same keys.
"""

import hashlib
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory
from newsroom.settings.base import FRAGMENT_CACHE, cache_from_environment
from pagecache.generation import GENERATION_KEY

pytestmark = pytest.mark.django_db

# Another process: Django's Redis backend with the settings' key prefix, nothing else.
OTHER_PROCESS = """
import sys, time
from django.conf import settings
settings.configure()
from django.core.cache.backends.redis import RedisCache
url, prefix, action, key, times = sys.argv[1:6]
cache = RedisCache(url, {"KEY_PREFIX": prefix})
if action == "has":
    print(cache.get(key) is not None)
elif action == "bump":  # as pagecache.generation.bump_now: the generation, then the clock
    cache.set(key, time.time_ns(), timeout=None)
    cache.set("pagecache:clock", time.time_ns(), timeout=None)
elif action == "count":
    cache.add(key, 0, timeout=120)
    for _ in range(int(times)):
        cache.incr(key)
"""


def other_process(url: str, name: str, action: str, key: str, times: int = 0) -> str:
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", OTHER_PROCESS, url, f"newsroom-{name}", action, key, str(times)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


@pytest.fixture
def redis_caches(settings, redis_server):
    """The settings' caches as REDIS_URL makes them, emptied, and sessions in front of them."""
    import redis

    redis.Redis.from_url(redis_server.url).flushall()
    settings.CACHES = {
        **{
            name: cache_from_environment(f"NO_SUCH_{name.upper()}_URL", name=name,
                                         redis_url=redis_server.url)
            for name in ("default", "pages")
        },
        **FRAGMENT_CACHE,  # each process's own memory, with or without Redis
    }  # fmt: skip
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return redis_server.url


def test_redis_url_gives_django_redis_backend_for_pages_and_counters(redis_caches):
    from django.conf import settings

    shared = {name: c["BACKEND"] for name, c in settings.CACHES.items() if name != "fragments"}
    assert set(shared.values()) == {"django.core.cache.backends.redis.RedisCache"}


def test_a_page_one_process_rendered_is_served_and_expired_through_redis(
    client, settings, redis_caches
):
    settings.PAGE_CACHE_ENABLED = True
    ArticleFactory()
    assert client.get("/")["X-Page-Cache"] == "miss"
    page_key = f"page:testserver:{hashlib.sha256(b'/').hexdigest()[:32]}"
    assert other_process(redis_caches, "pages", "has", page_key) == "True"
    assert client.get("/")["X-Page-Cache"] == "hit"

    other_process(redis_caches, "pages", "bump", GENERATION_KEY)  # e.g. the worker published
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_the_api_rate_limit_counts_requests_other_processes_served(client, settings, redis_caches):
    settings.API_RATE_PER_MINUTE = 3
    if time.time() % 60 > 50:  # the count is per clock minute: do not straddle two
        time.sleep(61 - time.time() % 60)
    assert client.get("/api/v1/sections").status_code == 200
    minute = int(time.time() // 60)
    other_process(redis_caches, "default", "count", f"api-rate:127.0.0.1:{minute}", times=2)
    refused = client.get("/api/v1/sections")
    assert refused.status_code == 429


def test_a_session_is_kept_in_redis_in_front_of_the_database(client, redis_caches):
    client.force_login(UserFactory())
    session_key = client.cookies["sessionid"].value
    assert other_process(redis_caches, "default", "has", SESSION_KEY_PREFIX + session_key) == "True"
