"""Editors correct the grouping; every correction is audited and survives `recluster`."""

import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connections

from articles.models import Article
from audit.models import EditorialLogEntry
from audit.services import SYSTEM_USERNAME, system_user
from coverage.models import Story, StoryArticle
from coverage.services import (
    CLUSTERING_PASS_LOCK,
    article_cluster,
    article_exclude,
    article_pin,
    stories_merge_converging,
    stories_recluster,
    story_lock,
    story_merge,
    story_refresh,
    story_split,
)

from .factories import EditorFactory, topical_article

pytestmark = pytest.mark.django_db


def story_of(article) -> Story:
    return StoryArticle.objects.current().get(article=article).story


def cluster(*articles):
    for article in articles:
        article_cluster(article=article)


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def two_topics():
    bridge = [topical_article("bridge", v) for v in range(3)]
    vaccine = [topical_article("vaccine", v) for v in range(3)]
    cluster(*bridge, *vaccine)
    return bridge, vaccine


def test_articles_on_the_same_topic_share_a_story_and_others_do_not(two_topics):
    bridge, vaccine = two_topics
    assert len({story_of(a).pk for a in bridge}) == 1
    assert len({story_of(a).pk for a in vaccine}) == 1
    assert story_of(bridge[0]) != story_of(vaccine[0])


def test_each_automatic_member_records_why_it_joined(two_topics):
    bridge, _ = two_topics
    membership = StoryArticle.objects.get(article=bridge[1])
    assert membership.joined_by == "automatic"
    assert membership.explanation["similarity"] > 0.3
    assert "bridge" in membership.explanation["top_shared_terms"]
    assert "time_proximity" in membership.explanation


def test_a_full_recluster_gives_the_same_stories_for_the_same_articles(two_topics):
    bridge, vaccine = two_topics
    before = {a.pk: story_of(a).pk for a in [*bridge, *vaccine]}
    report = stories_recluster()
    assert report.moved == []
    assert {a.pk: story_of(a).pk for a in [*bridge, *vaccine]} == before


def test_a_story_a_full_recluster_empties_answers_301_to_where_its_article_went(
    two_topics, stray, client
):
    bridge, _ = two_topics
    url = stray.get_absolute_url()
    stories_recluster()
    assert not Story.objects.filter(pk=stray.pk).exists()
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == story_of(bridge[2]).get_absolute_url()


@pytest.fixture
def stray(two_topics):
    """A bridge article placed by hand in a story of its own: a full recluster moves it."""
    bridge, _ = two_topics
    story = Story.objects.create(title="Stray bridge story", slug="stray-bridge-story")
    StoryArticle.objects.filter(article=bridge[2]).update(story=story)
    story_refresh(story=story)
    return story


def test_a_full_recluster_audits_each_move_in_the_story_history(two_topics, stray, admin_client):
    bridge, _ = two_topics
    call_command("recluster", stdout=io.StringIO())
    joined = story_of(bridge[2])
    entry = EditorialLogEntry.objects.get(action="story.recluster", target_id=str(joined.pk))
    assert entry.actor == system_user()
    [move] = entry.payload["gained"]
    assert (move["article_id"], move["from_story"]) == (bridge[2].pk, stray.pk)
    left = EditorialLogEntry.objects.get(action="story.recluster", target_id=str(stray.pk))
    assert left.payload["lost"] == [{"article_id": bridge[2].pk, "to_story": joined.pk}]
    assert left.payload["absorbed_into"] == joined.pk
    page = admin_client.get(f"/admin/coverage/story/{joined.pk}/change/").text
    assert f"{SYSTEM_USERNAME} · <code>story.recluster</code>" in page
    assert f"+article {bridge[2].pk} from story {stray.pk}" in page


def test_an_unchanged_full_recluster_audits_nothing(two_topics):
    stories_recluster()
    assert not EditorialLogEntry.objects.filter(action="story.recluster").exists()


@pytest.fixture
def other_pass():
    """Another worker's clustering pass: its connection holds the passes' lock."""
    other_worker = connections.create_connection("default")
    other_worker.inc_thread_sharing()  # the waiting test releases it from a thread
    with other_worker.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [CLUSTERING_PASS_LOCK])

    def end():
        with other_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")

    yield end
    end()
    other_worker.close()


def test_a_full_recluster_refuses_while_another_clustering_pass_runs(stray, other_pass):
    assert stories_recluster().is_skipped is True
    with pytest.raises(CommandError, match="Another clustering pass .* is running"):
        call_command("recluster", stdout=io.StringIO())
    assert Story.objects.filter(pk=stray.pk, member_count=1).exists()
    assert not EditorialLogEntry.objects.filter(action="story.recluster").exists()


def test_a_full_recluster_with_wait_runs_once_the_other_pass_ends(stray, other_pass):
    ends = threading.Timer(0.5, other_pass)
    ends.start()
    output = io.StringIO()
    call_command("recluster", "--wait", stdout=output)
    ends.join()
    assert "articles re-clustered" in output.getvalue()
    assert not Story.objects.filter(pk=stray.pk).exists()


