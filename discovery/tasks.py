from django.tasks import task

from articles.models import Article

from .models import EntityCandidate
from .services import candidate_articles_link, candidates_collect


@task()
def collect_candidates(article_id: int) -> int | None:
    """Store the new names a newly published or re-imported article gives.

    Returns how many were proposed for it, or None when the article is gone.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None
    return candidates_collect(article=article).proposed


@task()
def link_candidate_articles(candidate_id: int) -> int | None:
    """Link every article that names a name an editor accepted or merged.

    Enqueued when the decision commits; safe to run again. Returns how many articles
    now name its entity, or None when there is nothing to link (the name is gone, open
    or rejected).
    """
    candidate = EntityCandidate.objects.filter(pk=candidate_id).first()
    if candidate is None:
        return None
    linked = candidate_articles_link(candidate=candidate)
    return None if linked is None else len(linked)
