"""The realistic demo layer: the coverage data's dev sets, imported, published, clustered."""

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from articles.models import Article
from audit.models import EditorialLogEntry
from coverage.models import StoryArticle
from demo.coverage_sets import coverage_set_paths, demo_articles_publish, load_coverage_sets

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
    assert (first.imported.created, first.imported.failed) == (18, 0)
    assert Article.objects.published().count() == 18
    assert StoryArticle.objects.count() == 18
    again = load_coverage_sets(paths=sets, by=editor, limit_per_file=9)
    assert (again.imported.created, again.imported.unchanged, again.clustered) == (0, 18, 0)


def test_articles_waiting_for_review_are_published_by_the_editor_with_an_audit_record(sets):
    """Imports from untrusted outlets land in review: every one is published through the
    workflow, audited; undated ones stay undated rather than stamped with today."""
    editor = UserFactory(role="editor")
    load_coverage_sets(paths=sets, by=editor, limit_per_file=9)
    Article.objects.update(status=Article.Status.IN_REVIEW)
    publications = EditorialLogEntry.objects.filter(action="article.publish", actor=editor)
    before = publications.count()
    assert demo_articles_publish(articles=Article.objects.all(), by=editor) == (18, 0)
    published = Article.objects.published()
    assert published.count() == 18
    assert published.filter(published_at=None).count() == 9
    assert publications.count() - before == 18
