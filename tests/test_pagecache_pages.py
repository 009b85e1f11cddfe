"""Cached public pages are served until content changes, then never again."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article
from articles.tests.factories import ArticleFactory
from pagecache.invalidation import PendingInvalidation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_a_second_anonymous_request_is_served_from_the_cache(client, django_assert_num_queries):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert article.headline in response.text


def test_publishing_an_edit_invalidates_every_cached_page(
    client, django_capture_on_commit_callbacks
):
    editor = UserFactory(role="editor")
    article = ArticleFactory(headline="Storm closes harbour")
    client.get(article.get_absolute_url())
    client.get(reverse("home"))
    article.headline = "Storm closes harbour and airport"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(article=article, by=editor, changed_fields=["headline"])
    assert "and airport" in client.get(article.get_absolute_url()).text
    assert "and airport" in client.get(reverse("home")).text


def test_a_correction_is_visible_at_once(client, django_capture_on_commit_callbacks):
    editor = UserFactory(role="editor")
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.correction_append(article=article, text="The vote was 12 to 3.", by=editor)
    assert "The vote was 12 to 3." in client.get(article.get_absolute_url()).text


def test_an_unpublished_article_disappears_from_cached_pages(
    client, django_capture_on_commit_callbacks
):
    editor = UserFactory(role="editor")
    article = ArticleFactory(headline="Soon withdrawn")
    assert "Soon withdrawn" in client.get(reverse("home")).text
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, by=editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Soon withdrawn" not in client.get(reverse("home")).text
    assert Article.objects.get(pk=article.pk).status == Article.Status.UNPUBLISHED


def test_logged_in_readers_are_never_served_a_cached_page(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    client.force_login(UserFactory())
    response = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response


def test_the_admin_and_previews_are_never_cached(client):
    from articles.preview import preview_url

    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert "X-Page-Cache" not in client.get(preview_url(draft))


def test_an_approved_comment_appears_on_the_cached_article_page(
    client, django_capture_on_commit_callbacks
):
    from comments.models import Comment
    from comments.services import comment_approve
    from comments.tests.factories import CommentFactory

    article = ArticleFactory()
    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="First!")
    assert "First!" not in client.get(article.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, by=UserFactory(role="moderator"))
    assert "First!" in client.get(article.get_absolute_url()).text


def test_many_changes_in_one_transaction_invalidate_the_cache_once(
    django_capture_on_commit_callbacks,
):
    """An import or a clustering batch publishes hundreds of changes in one
    transaction; the shared cache is written once for all of them."""
    editor = UserFactory(role="editor")
    articles = ArticleFactory.create_batch(3)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for article in articles:
            article.headline += " (updated)"
            workflow.article_save(article=article, by=editor, changed_fields=["headline"])
    pending = [c for c in callbacks if isinstance(c, PendingInvalidation) and c.keys]
    assert len(pending) == 1
    assert {f"article:{a.pk}" for a in articles} <= pending[0].keys


def test_a_change_after_a_rolled_back_one_still_invalidates_the_cache(
    client, django_capture_on_commit_callbacks
):
    editor = UserFactory(role="editor")
    article = ArticleFactory(headline="Bridge reopens")
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                article.headline = "Bridge reopens to lorries"
                workflow.article_save(article=article, by=editor, changed_fields=["headline"])
                raise RuntimeError("the editor's second change fails")
        except RuntimeError:
            pass
        article.refresh_from_db()
        article.headline = "Bridge reopens to cyclists"
        workflow.article_save(article=article, by=editor, changed_fields=["headline"])
    assert "Bridge reopens to cyclists" in client.get(article.get_absolute_url()).text


def test_a_correction_stays_visible_after_the_cache_would_have_expired_its_counter(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The generation must outlive the cache's default timeout: on a file cache whose
    default timeout has passed, pages stored before a correction are never served again.
    """
    import time

    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "TIMEOUT": 1,
        },
    }
    editor = UserFactory(role="editor")
    article = ArticleFactory(headline="Minister resigns")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    article.headline = "Minister does not resign"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(article=article, by=editor, changed_fields=["headline"])
    time.sleep(1.2)  # past the cache's default timeout, well inside PAGE_TTL
    response = client.get(article.get_absolute_url())
    assert "Minister does not resign" in response.text


def script_nonces(html: str) -> set[str]:
    return set(re.findall(r'<script[^>]* nonce="([^"]+)"', html))


def header_nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_two_visitors_of_a_cached_page_get_different_nonces_matching_their_header(client):
    """The search page loads its script with a nonce: the cached copy must not share it."""
    url = reverse("search:search") + "?q=harbour"
    first, second, third = (client.get(url) for _ in range(3))
    assert [r["X-Page-Cache"] for r in (first, second, third)] == ["miss", "hit", "hit"]
    nonces = [header_nonce(r) for r in (first, second, third)]
    assert len(set(nonces)) == 3
    for response, nonce in zip((first, second, third), nonces, strict=True):
        assert script_nonces(response.text) == {nonce}  # the script still runs
        assert int(response["Content-Length"]) == len(response.content)
        assert "csp-nonce-placeholder" not in response.text
