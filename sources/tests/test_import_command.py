"""`manage.py import` on the seed files: counts, idempotence, failures named."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError

from articles.models import Article
from sources.tests.builders import run_import

pytestmark = pytest.mark.django_db

SEEDS = settings.SEEDS_DIR


@pytest.fixture(autouse=True)
def needs_seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"seed directory {SEEDS} is absent")


def test_importing_the_same_files_again_changes_nothing():
    run_import(SEEDS)
    out, _err, error = run_import(SEEDS)
    assert error is None
    assert "created 0, updated 0, unchanged 5, failed 0" in out
    assert Article.objects.count() == 5


def test_dry_run_reports_counts_and_writes_nothing():
    out, _err, _error = run_import(SEEDS, "--dry-run")
    assert "Would have created 5" in out
    assert Article.objects.count() == 0


def test_a_bad_file_is_reported_by_name_and_the_rest_still_import(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n")
    out, err, error = run_import(SEEDS / "000_a7a4f32819927bf6.txt", empty)
    assert isinstance(error, CommandError)
    assert error.returncode == 1
    assert "created 1, updated 0, unchanged 0, failed 1" in out
    assert str(empty) in err
    assert Article.objects.count() == 1


def test_seed_003_is_kept_with_a_provisional_headline_flagged_for_review():
    run_import(SEEDS / "003_008630832f2f3535.txt")
    article = Article.objects.get()
    assert article.is_headline_provisional is True
    assert article.needs_review is True
    assert article.outlet is None
    assert article.published_at is None
    assert article.headline.startswith("Relations between India and Pakistan")
