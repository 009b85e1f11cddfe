"""Fingerprinting imported articles and marking wire copy (see ``sources.wire_copy``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from articles.models import Article

from ..models import ArticleFingerprint, ArticleTextBand
from ..wire_copy import SAME_TEXT_THRESHOLD, Signature, text_signature

_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass
class _Entry:
    article_id: int
    outlet_id: int | None
    published_at: dt.datetime | None
    signature: Signature
    bands: list[int]
    same_text_as_id: int | None = None
    similarity: float | None = None
    is_new: bool = False
    is_changed: bool = False

    def order(self) -> tuple[dt.datetime, int]:
        """Earlier publication first; undated articles after dated ones, then by id."""
        return (self.published_at or _NEVER, self.article_id)


def _other_outlet(a: _Entry, b: _Entry) -> bool:
    """Copies within one outlet are republications; an unknown outlet may be anyone."""
    return a.outlet_id is None or b.outlet_id is None or a.outlet_id != b.outlet_id


def _mark(copy: _Entry, original: _Entry, similarity: float) -> None:
    better = copy.same_text_as_id is None or similarity > (copy.similarity or 0.0)
    if better:
        copy.same_text_as_id, copy.similarity, copy.is_changed = (
            original.article_id,
            round(similarity, 3),
            True,
        )


@transaction.atomic
def articles_fingerprint(*, articles: list[Article]) -> int:
    """Store fingerprints for ``articles`` and mark wire copy among them and earlier ones.

    Of two articles with the same text from different outlets, the later one (by
    publication date, else by id) is marked ``same_text_as`` the earlier one, so a
    back-filled original also marks the copies imported before it. Returns the number
    of articles newly marked.
    """
    batch: list[_Entry] = []
    for article in articles:
        signature = text_signature(article.body_text)
        if signature is None:
            continue
        batch.append(
            _Entry(
                article.pk,
                article.outlet_id,
                article.published_at,
                signature,
                signature.bands(),
                is_new=True,
            )
        )
    ids = [a.pk for a in articles]
    ArticleFingerprint.objects.filter(article_id__in=ids).delete()
    ArticleTextBand.objects.filter(article_id__in=ids).delete()
    ArticleFingerprint.objects.filter(same_text_as_id__in=ids).update(
        same_text_as=None, similarity=None
    )
    if not batch:
        return 0

    all_bands = sorted({band for entry in batch for band in entry.bands})
    matches: dict[int, list[int]] = {}
    for article_id, band in ArticleTextBand.objects.filter(band_hash__in=all_bands).values_list(
        "article_id", "band_hash"
    ):
        matches.setdefault(article_id, []).append(band)
    stored = [
        _Entry(
            row["article_id"],
            row["article__outlet_id"],
            row["article__published_at"],
            Signature.from_bytes(row["signature"]),
            matches[row["article_id"]],
            row["same_text_as_id"],
            row["similarity"],
        )
        for row in ArticleFingerprint.objects.filter(article_id__in=list(matches)).values(
            "article_id",
            "article__outlet_id",
            "article__published_at",
            "signature",
            "same_text_as_id",
            "similarity",
        )
    ]
    by_band: dict[int, list[_Entry]] = {}
    for entry in stored:
        for band in entry.bands:
            by_band.setdefault(band, []).append(entry)

    marked = 0
    for entry in batch:
        candidates = {id(c): c for band in entry.bands for c in by_band.get(band, [])}
        for candidate in candidates.values():
            if not _other_outlet(entry, candidate):
                continue
            similarity = entry.signature.similarity(candidate.signature)
            if similarity < SAME_TEXT_THRESHOLD:
                continue
            copy, original = (
                (entry, candidate) if candidate.order() < entry.order() else (candidate, entry)
            )
            was = copy.same_text_as_id
            _mark(copy, original, similarity)
            marked += int(was is None and copy.same_text_as_id is not None)
        for band in entry.bands:
            by_band.setdefault(band, []).append(entry)

    ArticleFingerprint.objects.bulk_create(
        ArticleFingerprint(
            article_id=e.article_id,
            signature=e.signature.to_bytes(),
            same_text_as_id=e.same_text_as_id,
            similarity=e.similarity,
        )
        for e in batch
    )
    _copy_bands(batch)
    for entry in stored:
        if entry.is_changed:
            ArticleFingerprint.objects.filter(article_id=entry.article_id).update(
                same_text_as_id=entry.same_text_as_id, similarity=entry.similarity
            )
    return marked


def _copy_bands(entries: list[_Entry]) -> None:
    """Write the band rows with COPY: 20 rows per article, a ninth of bulk_create's time."""
    table = ArticleTextBand._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} (article_id, band_hash) FROM STDIN") as copy:
            for entry in entries:
                for band in entry.bands:
                    copy.write_row((entry.article_id, band))
