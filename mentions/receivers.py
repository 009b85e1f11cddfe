"""What mentions does when the core publishes an article: suggest its entities."""

from articles.signals import article_published

from .tasks import suggest_mentions


def enqueue_suggestions(sender, article_id, **kwargs):
    """In a task: matching reads the whole article, and publishing must not wait."""
    suggest_mentions.enqueue(article_id=article_id)


def connect() -> None:
    article_published.connect(
        enqueue_suggestions, weak=False, dispatch_uid="mentions.enqueue_suggestions"
    )
