"""The periodic merge pass keeps itself scheduled while articles arrive (no cron)."""

import pytest
from django.tasks.base import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.tests.factories import ArticleFactory
from coverage.tasks import MERGE_PASS_INTERVAL, cluster_article, merge_converging_stories

pytestmark = pytest.mark.django_db

WITH_WORKER = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


def pending_merge_passes():
    return DBTaskResult.objects.filter(
        task_path=merge_converging_stories.module_path, status=TaskResultStatus.READY
    )


@WITH_WORKER
def test_clustering_an_article_schedules_one_merge_pass_an_interval_later():
    before = timezone.now()
    for article in ArticleFactory.create_batch(3):
        cluster_article.call(article_id=article.pk)
    [scheduled] = pending_merge_passes()
    assert before + MERGE_PASS_INTERVAL <= scheduled.run_after
    assert scheduled.run_after <= timezone.now() + MERGE_PASS_INTERVAL


@WITH_WORKER
def test_once_the_pass_has_run_the_next_article_schedules_the_next_one():
    cluster_article.call(article_id=ArticleFactory().pk)
    pending_merge_passes().update(status=TaskResultStatus.SUCCESSFUL)
    cluster_article.call(article_id=ArticleFactory().pk)
    assert pending_merge_passes().count() == 1


def test_without_a_worker_no_pass_is_queued_behind_every_article():
    cluster_article.call(article_id=ArticleFactory().pk)
    assert not DBTaskResult.objects.exists()
