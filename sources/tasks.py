from django.tasks import task

from articles.workflow import articles_announce

from .models import ImportRun
from .services import import_run_execute


@task()
def import_run_task(import_run_id: int) -> str | None:
    """Run an import queued from the admin; returns the run's final status."""
    run = ImportRun.objects.filter(pk=import_run_id).select_related("created_by").first()
    if run is None:
        return None
    return import_run_execute(import_run=run).status


@task()
def articles_announce_task(article_ids: list[int]) -> int:
    """Kept only for tasks queued under this name before the core announced its own
    imports (``articles.tasks.articles_announce_task``); nothing queues it any more.
    Remove once no queue holds one."""
    return articles_announce(article_ids=article_ids)
