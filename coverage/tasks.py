from django.tasks import task

from articles.models import Article

from .services import article_cluster


@task()
def cluster_article(article_id: int) -> int | None:
    """Find the story for a newly published article; returns the story id."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return None
    story, _score = article_cluster(article=article)
    return story.pk
