"""What an import means for stories: clustering follows the articles the import
announces (published ones) and leaves the rest. Moved from sources' tests: the
stories are coverage's."""

import pytest
from django.conf import settings

from articles.models import Article
from coverage.models import Story, StoryArticle
from sources.tests.builders import jsonl_record, run_import, write_jsonl
from sources.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

SEEDS = settings.SEEDS_DIR


def test_importing_the_seed_directory_creates_five_articles_waiting_for_review(
    django_capture_on_commit_callbacks,
):
    """The seeds' outlets are not trusted: nothing is public, so nothing is clustered yet."""
    with django_capture_on_commit_callbacks(execute=True):
        out, _err, error = run_import(SEEDS)
    assert error is None
    assert "created 5, updated 0, unchanged 0, failed 0" in out
    assert Article.objects.filter(status=Article.Status.IN_REVIEW).count() == 5
    assert Story.objects.count() == 0


def test_new_articles_are_announced_for_clustering_after_commit(
    tmp_path, django_capture_on_commit_callbacks
):
    OutletFactory(name="Example Gazette", slug="example-gazette", is_trusted=True)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1), jsonl_record(2)]))
    assert StoryArticle.objects.count() == 2
