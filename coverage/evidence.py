"""What the clustering reads from an article: its terms and its entity keys.

``article_entity_keys`` is the single place the clustering asks "which people,
places and events does this article mention?".
Two sources, together:

* the mentions app's mentions (suggested or confirmed, never rejected), as
  ``person:<id>``, ``place:<id>``, ``event:<id>``: aliases are resolved there, so
  "Sergey Lavrov" and "Sergei Lavrov" are one key;
* proper-noun phrases found in the text (``coverage.text.name_keys``), which cover the
  names no entity record exists for yet.

Keys only need to be equal strings for equal entities; they are stored in
``ArticleSignature.entity_keys`` and counted in ``TermStatistic`` with an "e:" prefix.
Clustering runs after mentions are suggested, and again after editors change them
(``coverage.apps``); after bulk changes to entities, ``manage.py recluster`` rebuilds
the stored signatures.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Prefetch

from articles.models import Article
from mentions.models import Mention

from . import text

# Below this many mentioned entities, the names in the text are added: one or two
# mentions alone would make any story naming the same country look like a match.
MIN_MENTIONED_ENTITIES = 3


def article_term_counts(article: Article) -> Counter:
    return text.term_counts(headline=article.headline, dek=article.dek, body=article.body_text)


def _evidence_mentions():
    # Standing, not public: clustering also places articles not yet published.
    return Mention.objects.standing().only("article_id", "person_id", "place_id", "event_id")


def public_mentions() -> Prefetch:
    """Prefetch an article queryset's evidence mentions as ``public_mentions``: a batch
    of articles then reads its mentions in one query, not one per article."""
    return Prefetch("mentions", queryset=_evidence_mentions(), to_attr="public_mentions")


def article_entity_keys(article: Article) -> set[str]:
    """Entity keys for ``article``: its mentioned entities when there are enough of them
    to characterise it, else those plus the names found in its text."""
    keys = set()
    mentions = getattr(article, "public_mentions", None)
    if mentions is None:
        mentions = _evidence_mentions().filter(article_id=article.pk)
    for mention in mentions:
        person, place, event = mention.person_id, mention.place_id, mention.event_id
        if person:
            keys.add(f"person:{person}")
        if place:
            keys.add(f"place:{place}")
        if event:
            keys.add(f"event:{event}")
    if len(keys) < MIN_MENTIONED_ENTITIES:
        keys |= text.name_keys(headline=article.headline, dek=article.dek, body=article.body_text)
    return keys
