"""/api/v1/changes tells a partner what to re-read: publications, updates,
unpublications and regroupings, oldest first, from a cursor."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from api.models import Change
from articles import workflow
from articles.models import Article
from articles.tests.factories import ArticleFactory
from coverage.services import article_cluster, story_merge, story_split
from coverage.tests.factories import EditorFactory, topical_article

pytestmark = pytest.mark.django_db


def feed(client, since=None):
    url = "/api/v1/changes" + (f"?since={since}" if since else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def kinds(body) -> list[tuple[str, str, int]]:
    return [(c["kind"], c["object_type"], c["id"]) for c in body["results"]]


@pytest.fixture
def editor():
    return UserFactory(role="editor")


def test_a_publication_an_edit_and_an_unpublish_are_reported_in_order(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=article, by=editor)
    first = feed(client)
    assert kinds(first) == [("published", "article", article.pk)]
    assert first["results"][0]["url"].endswith(article.get_absolute_url())
    article.refresh_from_db()
    article.headline = "A better headline"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(article=article, by=editor, changed_fields=["headline"])
    second = feed(client, since=first["next_cursor"])
    assert kinds(second) == [("updated", "article", article.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, by=editor)
    third = feed(client, since=second["next_cursor"])
    assert kinds(third) == [("unpublished", "article", article.pk)]
    assert third["results"][0]["url"] is None
    # Read from the start, the unpublished article's earlier entries are gone.
    assert kinds(feed(client)) == [("unpublished", "article", article.pk)]


def test_an_unchanged_feed_hands_back_the_same_cursor(client, editor):
    body = feed(client)
    assert body["results"] == []
    assert feed(client, since=body["next_cursor"])["next_cursor"] == body["next_cursor"]


def test_an_embargoed_article_is_announced_when_it_becomes_public(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() + dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=article, by=editor)
    assert feed(client)["results"] == []
    assert Change.objects.get().at > timezone.now() + dt.timedelta(hours=1)


def test_a_merge_regroups_the_kept_story_and_removes_the_other(
    client, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    bridge, _ = article_cluster(article=topical_article("bridge"))
    vaccine, _ = article_cluster(article=topical_article("vaccine"))
    since = feed(client)["next_cursor"]
    with django_capture_on_commit_callbacks(execute=True):
        story_merge(keep=bridge, others=[vaccine], by=editor)
    body = feed(client, since=since)
    assert kinds(body) == [("regrouped", "story", bridge.pk), ("removed", "story", vaccine.pk)]
    assert body["results"][0]["details"] == {"merged_story_ids": [vaccine.pk]}
    assert body["results"][1]["url"] is None


def test_a_split_regroups_both_stories(client, django_capture_on_commit_callbacks):
    editor = EditorFactory()
    first = topical_article("bridge")
    second = topical_article("bridge", variant=1)
    story, _ = article_cluster(article=first)
    article_cluster(article=second)
    since = feed(client)["next_cursor"]
    with django_capture_on_commit_callbacks(execute=True):
        new = story_split(story=story, articles=[second], title="Bridge, part two", by=editor)
    body = feed(client, since=since)
    assert kinds(body) == [("regrouped", "story", story.pk), ("regrouped", "story", new.pk)]
    assert body["results"][1]["url"].endswith(new.get_absolute_url())


def test_a_rolled_back_change_never_reaches_the_feed(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.article_unpublish(article=article, by=editor)
            raise RuntimeError("the editor's request failed")
    assert feed(client)["results"] == []
