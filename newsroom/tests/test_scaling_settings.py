"""DATABASE_REPLICA_URLS and REDIS_URL: nothing changes without them."""

import pytest
from django.core.exceptions import MiddlewareNotUsed

from newsroom.replicas import ReplicaReadsMiddleware
from newsroom.settings.base import (
    cache_from_environment,
    database_routers,
    replicas_from_environment,
)

PRIMARY = {
    "HOST": "/run/postgres",
    "OPTIONS": {"connect_timeout": 2, "pool": {"min_size": 2, "max_size": 10}},
    "CONN_MAX_AGE": 0,
    "CONN_HEALTH_CHECKS": True,
}


def test_without_replica_urls_there_is_no_replica_no_router_and_no_middleware(
    monkeypatch, settings
):
    monkeypatch.delenv("DATABASE_REPLICA_URLS", raising=False)
    assert replicas_from_environment(PRIMARY) == {}
    assert database_routers({"default": PRIMARY}) == []
    settings.DATABASE_REPLICAS = []
    with pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: None)


def test_each_replica_url_is_an_alias_with_the_primarys_timeouts_and_its_own_pool(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS",
        "postgres://news@replica-a/newsroom,postgres://news@replica-b:5433/newsroom",
    )
    replicas = replicas_from_environment(PRIMARY)
    assert list(replicas) == ["replica1", "replica2"]
    assert (replicas["replica1"]["HOST"], replicas["replica2"]["PORT"]) == ("replica-a", 5433)
    pool = replicas["replica1"]["OPTIONS"]["pool"]
    assert pool == PRIMARY["OPTIONS"]["pool"] and pool is not PRIMARY["OPTIONS"]["pool"]
    assert replicas["replica1"]["OPTIONS"]["connect_timeout"] == 2
    assert replicas["replica1"]["CONN_HEALTH_CHECKS"] is True
    assert replicas["replica1"]["TEST"] == {"MIRROR": "default"}
    assert database_routers({"default": PRIMARY, **replicas}) == ["newsroom.replicas.ReplicaRouter"]


def test_without_redis_url_the_caches_stay_files_on_this_machine(monkeypatch):
    monkeypatch.delenv("PAGE_CACHE_URL", raising=False)
    cache = cache_from_environment("PAGE_CACHE_URL", name="pages", redis_url="")
    assert cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert cache["LOCATION"].endswith("var/cache/pages")
