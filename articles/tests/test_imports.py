"""The core's import seam: a typed record in, the article it updates and ``publish``
decided by the caller, the core announcing what it published.

``ImportedArticle`` refuses what the upsert would not know what to do with, where it is
built; the upsert creates an article when none is named (which article a record is, is
the caller's source identity, not the core's), publishes a new article only when told
to, never changes an existing article's status, and sends ``article_published``
itself, after commit, once per published article it created or changed.
"""

import dataclasses
import datetime as dt

import pytest

from accounts.tests.factories import UserFactory
from articles.imports import ArticleImport, ImportedArticle, ImportedByline
from articles.models import Article
from articles.services import article_upsert_imported, articles_upsert_imported
from articles.signals import article_published
from articles.tests.factories import OutletFactory
from audit.models import EditorialLogEntry
from audit.services import system_user

MAY_FIFTH = dt.datetime(2025, 5, 5, 9, 30, tzinfo=dt.UTC)


def record(**overrides) -> ImportedArticle:
    values = {
        "headline": "Ferries to run every hour from June",
        "paragraphs": ("The harbour board agreed the timetable on Monday.",),
        "published_at": MAY_FIFTH,
        "bylines": (ImportedByline(name="Ana Lima"),),
    }
    return ImportedArticle(**{**values, **overrides})


@pytest.fixture
def announced():
    """The article ids ``article_published`` was sent for, in order."""
    ids: list[int] = []

    def receiver(sender, *, article_id, **kwargs):
        ids.append(article_id)

    article_published.connect(receiver, dispatch_uid="test_imports.announced")
    yield ids
    article_published.disconnect(dispatch_uid="test_imports.announced")


# --- the record


def test_the_record_refuses_an_unknown_field_and_names_it():
    with pytest.raises(TypeError, match="unexpected keyword argument 'body_html'"):
        record(body_html="<p>Ferries.</p>")


def test_the_record_refuses_a_missing_required_field_and_names_it():
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'paragraphs'"):
        ImportedArticle(headline="Ferries")  # type: ignore[call-arg]


def test_the_record_carries_no_source_identity():
    with pytest.raises(TypeError, match="unexpected keyword argument 'source_key'"):
        record(source_key="url:https://gazette.example.com/ferries")


def test_the_record_refuses_a_value_of_the_wrong_type_naming_the_field():
    with pytest.raises(TypeError, match="ImportedArticle.outlet_id must be an int id or None"):
        record(outlet_id="example-gazette")
    with pytest.raises(ValueError, match="published_at must be timezone-aware"):
        record(published_at=dt.datetime(2025, 5, 5, 9, 30))  # noqa: DTZ001
    with pytest.raises(ValueError, match="published_at_precision 'hour' is not one of"):
        record(published_at_precision="hour")
    with pytest.raises(ValueError, match="ImportedByline.role 'ghost' is not one of"):
        ImportedByline(name="Ana Lima", role="ghost")


def test_the_record_is_frozen_and_keeps_lists_as_tuples():
    imported = record(key_points=["Hourly from June"])
    assert imported.key_points == ("Hourly from June",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        imported.headline = "Changed"  # type: ignore[misc]


def test_publish_is_required_and_must_be_a_bool():
    with pytest.raises(TypeError, match="'publish'"):
        ArticleImport(record=record(), article=None)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="ArticleImport.publish must be True or False"):
        ArticleImport(record=record(), article=None, publish=None)  # type: ignore[arg-type]


def test_the_article_to_update_is_stated_even_when_there_is_none():
    with pytest.raises(TypeError, match="'article'"):
        ArticleImport(record=record(), publish=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="a saved Article or None"):
        ArticleImport(record=record(), article=Article(), publish=True)


# --- the upsert


@pytest.mark.django_db
def test_a_new_article_not_to_be_published_waits_in_review_and_is_not_announced(
    announced, django_capture_on_commit_callbacks
):
    outlet = OutletFactory(is_trusted=True)
    with django_capture_on_commit_callbacks(execute=True):
        article, action = article_upsert_imported(
            record=record(outlet_id=outlet.pk), article=None, publish=False, by=system_user()
        )
    assert action == "created"
    assert article.status == Article.Status.IN_REVIEW
    assert announced == []


@pytest.mark.django_db
def test_a_new_article_to_be_published_is_published_and_announced_once_after_commit(
    announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        article, _ = article_upsert_imported(
            record=record(), article=None, publish=True, by=system_user()
        )
        assert announced == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert article.status == Article.Status.PUBLISHED
    assert announced == [article.pk]


@pytest.mark.django_db
def test_a_reimport_never_changes_the_status_whatever_publish_says(
    announced, django_capture_on_commit_callbacks
):
    by = system_user()
    waiting, _ = article_upsert_imported(record=record(), article=None, publish=False, by=by)
    changed = record(paragraphs=("The harbour board changed the timetable on Tuesday.",))
    with django_capture_on_commit_callbacks(execute=True):
        (result,) = articles_upsert_imported(
            items=[ArticleImport(record=changed, article=waiting, publish=True)], by=by
        )
    assert result.action == "updated"
    assert Article.objects.get(pk=waiting.pk).status == Article.Status.IN_REVIEW
    assert announced == []
    assert EditorialLogEntry.objects.filter(action="article.import_update").count() == 1


@pytest.mark.django_db
def test_a_changed_published_article_is_announced_again_and_an_unchanged_one_is_not(
    announced, django_capture_on_commit_callbacks
):
    by = system_user()
    with django_capture_on_commit_callbacks(execute=True):
        article, _ = article_upsert_imported(record=record(), article=None, publish=True, by=by)
        article_upsert_imported(record=record(), article=article, publish=True, by=by)
        article_upsert_imported(
            record=record(dek="Every hour."), article=article, publish=True, by=by
        )
    assert announced == [article.pk, article.pk]


@pytest.mark.django_db
def test_the_upsert_audits_as_the_actor_it_is_given():
    editor = UserFactory(role="editor")
    article, _ = article_upsert_imported(record=record(), article=None, publish=False, by=editor)
    entry = EditorialLogEntry.objects.get(action="article.import_create")
    assert (entry.actor, entry.target_id) == (editor, str(article.pk))


@pytest.mark.django_db
def test_the_core_knows_an_article_was_imported_but_not_which_source_it_is():
    by = system_user()
    first, _ = article_upsert_imported(record=record(), article=None, publish=False, by=by)
    # No article named: a new one, whatever the record says. Identity is the caller's.
    second, action = article_upsert_imported(record=record(), article=None, publish=False, by=by)
    assert action == "created" and second.pk != first.pk
    assert Article.objects.filter(is_imported=True).count() == 2
    assert "source_key" not in {f.name for f in Article._meta.get_fields()}


@pytest.mark.django_db
def test_an_article_named_twice_or_missing_is_the_callers_error():
    by = system_user()
    article, _ = article_upsert_imported(record=record(), article=None, publish=False, by=by)
    twice = [ArticleImport(record=record(), article=article, publish=False)] * 2
    with pytest.raises(ValueError, match="named once per call"):
        articles_upsert_imported(items=twice, by=by)
    Article.objects.filter(pk=article.pk).delete()
    with pytest.raises(ValueError, match="do not exist"):
        article_upsert_imported(record=record(), article=article, publish=False, by=by)
