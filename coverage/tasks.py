from django.tasks import task

from articles.models import Article

from .services import article_cluster, stories_merge_converging, stories_retitle


@task()
def cluster_article(article_id: int) -> int | None:
    """Find the story for a newly published article; returns the story id."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return None
    story, _score = article_cluster(article=article)
    return story.pk


@task()
def merge_converging_stories(days: int = 7) -> int:
    """The periodic pass: schedule it (e.g. hourly) to merge stories that converged and
    retitle active stories after their most central article."""
    import datetime as dt

    from django.utils import timezone

    since = timezone.now() - dt.timedelta(days=days)
    merged = len(stories_merge_converging(since=since))
    stories_retitle(since=since)
    return merged
