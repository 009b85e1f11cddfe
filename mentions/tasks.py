from django.tasks import task

from articles.models import Article

from .models import Mention
from .services import mentions_suggest
from .signals import mentions_suggested


@task()
def suggest_mentions(article_id: int) -> int | None:
    """Suggest the entities a newly published or re-imported article names.

    Returns how many suggestions were created, or None when the article is gone.
    Announces ``mentions_suggested`` afterwards, even when suggesting failed, so that
    what waits for mentions (clustering) still runs, with the mentions there are.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None
    try:
        return mentions_suggest(article=article).created
    finally:
        mentions_suggested.send(Mention, article_id=article_id)
