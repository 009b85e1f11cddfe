"""Each article's facts (``coverage.facts``), extracted once when its text is written.

The story page compares what its members report; extracting that with regexes on
every render cost about 0.1 ms an article. Instead the facts are stored
(``ArticleFacts``) after the transaction that wrote the text commits, for all the
articles it wrote at once: an editor's save (``post_save``), an import's batch (its
announcement, ``articles.signals.article_published``, sent for the whole batch in one
transaction), a publication. Readers check the stored row against the text
they read (``coverage.facts.text_hash``) and extract again when it is missing or stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from articles.models import Article

from .. import facts
from ..models import ArticleFacts

# Articles read and written per statement.
BATCH = 500


def articles_facts_store(*, article_ids: Iterable[int], batch_size: int = BATCH) -> int:
    """Extract and store the facts of the articles whose stored facts are missing or
    were extracted from another text; two statements per ``batch_size`` articles (one
    when none changed). Articles that no longer exist are skipped. Returns how many
    rows were written."""
    written = 0
    ids = sorted(set(article_ids))
    for start in range(0, len(ids), batch_size):
        rows = Article.objects.filter(pk__in=ids[start : start + batch_size]).values_list(
            "pk", "headline", "body_text", "stored_facts__text_hash"
        )
        changed = []
        for pk, headline, body, stored_hash in rows:
            current = facts.text_hash(headline=headline, body=body)
            if current != stored_hash:
                changed.append(article_facts_row(pk, headline=headline, body=body, hash=current))
        if changed:
            ArticleFacts.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=["facts", "text_hash"],
            )
            written += len(changed)
    return written


def article_facts_row(pk: int, *, headline: str, body: str, hash: str = "") -> ArticleFacts:
    """An unsaved row of article ``pk``'s facts (the backfill migration makes its own)."""
    found = facts.article_facts(headline=headline, body=body)
    return ArticleFacts(
        article_id=pk,
        facts=facts.facts_as_rows(found),
        text_hash=hash or facts.text_hash(headline=headline, body=body),
    )


class PendingFacts:
    """The articles whose facts one transaction's commit will store, in one call."""

    def __init__(self, ids: Iterable[int] = ()):
        self.ids: set[int] = set(ids)

    def __call__(self) -> None:
        if self.ids:
            articles_facts_store(article_ids=self.ids)


def articles_facts_store_on_commit(*, article_ids: Iterable[int]) -> None:
    """Store the articles' facts once the current transaction commits (at once outside
    one), together with those of every other article it wrote.

    The ids join the callback this transaction already has, as page invalidations do
    (``pagecache.invalidate_on_commit``): Django drops a callback with a savepoint that
    rolled back, so the merged ids move to a new callback under the first one's
    savepoints. An id kept from a rolled-back savepoint costs a read and nothing more:
    the texts are read after the commit, and a missing article is skipped. Robust: a
    failure is logged, the editor's commit stands, and readers extract as before.
    """
    ids = set(article_ids) - {None}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        articles_facts_store(article_ids=ids)
        return
    queue = connection.run_on_commit
    for savepoints, callback, robust in queue:
        if isinstance(callback, PendingFacts) and callback.ids:
            merged = PendingFacts(callback.ids | ids)
            callback.ids = set()
            queue.append((savepoints, merged, robust))
            return
    transaction.on_commit(PendingFacts(ids), robust=True)
