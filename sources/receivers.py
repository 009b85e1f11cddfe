"""What sources does when the core announces an article: decide its wire copy again if
an editor changed its text or credits (an import decided it already, in the batch)."""

from articles.signals import article_published

from .selectors import wire_verdict_is_stale
from .tasks import article_wire_copy_decide_task


def decide_wire_copy_if_stale(sender, article_id, **kwargs):
    """In a task: fingerprinting loads datasketch (a second of SciPy on first use), and
    publishing must not wait. The staleness check is one query, so an import's
    announcements queue nothing."""
    if wire_verdict_is_stale(article_id=article_id):
        article_wire_copy_decide_task.enqueue(article_id=article_id)


def connect() -> None:
    article_published.connect(
        decide_wire_copy_if_stale, weak=False, dispatch_uid="sources.decide_wire_copy_if_stale"
    )
