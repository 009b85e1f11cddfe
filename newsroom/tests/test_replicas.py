"""Reads on a real streaming replica: public pages read it, editors and writers read the
primary, and /healthz shows the lag.

The replica (``streaming_replica`` in conftest.py) is started once per session. To tell
the two databases apart, a test pauses the replica's WAL replay and then writes on the
primary: what a page shows says where it read.
"""

import time
import uuid

import pytest
from django.db import connections, router, transaction
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles.models import Article
from articles.tests.factories import ArticleFactory
from newsroom import replicas
from pagecache.generation import WAL_FENCE_KEY, bump_now, cache

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wait_for_replay(alias: str, timeout: float = 15.0) -> None:
    """Until the replica has replayed everything the primary had written."""
    target = primary_lsn()
    deadline = time.monotonic() + timeout
    with connections[alias].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, f"{alias} did not replay {target} in {timeout} s"
            time.sleep(0.02)


@pytest.fixture
def paused_replica(replica_routing):
    """The replica, caught up with the test's rows so far, then with its replay paused."""

    def pause():
        wait_for_replay(replica_routing)
        with connections[replica_routing].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()")
            while True:
                cursor.execute("SELECT pg_get_wal_replay_pause_state()")
                if cursor.fetchone()[0] == "paused":
                    break
                time.sleep(0.01)

    yield pause
    with connections[replica_routing].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def test_public_page_reads_the_replica_and_the_admin_reads_the_primary(paused_replica):
    article = ArticleFactory(headline="Bridge closes for repairs")
    editor = UserFactory(is_staff=True, is_superuser=True)
    paused_replica()
    Article.objects.filter(pk=article.pk).update(headline="Bridge reopens early")

    public = Client().get(article.get_absolute_url()).content.decode()
    assert "Bridge closes for repairs" in public and "Bridge reopens early" not in public

    staff = Client()
    staff.force_login(editor)
    admin_page = staff.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert admin_page.status_code == 200
    assert "Bridge reopens early" in admin_page.content.decode()


def test_a_page_rendered_after_a_publish_shows_it_while_the_replica_lags(paused_replica):
    article = ArticleFactory(headline="Bridge closes for repairs")
    paused_replica()
    Article.objects.filter(pk=article.pk).update(headline="Bridge reopens early")
    bump_now()  # what a publishing service does on commit: new generation, WAL fence

    public = Client().get(article.get_absolute_url()).content.decode()
    assert "Bridge reopens early" in public  # the replica is behind the fence: primary


def test_a_reader_who_just_posted_sees_the_comment_other_sessions_do_not_yet(paused_replica):
    article, reader = ArticleFactory(), UserFactory()
    paused_replica()
    writer = Client()
    writer.force_login(reader)
    posted = writer.post(
        reverse("comments:post", args=[article.pk]),
        {"body": "Written just now", "idempotency_key": str(uuid.uuid4())},
    )
    assert posted.status_code == 302
    assert posted.cookies["newsroom_primary"]["max-age"] == 5
    # Posting moved the WAL fence, which alone would send every reader to the primary;
    # without it, only the pin cookie does.
    cache().delete(WAL_FENCE_KEY)
    assert "Written just now" in writer.get(article.get_absolute_url()).content.decode()

    other_tab = Client()  # the same reader, without the pin cookie: reads the replica
    other_tab.force_login(reader)
    assert "Written just now" not in other_tab.get(article.get_absolute_url()).content.decode()


def test_healthz_detail_shows_bytes_and_milliseconds_behind_per_replica(paused_replica, settings):
    settings.HEALTHZ_DETAIL_TOKEN = "monitor-token"
    monitor = Client(headers={"X-Healthz-Token": "monitor-token"})
    # Idle is not lag. The cluster's WAL is shared with whatever else writes to it (the
    # other test processes' databases), so "caught up" is a moment to wait for.
    deadline = time.monotonic() + 15
    while True:
        wait_for_replay("replica1")
        caught_up = monitor.get("/healthz?detail=1").json()["replicas"]["replica1"]
        if (caught_up["bytes_behind"], caught_up["lag_ms"]) == (0, 0):
            break
        assert time.monotonic() < deadline, f"never caught up in 15 s: {caught_up}"

    paused_replica()
    ArticleFactory()
    time.sleep(0.05)
    behind = monitor.get("/healthz?detail=1").json()["replicas"]["replica1"]
    assert behind["is_replica"] is True and behind["replay"] == "paused"
    assert behind["bytes_behind"] > 0 and behind["lag_ms"] >= 50

    assert "replicas" not in Client().get("/healthz?detail=1").json()  # anonymous: no detail


def test_only_a_public_request_outside_a_transaction_reads_a_replica(replica_routing):
    assert router.db_for_read(Article) == "default"  # worker, commands, shell
    token = replicas._read_alias.set(replica_routing)
    try:
        assert router.db_for_read(Article) == replica_routing
        assert router.db_for_write(Article) == "default"
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"
        from django_tasks_db.models import DBTaskResult

        assert router.db_for_read(DBTaskResult) == "default"
    finally:
        replicas._read_alias.reset(token)
    assert router.allow_migrate(replica_routing, "articles") is False
