from django.tasks import task

from articles.models import Article
from articles.workflow import articles_announce

from .models import ImportRun
from .services import articles_fingerprint, import_run_execute


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


@task()
def article_wire_copy_decide_task(article_id: int) -> int:
    """Fingerprint an edited article again and decide its (and its copies') wire copy."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return articles_fingerprint(articles=[article])
