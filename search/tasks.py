from django.tasks import task

from .services import search_terms_record


@task()
def record_search_terms(article_id: int) -> None:
    search_terms_record(article_id=article_id)
