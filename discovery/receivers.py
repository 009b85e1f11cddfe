"""What discovery does when the core publishes (or re-imports) an article: collect the
new names it gives, for the review queue. Beside ``mentions``' own receiver, which
links the names the dictionary knows; the admin's save runs both directly."""

from articles.signals import article_published

from .tasks import collect_candidates


def enqueue_collection(sender, article_id, **kwargs):
    """In a task: discovery reads the whole article, and publishing must not wait."""
    collect_candidates.enqueue(article_id=article_id)


def connect() -> None:
    article_published.connect(
        enqueue_collection, weak=False, dispatch_uid="discovery.enqueue_collection"
    )
