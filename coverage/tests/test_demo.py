"""The realistic demo layer: the coverage data's dev sets, imported, published, clustered."""

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from articles.models import Article
from audit.models import EditorialLogEntry
from coverage.demo import coverage_set_paths, demo_articles_publish, load_coverage_sets
from coverage.models import StoryArticle

pytestmark = pytest.mark.django_db


@pytest.fixture
def sets():
    paths = coverage_set_paths(settings.COVERAGE_DATA_DIR, ("basil-dev.jsonl", "neus-dev.jsonl"))
    if len(paths) < 2:
        pytest.skip(f"coverage data {settings.COVERAGE_DATA_DIR} is absent")
    return paths


def test_the_layer_is_imported_clustered_and_safe_to_load_again(sets):
    editor = UserFactory(role="editor")
    first = load_coverage_sets(paths=sets, by=editor, limit_per_file=9)
    assert (first.created, first.failed) == (18, 0)
    assert Article.objects.published().count() == 18
    assert StoryArticle.objects.count() == 18
    again = load_coverage_sets(paths=sets, by=editor, limit_per_file=9)
    assert (again.created, again.unchanged, again.clustered) == (0, 18, 0)


def test_articles_waiting_for_review_are_published_by_the_editor_with_an_audit_record(sets):
    """As if imports landed "in review": dated ones are published through the workflow;
    undated ones stay in review, since publishing would stamp today as their date."""
    editor = UserFactory(role="editor")
    load_coverage_sets(paths=sets, by=editor, limit_per_file=9)
    Article.objects.update(status=Article.Status.IN_REVIEW)
    assert demo_articles_publish(articles=Article.objects.all(), by=editor) == (9, 9)
    published = Article.objects.published()
    assert published.count() == 9 and not published.filter(published_at=None).exists()
    assert EditorialLogEntry.objects.filter(action="article.publish", actor=editor).count() == 9
