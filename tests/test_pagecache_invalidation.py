"""Writes that send no model signals still name what they change; purges never fail a
write; keys expand to the pages that show them."""

import logging

import pytest

from articles.imports import ArticleImport, ImportedArticle, ImportedByline
from articles.services import articles_upsert_imported
from articles.tests.factories import ArticleFactory
from audit.services import system_user
from comments.models import Comment
from comments.services import comment_edit
from comments.tests.factories import CommentFactory
from coverage.models import Story, StoryArticle
from coverage.services import story_split
from coverage.tests.factories import EditorFactory
from pagecache import invalidate_on_commit, keys
from pagecache.generation import cache, generations_now
from pagecache.invalidation import PendingInvalidation, expand_now
from sources.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def named(callbacks) -> set[str]:
    """The keys the captured callbacks would invalidate (read before they run)."""
    pending = [c for c in callbacks if isinstance(c, PendingInvalidation) and c.keys]
    return set().union(*(c.keys for c in pending))


def test_an_import_names_every_article_it_created_though_bulk_create_sends_no_signal(
    django_capture_on_commit_callbacks,
):
    outlet = OutletFactory()
    items = [
        ArticleImport(
            record=ImportedArticle(
                headline=f"Ferry timetable {n}",
                paragraphs=("Ferries run hourly.",),
                outlet_id=outlet.pk,
                bylines=(ImportedByline(name="Ana Lima"),),
            ),
            article=None,
            publish=True,
        )
        for n in range(2)
    ]
    with django_capture_on_commit_callbacks() as callbacks:
        results = articles_upsert_imported(items=items, by=system_user())
    assert {f"article:{r.article.pk}" for r in results} <= named(callbacks)


def test_a_split_names_both_stories_and_the_moved_articles(django_capture_on_commit_callbacks):
    moved, stays = ArticleFactory(), ArticleFactory()
    story = Story.objects.create(title="Harbour", slug="harbour")
    for article in (moved, stays):
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    with django_capture_on_commit_callbacks() as callbacks:
        new = story_split(story=story, articles=[moved], title="Ferries", by=EditorFactory())
    assert {f"story:{story.pk}", f"story:{new.pk}", f"article:{moved.pk}"} <= named(callbacks)


def test_editing_a_comment_names_only_its_articles_thread(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # committed before the edit
        comment = CommentFactory(status=Comment.Status.APPROVED, body="First version.")
    with django_capture_on_commit_callbacks() as callbacks:
        comment_edit(comment=comment, body="Second version.", by=comment.author)
    assert named(callbacks) == {f"thread:{comment.article_id}"}


def test_an_article_key_expands_to_its_story_outlet_lists_and_home():
    article = ArticleFactory()
    story = Story.objects.create(title="Harbour", slug="harbour")
    StoryArticle.objects.create(story=story, article=article, score=0.5)
    expanded = expand_now([f"article:{article.pk}"])
    assert {
        f"article:{article.pk}",
        f"story:{story.pk}",
        f"list:outlet:{article.outlet_id}",
        "list:articles",
        "home",
    } <= expanded


def test_a_purge_that_fails_is_logged_and_the_keys_are_still_invalidated(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.HTTP_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens there
    cache().clear()
    with (
        caplog.at_level(logging.WARNING, logger="pagecache.invalidation"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invalidate_on_commit("story:1")
    assert "story:1" in generations_now(["story:1"])
    assert "purge of" in caplog.text


def test_a_page_naming_too_many_keys_for_a_proxy_header_falls_back_to_unkeyed(rf):
    """Varnish refuses response headers over 8 KB: such a page is invalidated by any
    write instead (as every page was before keys), never left stale."""
    request = rf.get("/")
    keys.add(request, *(f"tag:{n}" for n in range(1000)))
    assert keys.of(request) == [keys.UNKEYED]
    short = rf.get("/")
    keys.add(short, "story:1", "story:1", "list:stories")
    assert keys.of(short) == ["story:1", "list:stories"]
