"""HTTP behaviour of public pages: caching headers, 304s and security headers."""

import pytest

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_anonymous_article_page_is_publicly_cacheable_with_an_etag(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response["Vary"]
    assert response["ETag"]


def test_a_repeat_request_with_the_etag_gets_304_without_a_body(client):
    article = ArticleFactory()
    etag = client.get(article.get_absolute_url())["ETag"]
    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_article_gets_a_new_etag(client):
    article = ArticleFactory(dek="First dek")
    etag = client.get(article.get_absolute_url())["ETag"]
    article.dek = "Corrected dek"
    article.save()
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "Corrected dek" in changed.text


def test_pages_for_logged_in_users_are_private(client):
    client.force_login(UserFactory())
    response = client.get(ArticleFactory().get_absolute_url())
    assert "private" in response["Cache-Control"]


def test_security_headers_are_set_on_public_pages(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
