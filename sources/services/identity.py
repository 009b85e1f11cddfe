"""Source identity: which article a source's record already is.

Sources owns it (:class:`~sources.models.ArticleSource`, one key per imported article);
the editorial core never sees a key. An import computes each record's key
(:func:`record_source_key`), resolves the keys to the articles already imported under
them (:func:`article_sources_resolve`), hands the core each record with its existing
article or none, and records the key of every article the core created
(:func:`article_sources_record`), all in the caller's transaction.

Two imports of the same new key at the same moment must not create two articles.
Resolving takes a transaction-level advisory lock per key, in one statement and in a
fixed order, so the second import waits until the first commits and then finds its
article (and updates it, or leaves it unchanged) instead of creating another. The
unique key is the backstop: a writer that skips the lock fails on it and rolls back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

from django.db import connection, transaction

from articles.models import Article

from ..importers.records import ArticleRecord
from ..models import ArticleSource

__all__ = [
    "article_sources_lock",
    "article_sources_record",
    "article_sources_resolve",
    "record_source_key",
]

SOURCE_KEY_LENGTH = 200
# pg advisory lock namespace (first of two int4 keys) for "an import holds this source
# key"; comments.services uses 7341 for its own.
KEY_LOCK_NAMESPACE = 7342


def record_source_key(record: ArticleRecord) -> str:
    """Identity for idempotent imports: the canonical URL, else a hash of the text.

    The hash covers the outlet too: the same wire text from two outlets is two
    articles (one marked as the other's copy), not one.
    """
    if record.url:
        key = "url:" + record.url.strip()
        if len(key) <= SOURCE_KEY_LENGTH:
            return key
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return key[: SOURCE_KEY_LENGTH - 33] + "#" + digest
    digest = hashlib.sha256(
        "\n".join([record.outlet_name, record.headline, record.body_text]).encode("utf-8")
    ).hexdigest()
    return "sha256:" + digest


def article_sources_lock(*, keys: Collection[str]) -> None:
    """Hold ``keys`` until the current transaction ends, waiting for any other holder.

    One statement takes every lock in ascending order of its hash, so importers that
    lock overlapping sets never deadlock on each other; locks a transaction already
    holds are taken again at no wait. Two keys with the same 32-bit hash share a lock,
    which costs at most a wait, never a wrong answer.
    """
    if not keys:
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "source keys are locked for a transaction: call this inside one"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, h) "
            "FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(%s::text[]) AS k) AS held "
            "ORDER BY h",
            [KEY_LOCK_NAMESPACE, sorted(set(keys))],
        )


def article_sources_resolve(*, keys: Collection[str]) -> dict[str, Article]:
    """The articles already imported under ``keys``, by key; a key not found is absent.

    Locks the keys (:func:`article_sources_lock`) and their identity rows, so until the
    caller's transaction ends no other import can create an article for a missing key
    and no one can delete a found article. The articles are handed over with their id
    only: the core reads each one again under its own row lock before changing it.
    """
    article_sources_lock(keys=keys)
    sources = (
        ArticleSource.objects.select_for_update(of=("self",))
        .filter(key__in=list(keys))
        .select_related("article")
        .only("key", "article__id")
    )
    return {source.key: source.article for source in sources}


def article_sources_record(*, created: Iterable[tuple[str, Article]]) -> None:
    """Record the key of each article an import just created, in the same transaction.

    Call it only with keys resolved as missing under the lock: a key already recorded
    raises ``IntegrityError`` (the unique key), which rolls the caller back rather than
    leave two articles for one source.
    """
    ArticleSource.objects.bulk_create(
        [ArticleSource(article=article, key=key) for key, article in created]
    )
