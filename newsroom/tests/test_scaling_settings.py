"""DATABASE_REPLICA_URLS and REDIS_URL: nothing changes without them."""

import pytest
from django.core.exceptions import MiddlewareNotUsed

from articles.tests.factories import ArticleFactory
from newsroom import replicas
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
    assert cache["BACKEND"] == "newsroom.caches.FileCache"  # Django's, culling less often
    assert cache["OPTIONS"]["MAX_ENTRIES"] >= 10_000
    assert cache["LOCATION"].endswith("var/cache/pages")


GONE = "replica_gone"


@pytest.fixture(scope="module")
def gone_alias(tmp_path_factory):
    """A replica alias whose socket directory has no server (module-scoped, so that
    the test's database check, made before function fixtures, knows the alias)."""
    from django.db import connections

    connections.settings[GONE] = {
        **connections.settings["default"],
        "HOST": str(tmp_path_factory.mktemp("no-server")),
        "TEST": {"MIRROR": "default"},  # nothing to create or flush there
    }
    yield GONE
    connections[GONE].close()
    del connections[GONE]
    connections.settings.pop(GONE, None)


@pytest.fixture
def unreachable_replica(gone_alias, settings):
    settings.DATABASE_REPLICAS = [gone_alias]
    settings.DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]
    yield gone_alias
    replicas._down_until.clear()


@pytest.mark.django_db(transaction=True, databases=["default", GONE])
def test_an_unreachable_replica_costs_one_503_then_reads_go_to_the_primary(
    unreachable_replica, client
):
    ArticleFactory()
    first = client.get("/")
    assert first.status_code == 503 and first["Retry-After"]
    assert client.get("/").status_code == 200
