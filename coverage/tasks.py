import datetime as dt

from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone

from articles.models import Article

from .services import article_cluster, stories_merge_converging, stories_retitle

# How often the merge pass runs while articles keep arriving.
MERGE_PASS_INTERVAL = dt.timedelta(hours=1)
MERGE_PASS_DAYS = 7


@task()
def cluster_article(article_id: int) -> int | None:
    """Find the story for a newly published article; returns the story id.

    Also makes sure a merge pass is scheduled: stories only converge when articles
    arrive, so arrivals are what keep the periodic pass going (no cron needed).
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return None
    story, _score = article_cluster(article=article)
    merge_pass_schedule()
    return story.pk


@task()
def merge_converging_stories(days: int = MERGE_PASS_DAYS) -> int:
    """The periodic pass: merge stories that converged and retitle active stories
    after their most central article. Returns how many stories were merged away."""
    since = timezone.now() - dt.timedelta(days=days)
    merged = len(stories_merge_converging(since=since))
    stories_retitle(since=since)
    return merged


def merge_pass_schedule() -> bool:
    """Enqueue the merge pass ``MERGE_PASS_INTERVAL`` from now unless one is pending.

    Only on a backend that runs tasks later (the database backend and its worker); a
    backend that runs tasks at once (tests) would merge after every article. Two
    workers may both enqueue in a race: two passes run, which is harmless.
    Returns whether a pass was enqueued.
    """
    if not merge_converging_stories.get_backend().supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=merge_converging_stories.module_path, status=TaskResultStatus.READY
    )
    if pending.exists():
        return False
    merge_converging_stories.using(run_after=timezone.now() + MERGE_PASS_INTERVAL).enqueue()
    return True
