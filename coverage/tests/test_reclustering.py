"""The windowed re-clustering pass regroups the recent window as a whole, keeps every
editor decision and every surviving story's URL, and records each move."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.tasks.base import TaskResultStatus
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from audit.models import EditorialLogEntry
from audit.services import system_user
from coverage.models import Story, StoryArticle
from coverage.services import (
    article_cluster,
    article_exclude,
    article_pin,
    stories_recluster_window,
    story_lock,
    story_merge,
    story_update,
)
from coverage.services.reclustering import ADVISORY_LOCK
from coverage.tasks import (
    PLACEMENT_COUNT_KEY,
    RECLUSTER_EVERY,
    RECLUSTER_INTERVAL,
    cluster_article,
    recluster_window,
)

from .factories import EditorFactory, topical_article

pytestmark = pytest.mark.django_db

WITH_WORKER = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
MONDAY = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


def story_of(article) -> Story:
    return StoryArticle.objects.current().get(article=article).story


def placed(topic, variants, *, at=MONDAY):
    articles = [
        topical_article(topic, v, published_at=at + dt.timedelta(hours=v)) for v in variants
    ]
    for article in articles:
        article_cluster(article=article)
    return articles


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def split_story(editor):
    """One bridge story that online placement left in two (its first article's story
    was locked while the others arrived), beside two other stories."""
    first = placed("bridge", [0])
    lone = story_of(first[0])
    story_lock(story=lone, is_locked=True, by=editor)
    rest = placed("bridge", [1, 2])
    story_lock(story=lone, is_locked=False, by=editor)
    others = placed("vaccine", [0, 1, 2]) + placed("football", [0, 1, 2])
    assert story_of(first[0]) != story_of(rest[0])
    return first + rest, others


def test_a_pass_joins_a_story_placed_in_two_under_the_larger_ones_id(split_story):
    bridge, _ = split_story
    larger = story_of(bridge[1])
    stories_recluster_window()
    assert {story_of(a) for a in bridge} == {larger}


def test_the_absorbed_story_url_answers_301_to_the_story_that_absorbed_it(split_story, client):
    bridge, _ = split_story
    absorbed, larger = story_of(bridge[0]), story_of(bridge[1])
    stories_recluster_window()
    assert not Story.objects.filter(pk=absorbed.pk).exists()
    response = client.get(absorbed.get_absolute_url())
    assert response.status_code == 301
    # The id is the URL's key; the slug follows the story's (automatic) title.
    assert response["Location"] == Story.objects.get(pk=larger.pk).get_absolute_url()


def test_the_absorbed_storys_feeds_follow_it_with_a_301(split_story, client):
    bridge, _ = split_story
    absorbed, larger = story_of(bridge[0]), story_of(bridge[1])
    stories_recluster_window()
    kept = Story.objects.get(pk=larger.pk)
    for name in ("story_rss", "story_atom"):
        response = client.get(reverse(f"coverage:{name}", args=[absorbed.pk]))
        assert response.status_code == 301
        assert response["Location"] == reverse(f"coverage:{name}", args=[kept.pk])
        assert client.get(response["Location"]).status_code == 200


def test_a_grown_story_keeps_its_id_url_and_editor_title(split_story, editor):
    bridge, _ = split_story
    larger = story_update(story=story_of(bridge[1]), title="Bridge shut", summary="", by=editor)
    stories_recluster_window()
    grown = Story.objects.get(pk=larger.pk)
    assert (grown.title, grown.member_count) == ("Bridge shut", 3)
    assert grown.get_absolute_url() == larger.get_absolute_url()


def test_every_move_is_audited_by_the_system_user_with_its_evidence(split_story):
    bridge, _ = split_story
    larger = story_of(bridge[1])
    stories_recluster_window()
    entry = EditorialLogEntry.objects.get(action="story.recluster", target_id=str(larger.pk))
    assert entry.actor == system_user()
    [move] = entry.payload["gained"]
    assert move["article_id"] == bridge[0].pk
    assert move["similarity"] > 0.5
    assert StoryArticle.objects.get(article=bridge[0]).explanation["reclustered"] is True


def test_the_story_history_in_the_admin_shows_the_pass(split_story, admin_client):
    bridge, _ = split_story
    larger = story_of(bridge[1])
    stories_recluster_window()
    page = admin_client.get(f"/admin/coverage/story/{larger.pk}/change/")
    assert "story.recluster" in page.text
    assert f"+article {bridge[0].pk}" in page.text


def test_a_second_pass_changes_nothing(split_story):
    stories_recluster_window()
    assert stories_recluster_window().moved == 0


def test_pinned_excluded_and_locked_memberships_survive_a_pass(editor):
    bridge = placed("bridge", [0, 1, 2])
    vaccine = placed("vaccine", [0, 1, 2])
    football = placed("football", [0, 1, 2])
    article_pin(article=bridge[0], story=story_of(vaccine[0]), by=editor)
    excluded_from = story_of(bridge[1])
    article_exclude(article=bridge[1], story=excluded_from, by=editor)
    locked = story_lock(story=story_of(football[0]), is_locked=True, by=editor)
    latecomer = placed("football", [3])[0]  # a locked story takes no automatic members

    stories_recluster_window()

    assert story_of(bridge[0]) == story_of(vaccine[0])
    assert StoryArticle.objects.get(article=bridge[0]).joined_by == "pinned"
    assert story_of(bridge[1]) != excluded_from
    assert StoryArticle.objects.exclusions().filter(article=bridge[1]).get().story == (
        excluded_from
    )
    assert {story_of(a) for a in football[:3]} == {locked}
    assert story_of(latecomer) != locked


def test_two_recurring_stories_on_one_topic_weeks_apart_stay_apart():
    first = placed("bridge", [0, 1, 2], at=MONDAY)
    again = placed("bridge", [3, 4, 5], at=MONDAY + dt.timedelta(weeks=5))
    placed("vaccine", [0, 1, 2])
    placed("football", [0, 1, 2])
    stories_recluster_window()
    assert len({story_of(a) for a in first}) == 1
    assert len({story_of(a) for a in again}) == 1
    assert story_of(first[0]) != story_of(again[0])


def test_the_seed_story_stays_one_story_of_five(seed_demo):
    stories_recluster_window()
    seeds = Article.objects.published()
    assert seeds.count() == 5
    assert len({story_of(a).pk for a in seeds}) == 1


@WITH_WORKER
def test_every_nth_placement_enqueues_a_pass_and_one_stays_queued_an_interval_ahead():
    cache.set(PLACEMENT_COUNT_KEY, RECLUSTER_EVERY - 2, timeout=None)
    cluster_article.call(article_id=topical_article("bridge").pk)
    passes = DBTaskResult.objects.filter(
        task_path=recluster_window.module_path, status=TaskResultStatus.READY
    )
    [later] = passes
    assert later.run_after > MONDAY.now(dt.UTC) + RECLUSTER_INTERVAL - dt.timedelta(minutes=1)
    cluster_article.call(article_id=topical_article("vaccine").pk)
    assert passes.all().count() == 2  # the later one, and one for now
    assert cache.get(PLACEMENT_COUNT_KEY) == 0


def test_a_pass_skips_while_another_pass_holds_the_lock(split_story):
    bridge, _ = split_story
    before = story_of(bridge[0])
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
        report = stories_recluster_window()
    finally:
        other.close()
    assert report.is_skipped is True
    assert story_of(bridge[0]) == before


def test_a_dry_run_reports_the_moves_and_changes_nothing(split_story):
    bridge, _ = split_story
    before = {a.pk: story_of(a).pk for a in bridge}
    output = io.StringIO()
    call_command("recluster_window", "--dry-run", stdout=output)
    assert "Dry run (rolled back)" in output.getvalue()
    assert "1 moved" in output.getvalue()
    assert {a.pk: story_of(a).pk for a in bridge} == before
    assert not EditorialLogEntry.objects.filter(action="story.recluster").exists()


def test_the_worker_task_runs_the_pass(split_story):
    bridge, _ = split_story
    assert recluster_window.call()["moved"] == 1
    assert len({story_of(a) for a in bridge}) == 1


def test_an_editors_merge_leaves_a_301_for_the_merged_story_too(split_story, editor, client):
    bridge, others = split_story
    keep, merged = story_of(bridge[1]), story_of(others[0])
    url = merged.get_absolute_url()
    story_merge(keep=keep, others=[merged], by=editor)
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == Story.objects.get(pk=keep.pk).get_absolute_url()
