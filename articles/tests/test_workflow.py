"""Workflow services: each role can do exactly what it should, and every step is audited."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from reversion.models import Version

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Correction
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def reporter():
    return UserFactory(role="reporter")


@pytest.fixture
def editor():
    return UserFactory(role="editor")


@pytest.fixture
def moderator():
    return UserFactory(role="moderator")


def draft_by(user, **kwargs):
    article = Article(headline="Harbour bridge closes", slug="harbour", created_by=user, **kwargs)
    return workflow.article_save(article=article, by=user)


# --- permission matrix: the services


@pytest.mark.parametrize(
    ("role", "can_write", "can_submit", "can_publish", "can_edit_others", "can_correct"),
    [
        ("reporter", True, True, False, False, False),
        ("editor", True, True, True, True, True),
        ("moderator", False, False, False, False, False),
        ("admin", True, True, True, True, True),
        (None, False, False, False, False, False),
    ],
)
def test_permission_matrix_through_the_services(
    role, can_write, can_submit, can_publish, can_edit_others, can_correct
):
    user = UserFactory(role=role)
    colleague = UserFactory(role="editor")
    others = draft_by(colleague)

    def allowed(call) -> bool:
        try:
            call()
        except PermissionDenied:
            return False
        return True

    assert allowed(lambda: draft_by(user)) is can_write
    own = draft_by(colleague) if not can_write else draft_by(user)
    if not can_write:  # let the user own it anyway, to test submit in isolation
        Article.objects.filter(pk=own.pk).update(created_by=user)
        own.refresh_from_db()
    assert allowed(lambda: workflow.article_submit(article=own, by=user)) is can_submit
    assert allowed(lambda: workflow.article_publish(article=others, by=user)) is can_publish
    others.headline = "Changed by someone else"
    assert (
        allowed(lambda: workflow.article_save(article=others, by=user, expected_version=None))
        is can_edit_others
    )
    published = ArticleFactory(status=Status.PUBLISHED)
    assert (
        allowed(lambda: workflow.correction_append(article=published, text="Fixed.", by=user))
        is can_correct
    )


def test_reporter_cannot_edit_their_own_article_once_submitted(reporter):
    article = draft_by(reporter)
    workflow.article_submit(article=article, by=reporter)
    article.refresh_from_db()
    article.headline = "Sneaky change"
    with pytest.raises(PermissionDenied):
        workflow.article_save(article=article, by=reporter)


def test_each_transition_writes_an_audit_record_with_before_and_after(editor):
    article = draft_by(editor)
    workflow.article_publish(article=article, by=editor)
    entry = EditorialLogEntry.objects.filter(action="article.publish").get()
    assert entry.actor == editor
    assert entry.target == Article.objects.get(pk=article.pk)
    assert entry.payload["before"]["status"] == "draft"
    assert entry.payload["after"]["status"] == "published"


def test_publishing_sets_first_published_time_once(editor):
    article = draft_by(editor)
    workflow.article_publish(article=article, by=editor)
    first = Article.objects.get(pk=article.pk).first_published_at
    workflow.article_unpublish(article=article, by=editor)
    workflow.article_publish(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).first_published_at == first


def test_an_unpublished_article_is_not_public(client, editor):
    article = ArticleFactory(status=Status.PUBLISHED)
    assert client.get(article.get_absolute_url()).status_code == 200
    workflow.article_unpublish(article=article, by=editor)
    assert client.get(article.get_absolute_url()).status_code == 404


# --- scheduling


def test_scheduling_in_the_past_is_refused(editor):
    article = draft_by(editor)
    with pytest.raises(ValidationError) as error:
        workflow.article_schedule(
            article=article, by=editor, publish_at=timezone.now() - dt.timedelta(minutes=1)
        )
    assert "publish_at" in error.value.message_dict


def test_scheduled_article_is_not_published_before_its_time(client, editor):
    article = draft_by(editor)
    publish_at = timezone.now() + dt.timedelta(hours=1)
    workflow.article_schedule(article=article, by=editor, publish_at=publish_at)
    assert workflow.articles_publish_due() == []
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED
    assert client.get(Article.objects.get(pk=article.pk).get_absolute_url()).status_code == 404


def test_scheduled_article_is_published_by_the_system_user_when_due(editor):
    article = draft_by(editor)
    publish_at = timezone.now() + dt.timedelta(hours=1)
    workflow.article_schedule(article=article, by=editor, publish_at=publish_at)
    published = workflow.articles_publish_due(now=publish_at + dt.timedelta(seconds=1))
    assert published == [article.pk]
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_at == publish_at
    entry = EditorialLogEntry.objects.get(action="article.publish_scheduled")
    assert entry.actor.username == "newsroom-system"


@pytest.mark.django_db(transaction=True)
def test_an_article_whose_time_is_cleared_while_the_pass_waits_for_it_is_left_alone(editor):
    """The pass reads what is due, then locks each article. One whose publication time an
    editor cleared in between stays scheduled, and the pass goes on (it raised TypeError)."""
    article = draft_by(editor)
    publish_at = timezone.now() + dt.timedelta(hours=1)
    workflow.article_schedule(article=article, by=editor, publish_at=publish_at)
    outcome = {}

    def run_pass():
        try:
            now = publish_at + dt.timedelta(seconds=1)
            outcome["published"] = workflow.articles_publish_due(now=now)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        list(Article.objects.select_for_update().filter(pk=article.pk))
        worker = threading.Thread(target=run_pass)
        worker.start()
        deadline = time.monotonic() + 20
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:  # until the pass waits for our lock
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh inside a transaction
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail(f"the pass never waited for the article's lock: {outcome}")
        Article.objects.filter(pk=article.pk).update(publish_at=None)
    worker.join(timeout=30)
    assert outcome == {"published": []}
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED


# --- corrections and revisions


def test_correction_is_refused_on_an_unpublished_article(editor):
    article = draft_by(editor)
    with pytest.raises(ValidationError):
        workflow.correction_append(article=article, text="Fix", by=editor)
    assert Correction.objects.count() == 0


def test_corrections_show_on_the_public_page_with_their_time(client, editor):
    article = ArticleFactory(status=Status.PUBLISHED)
    workflow.correction_append(
        article=article, text="An earlier version misspelt the minister's name.", by=editor
    )
    response = client.get(article.get_absolute_url())
    assert "Corrections and updates" in response.text
    assert "An earlier version misspelt the minister&#x27;s name." in response.text


def test_restoring_a_revision_brings_back_the_old_text(editor):
    article = draft_by(editor, dek="First dek")
    article.dek = "Second dek"
    workflow.article_save(article=article, by=editor, expected_version=1, changed_fields=["dek"])
    versions = Version.objects.get_for_object(article).order_by("pk")
    assert versions.count() == 2
    workflow.article_restore(article=article, version=versions.first(), by=editor)
    restored = Article.objects.get(pk=article.pk)
    assert restored.dek == "First dek"
    assert restored.version == 3


def test_an_editor_holding_the_pre_restore_text_gets_a_conflict(editor):
    article = draft_by(editor, dek="First dek")
    stale = Article.objects.get(pk=article.pk)
    article.dek = "Second dek"
    workflow.article_save(article=article, by=editor, expected_version=1, changed_fields=["dek"])
    first = Version.objects.get_for_object(article).order_by("pk").first()
    workflow.article_restore(article=article, version=first, by=editor)
    stale.headline = "Edited from an old tab"
    with pytest.raises(workflow.ArticleEditConflict):
        workflow.article_save(article=stale, by=editor, expected_version=2)


def test_saving_with_an_outdated_version_is_refused_and_keeps_the_newer_text(editor):
    article = draft_by(editor)
    first = Article.objects.get(pk=article.pk)
    second = Article.objects.get(pk=article.pk)
    first.headline = "First editor's headline"
    workflow.article_save(article=first, by=editor, expected_version=1)
    second.headline = "Second editor's headline"
    with pytest.raises(workflow.ArticleEditConflict):
        workflow.article_save(article=second, by=editor, expected_version=1)
    assert Article.objects.get(pk=article.pk).headline == "First editor's headline"


def test_bodies_are_sanitised_when_saved(editor):
    article = Article(
        headline="Budget", slug="budget", body='<p onclick="x()">Hi</p><script>bad()</script>'
    )
    workflow.article_save(article=article, by=editor)
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == "<p>Hi</p>"
    assert stored.body_text == "Hi"


def test_the_worker_task_publishes_what_is_due_and_nothing_else(editor):
    from articles.tasks import publish_scheduled_article

    due = draft_by(editor)
    later = draft_by(editor)
    for article, hours in ((due, 1), (later, 5)):
        workflow.article_schedule(
            article=article, by=editor, publish_at=timezone.now() + dt.timedelta(hours=hours)
        )
    # The clock reaches the first article's time.
    Article.objects.filter(pk=due.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert publish_scheduled_article.call(article_id=due.pk) == [due.pk]
    assert Article.objects.get(pk=due.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=later.pk).status == Status.SCHEDULED
