from .models import Article


def homepage_articles(*, limit: int = 30) -> list[Article]:
    return list(Article.objects.published().for_listing().latest_first()[:limit])