def test_merge_survives_a_full_recluster(two_topics, editor):
    bridge, vaccine = two_topics
    keep = story_merge(keep=story_of(bridge[0]), others=[story_of(vaccine[0])], by=editor)
    output = io.StringIO()
    call_command("recluster", stdout=output)
    assert "articles re-clustered" in output.getvalue()
    assert {story_of(a).pk for a in [*bridge, *vaccine]} == {keep.pk}


def test_split_survives_a_full_recluster(two_topics, editor):
    bridge, _ = two_topics
    new = story_split(story=story_of(bridge[0]), articles=[bridge[2]], title="Repairs", by=editor)
    stories_recluster()
    assert story_of(bridge[2]) == new
    assert story_of(bridge[0]) != new
    assert story_of(bridge[1]) != new


def test_pin_survives_a_full_recluster(two_topics, editor):
    bridge, vaccine = two_topics
    target = story_of(vaccine[0])
    article_pin(article=bridge[0], story=target, by=editor)
    stories_recluster()
    assert story_of(bridge[0]) == target
    assert StoryArticle.objects.get(article=bridge[0], story=target).joined_by == "pinned"


def test_an_excluded_article_never_returns_to_that_story(two_topics, editor):
    bridge, _ = two_topics
    original = story_of(bridge[1])
    landed = article_exclude(article=bridge[1], story=original, by=editor)
    assert landed != original
    stories_recluster()
    assert story_of(bridge[1]) != original
    assert StoryArticle.objects.filter(article=bridge[1], story=original).get().joined_by == (
        "excluded"
    )


def test_a_locked_story_takes_no_new_automatic_members(two_topics, editor):
    bridge, _ = two_topics
    locked = story_lock(story=story_of(bridge[0]), is_locked=True, by=editor)
    latecomer = topical_article("bridge", 7)
    article_cluster(article=latecomer)
    assert story_of(latecomer) != locked
    stories_recluster()
    assert {story_of(a) for a in bridge} == {locked}


def test_every_editor_correction_is_audited_with_its_actor(two_topics, editor):
    bridge, vaccine = two_topics
    article_pin(article=bridge[0], story=story_of(vaccine[0]), by=editor)
    article_exclude(article=bridge[1], story=story_of(bridge[1]), by=editor)
    story_split(story=story_of(vaccine[0]), articles=[vaccine[1]], title="Split", by=editor)
    story_merge(keep=story_of(vaccine[0]), others=[story_of(vaccine[1])], by=editor)
    story_lock(story=story_of(vaccine[0]), is_locked=True, by=editor)
    actions = list(
        EditorialLogEntry.objects.filter(actor=editor)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["story.pin", "story.exclude", "story.split", "story.merge", "story.lock"]


def test_a_user_without_the_editor_permission_cannot_merge(two_topics):
    bridge, vaccine = two_topics
    reader = get_user_model().objects.create(username="reader")
    with pytest.raises(PermissionDenied):
        story_merge(keep=story_of(bridge[0]), others=[story_of(vaccine[0])], by=reader)


def test_recluster_dry_run_changes_nothing(two_topics, editor):
    bridge, vaccine = two_topics
    article_pin(article=bridge[0], story=story_of(vaccine[0]), by=editor)
    memberships = set(StoryArticle.objects.values_list("story_id", "article_id", "joined_by"))
    stories_recluster(dry_run=True)
    assert set(StoryArticle.objects.values_list("story_id", "article_id", "joined_by")) == (
        memberships
    )
    assert Article.objects.count() == 6


def test_the_periodic_pass_merges_stories_that_converged(editor):
    """Stories kept apart earlier (here by a lock) merge once nothing stops them."""
    first = topical_article("bridge", 0)
    article_cluster(article=first)
    story_lock(story=story_of(first), is_locked=True, by=editor)
    others = [topical_article("bridge", v) for v in (1, 2)]
    article_cluster(article=others[0])
    story_lock(story=story_of(others[0]), is_locked=True, by=editor)
    article_cluster(article=others[1])
    for story in Story.objects.all():
        story_lock(story=story, is_locked=False, by=editor)
    assert Story.objects.count() == 3
    merged = stories_merge_converging()
    assert len(merged) == 2
    assert {story_of(a) for a in [first, *others]} == {story_of(first)}
    assert EditorialLogEntry.objects.filter(action="story.merge_converged").count() == 2


def test_the_periodic_pass_skips_while_another_clustering_pass_runs(editor):
    """Another worker's pass (here: its connection holding the lock) keeps this one out."""
    first = topical_article("bridge", 0)
    article_cluster(article=first)
    story_lock(story=story_of(first), is_locked=True, by=editor)
    second = topical_article("bridge", 1)
    article_cluster(article=second)
    story_lock(story=story_of(first), is_locked=False, by=editor)
    assert Story.objects.count() == 2
    other_worker = connections.create_connection("default")
    try:
        with other_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [CLUSTERING_PASS_LOCK])
        assert stories_merge_converging() == []
        assert Story.objects.count() == 2
    finally:
        # The other pass ends. Unlocked explicitly: a closed session's locks go only
        # once the server has noticed the disconnect, which may be a moment later.
        with other_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [CLUSTERING_PASS_LOCK])
        other_worker.close()
    assert len(stories_merge_converging()) == 1
