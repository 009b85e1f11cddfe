"""HTTP around the API: conditional requests, the page cache, CORS, the rate limit and
API keys."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from api.models import ApiKey
from api.services import api_key_hash, api_key_issue
from articles import workflow
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_matching_etag_answers_304_without_a_body(client):
    article = ArticleFactory()
    url = f"/api/v1/articles/{article.pk}"
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_an_unchanged_article_answers_304_to_if_modified_since(client):
    article = ArticleFactory()
    url = f"/api/v1/articles/{article.pk}"
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304


def test_anonymous_api_answers_come_from_the_page_cache_until_a_publish(
    client, page_cache_on, django_assert_num_queries, django_capture_on_commit_callbacks
):
    editor = UserFactory(role="editor")
    article = ArticleFactory(headline="Ferries resume")
    url = f"/api/v1/articles/{article.pk}"
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert cached["Cache-Control"] == "public, max-age=60"
    article.headline = "Ferries resume after storm"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(article=article, by=editor, changed_fields=["headline"])
    assert client.get(url).json()["headline"] == "Ferries resume after storm"


def test_any_origin_may_read_the_api(client):
    response = client.get("/api/v1/sections", headers={"origin": "https://partner.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/sections",
        headers={
            "origin": "https://partner.example",
            "access-control-request-method": "GET",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_head_answers_with_the_get_headers_and_no_body(client):
    article = ArticleFactory()
    url = f"/api/v1/articles/{article.pk}"
    get, head = client.get(url), client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def test_cors_stays_off_outside_the_api(client):
    response = client.get(reverse("home"), headers={"origin": "https://partner.example"})
    assert "Access-Control-Allow-Origin" not in response


def test_past_the_limit_a_client_gets_429_with_retry_after(client, settings):
    settings.API_RATE_PER_MINUTE = 3
    statuses = [client.get("/api/v1/sections").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/sections")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "API key" in refused.json()["detail"]
    # Other addresses are counted apart.
    assert client.get("/api/v1/sections", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_cached_answers_count_against_the_limit_too(client, settings, page_cache_on):
    settings.API_RATE_PER_MINUTE = 2
    assert [client.get("/api/v1/sections").status_code for _ in range(3)] == [200, 200, 429]


def test_an_api_key_lifts_the_limit(client, settings):
    settings.API_RATE_PER_MINUTE = 2
    _, raw = api_key_issue(name="Partner daily")
    bearer = {"authorization": f"Bearer {raw}"}
    statuses = [client.get("/api/v1/sections", headers=bearer).status_code for _ in range(5)]
    assert statuses == [200] * 5
    header = {"x-api-key": raw}
    assert client.get("/api/v1/sections", headers=header).status_code == 200


def test_an_unknown_or_revoked_key_is_refused(client):
    key, raw = api_key_issue(name="Former partner")
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert client.get("/api/v1/sections", headers={"x-api-key": raw}).status_code == 401
    assert client.get("/api/v1/sections", headers={"x-api-key": "nr_guess"}).status_code == 401


def test_the_admin_shows_a_new_key_once_and_stores_only_its_hash(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:api_apikey_add"), {"name": "Newsletter partner"}, follow=True
    )
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    raw = shown[0].split(" is ")[1].split(" ")[0]
    assert key.hashed_key == api_key_hash(raw)
    assert raw not in str(ApiKey.objects.values().get())
    change_page = client.get(reverse("admin:api_apikey_change", args=[key.pk])).text
    assert raw not in change_page
