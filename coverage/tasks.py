import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article

from .models import Story, StoryArticle
from .services import (
    article_cluster,
    stories_merge_converging,
    stories_recluster_window,
    stories_refresh,
    stories_retitle,
)

# How often the merge pass runs while articles keep arriving.
MERGE_PASS_INTERVAL = dt.timedelta(hours=1)
MERGE_PASS_DAYS = 7
# The windowed re-clustering pass runs after every RECLUSTER_EVERY placements, and
# RECLUSTER_INTERVAL after the last placement at the latest.
RECLUSTER_EVERY = 500
RECLUSTER_INTERVAL = dt.timedelta(minutes=10)
PLACEMENT_COUNT_KEY = "coverage:placed-since-recluster"


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
    recluster_pass_note_placements(placed=1)
    return story.pk


@task()
def refresh_article_stories(article_id: int) -> list[int]:
    """An embargoed article became public (``articles.signals.article_embargo_lifted``):
    the dates and default title readers see on its stories now count it. Returns the
    refreshed stories' ids."""
    with transaction.atomic():
        stories = list(
            Story.objects.select_for_update()
            .filter(
                pk__in=StoryArticle.objects.current()
                .filter(article_id=article_id)
                .values("story_id")
            )
            .order_by("pk")
        )
        stories_refresh(stories=stories)
    return [story.pk for story in stories]


@task()
def recluster_window() -> dict:
    """The windowed re-clustering pass (``coverage.services.reclustering``): the recent window
    clustered again as a whole, editors' decisions kept, every move audited. A pass
    that finds another running skips (advisory lock): the running one covers it."""
    # Imported here: NumPy and SciPy load in the worker only, not in every web process.

    report = stories_recluster_window()
    return {
        "articles": report.articles,
        "moved": report.moved,
        "stories_created": report.stories_created,
        "stories_absorbed": report.stories_absorbed,
        "is_skipped": report.is_skipped,
    }


def recluster_pass_note_placements(*, placed: int) -> bool:
    """Count placements towards the next pass; enqueue one every ``RECLUSTER_EVERY``,
    and keep one queued ``RECLUSTER_INTERVAL`` ahead so that the last articles of a
    quiet spell are re-clustered too.

    Only with a worker (a backend that runs tasks later), as for the merge pass: a
    backend that runs tasks at once (tests) would re-cluster inside whatever published
    the 500th article. The count lives in the shared cache; a lost count only delays a
    pass. Returns whether a pass was enqueued for now.
    """
    if not recluster_window.get_backend().supports_defer:
        return False
    _recluster_pass_keep_queued()
    cache.add(PLACEMENT_COUNT_KEY, 0, timeout=None)
    try:
        count = cache.incr(PLACEMENT_COUNT_KEY, placed)
    except ValueError:  # evicted between add and incr
        count = placed
        cache.set(PLACEMENT_COUNT_KEY, count, timeout=None)
    if count < RECLUSTER_EVERY:
        return False
    cache.set(PLACEMENT_COUNT_KEY, 0, timeout=None)
    recluster_window.enqueue()
    return True


def _recluster_pass_keep_queued() -> None:
    pending = DBTaskResult.objects.filter(
        task_path=recluster_window.module_path,
        status=TaskResultStatus.READY,
    )
    if not pending.exists():
        recluster_window.using(run_after=timezone.now() + RECLUSTER_INTERVAL).enqueue()


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

    pending = DBTaskResult.objects.filter(
        task_path=merge_converging_stories.module_path, status=TaskResultStatus.READY
    )
    if pending.exists():
        return False
    merge_converging_stories.using(run_after=timezone.now() + MERGE_PASS_INTERVAL).enqueue()
    return True
