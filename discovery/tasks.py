from django.tasks import task

from articles.models import Article

from .services import candidates_collect


@task()
def collect_candidates(article_id: int) -> int | None:
    """Store the new names a newly published or re-imported article gives.

    Returns how many were proposed for it, or None when the article is gone.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None
    return candidates_collect(article=article).proposed
