"""Editing alongside others: the presence ping and autosave behind the article change form."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from articles import editing, workflow
from articles.models import Article, ArticleDraftAutosave, EditingSession

pytestmark = pytest.mark.django_db


def url(name, article):
    return reverse(f"admin:articles_article_editing_{name}", args=[article.pk])


def saved_article(by, **fields):
    fields = {"headline": "Storm", "slug": "storm", "dek": "Winds", **fields}
    return workflow.article_save(article=Article(**fields), by=by)


def editor_client(name="ana"):
    user = UserFactory(username=name, first_name=name.title(), role="editor")
    client = Client()
    client.force_login(user)
    return user, client


# --- presence


def test_ping_tells_an_editor_who_else_has_the_article_open():
    ana, ana_client = editor_client("ana")
    _, ben_client = editor_client("ben")
    article = saved_article(ana)

    assert ana_client.post(url("ping", article), {"version_opened": 1}).json()["others"] == []
    answer = ben_client.post(url("ping", article), {"version_opened": 1}).json()

    assert answer == {"others": ["Ana"], "newer": None}


def test_an_editor_not_heard_from_for_half_a_minute_has_left():
    ana, _ = editor_client("ana")
    _, ben_client = editor_client("ben")
    article = saved_article(ana)
    EditingSession.objects.create(
        user=ana,
        article=article,
        version_opened=1,
        last_seen_at=timezone.now() - editing.PRESENCE_WINDOW - dt.timedelta(seconds=1),
    )
    assert ben_client.post(url("ping", article), {"version_opened": 1}).json()["others"] == []


def test_closing_the_form_ends_the_session_at_once():
    ana, ana_client = editor_client("ana")
    _, ben_client = editor_client("ben")
    article = saved_article(ana)
    ana_client.post(url("ping", article), {"version_opened": 1})
    assert ana_client.post(url("end", article)).status_code == 204
    assert ben_client.post(url("ping", article), {"version_opened": 1}).json()["others"] == []


def test_ping_warns_that_a_newer_version_was_saved_and_by_whom():
    ana, _ = editor_client("ana")
    _, ben_client = editor_client("ben")
    article = saved_article(ana)
    article.headline = "Storm warning"
    workflow.article_save(article=article, by=ana, expected_version=1)

    newer = ben_client.post(url("ping", article), {"version_opened": 1}).json()["newer"]

    assert newer["version"] == 2
    assert newer["saved_by"] == "Ana"
    assert newer["message"].startswith("Ana saved a newer version at ")
    assert "your save will be refused" in newer["message"]


def test_ping_needs_the_csrf_token():
    ana, _ = editor_client("ana")
    article = saved_article(ana)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    assert client.post(url("ping", article), {"version_opened": 1}).status_code == 403


def test_only_those_who_may_change_the_article_can_ping_or_autosave():
    ana, _ = editor_client("ana")
    article = saved_article(ana)
    reporter, moderator = Client(), Client()
    reporter.force_login(UserFactory(role="reporter"))
    moderator.force_login(UserFactory(role="moderator"))
    for client in (reporter, moderator):
        for name in ("ping", "autosave"):
            response = client.post(url(name, article), {"version_opened": 1, "data": "{}"})
            assert response.status_code in {403, 404}
    assert not EditingSession.objects.exists()
    assert not ArticleDraftAutosave.objects.exists()


def test_ping_is_post_only():
    ana, ana_client = editor_client("ana")
    article = saved_article(ana)
    assert ana_client.get(url("ping", article)).status_code == 403


# --- autosave


def autosave(client, article, **data):
    return client.post(url("autosave", article), {"version_opened": 1, "data": json.dumps(data)})


def test_autosave_keeps_the_typed_text_without_touching_the_article():
    ana, ana_client = editor_client("ana")
    article = saved_article(ana)

    assert autosave(ana_client, article, headline="Storm hits the coast").status_code == 200

    assert Article.objects.get(pk=article.pk).headline == "Storm"
    assert Article.objects.get(pk=article.pk).version == 1
    kept = ArticleDraftAutosave.objects.get(user=ana, article=article)
    assert kept.data == {"headline": "Storm hits the coast"}


def test_autosave_keeps_only_the_form_text_fields():
    ana, ana_client = editor_client("ana")
    article = saved_article(ana)
    autosave(ana_client, article, headline="New", status="published")
    assert ArticleDraftAutosave.objects.get().data == {"headline": "New"}
    response = ana_client.post(url("autosave", article), {"version_opened": 1, "data": "[1]"})
    assert response.status_code == 400


def test_reopening_the_article_offers_the_unsaved_text_back():
    ana, ana_client = editor_client("ana")
    article = saved_article(ana)
    autosave(ana_client, article, headline="Storm <b>hits</b> the coast")

    page = ana_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert "Restore your unsaved changes from" in page.text
    assert "Storm \\u003Cb\\u003Ehits" in page.text  # in a JSON script block, escaped


def test_the_offer_says_when_the_text_was_typed_on_a_version_saved_over_since():
    ana, ana_client = editor_client("ana")
    ben, _ = editor_client("ben")
    article = saved_article(ana)
    article.headline = "Ben's"
    workflow.article_save(article=article, by=ben, expected_version=1)
    autosave(ana_client, article, dek="Typed on version 1")

    page = ana_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert 'data-version-opened="1"' in page.text
    assert "You typed them on version 1; version 2 has been saved since" in page.text


def test_no_offer_when_the_autosave_matches_the_article_or_predates_its_last_save():
    ana, ana_client = editor_client("ana")
    article = saved_article(ana)
    change = reverse("admin:articles_article_change", args=[article.pk])
    autosave(ana_client, article, headline="Storm", dek="Winds")
    assert "Restore your unsaved changes" not in ana_client.get(change).text

    _, ben_client = editor_client("ben")
    autosave(ben_client, article, headline="Ben's headline")
    article.dek = "Saved later by Ana"
    workflow.article_save(article=article, by=ana, expected_version=1)
    assert "Restore your unsaved changes" not in ben_client.get(change).text


def test_saving_the_article_clears_the_editors_autosave_only():
    ana, ana_client = editor_client("ana")
    ben, ben_client = editor_client("ben")
    article = saved_article(ana)
    autosave(ana_client, article, headline="Ana's")
    autosave(ben_client, article, headline="Ben's")

    article.headline = "Ana's"
    workflow.article_save(article=article, by=ana, expected_version=1)

    assert list(ArticleDraftAutosave.objects.values_list("user__username", flat=True)) == ["ben"]


def test_discard_forgets_the_autosave():
    ana, ana_client = editor_client("ana")
    article = saved_article(ana)
    autosave(ana_client, article, headline="Never mind")
    assert ana_client.post(url("discard", article)).status_code == 204
    assert not ArticleDraftAutosave.objects.exists()
