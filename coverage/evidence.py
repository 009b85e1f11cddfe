"""What the clustering reads from an article: its terms and its entity keys.

**Plugging in real entities.** ``article_entity_keys`` is the single place the
clustering (and the story page's comparison table) asks "which people, places and
events does this article mention?". Today the entities app has no mentions yet, so it
falls back to proper-noun phrases found in the text (``coverage.text.name_keys``).
When ``entities`` records mentions, replace the body of ``article_entity_keys`` with a
lookup such as::

    keys = Mention.objects.filter(article_id=article.pk).values_list("entity_id", flat=True)
    return {f"entity:{pk}" for pk in keys} or text.name_keys(...)

(keys only need to be equal strings for equal entities; they are stored in
``ArticleSignature.entity_keys`` and counted in ``TermStatistic`` with an "e:" prefix),
and run ``manage.py recluster`` once so that stored signatures use the new keys.
"""

from __future__ import annotations

from collections import Counter

from articles.models import Article

from . import text


def article_term_counts(article: Article) -> Counter:
    return text.term_counts(headline=article.headline, dek=article.dek, body=article.body_text)


def article_entity_keys(article: Article) -> set[str]:
    """Entity keys for ``article``: the fallback is the names found in its text."""
    return text.name_keys(headline=article.headline, dek=article.dek, body=article.body_text)
