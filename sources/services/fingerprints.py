"""Fingerprinting articles and deciding wire copy (see ``sources.wire_copy``).

The one place wire copy is decided: on import (each batch) and when an editor changes
an article's text or credits (``sources.receivers``). Pages read the stored
``WireCopyVerdict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection, transaction

import pagecache
from articles.models import Article

from ..models import ArticleFingerprint, ArticleTextBand, WireCopyVerdict
from ..wire_copy import (
    Signature,
    agency_credited,
    inputs_hash,
    text_signature,
)

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
    """Store fingerprints for ``articles``, mark wire copy among them and earlier ones, and
    decide the wire-copy verdict of every article whose verdict that can change.

    Of two articles with the same text from different outlets, the later one (by
    publication date, else by id) is marked ``same_text_as`` the earlier one, so a
    back-filled original also marks the copies imported before it. ``articles`` must be
    saved with their bylines (the credits are read back). Returns the number of
    articles newly marked as the same text as another.
    """
    marked, touched = _fingerprint(articles)
    wire_verdicts_decide(article_ids=touched | {a.pk for a in articles})
    return marked


def _fingerprint(articles: list[Article]) -> tuple[int, set[int]]:
    """Store the fingerprints; returns (newly marked, ids of other articles whose
    ``same_text_as`` changed)."""
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
    cleared = ArticleFingerprint.objects.filter(same_text_as_id__in=ids)
    touched = set(cleared.values_list("article_id", flat=True))
    if touched:
        cleared.update(same_text_as=None, similarity=None)
    if not batch:
        return 0, touched

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
            Signature.from_bytes(row["signature"], row["shingle_count"]),
            matches[row["article_id"]],
            row["same_text_as_id"],
            row["similarity"],
        )
        for row in ArticleFingerprint.objects.filter(article_id__in=list(matches)).values(
            "article_id",
            "article__outlet_id",
            "article__published_at",
            "signature",
            "shingle_count",
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
            copy, original = (
                (entry, candidate) if candidate.order() < entry.order() else (candidate, entry)
            )
            if not copy.signature.is_same_text_as(original.signature):
                continue
            was = copy.same_text_as_id
            _mark(copy, original, entry.signature.similarity(candidate.signature))
            marked += int(was is None and copy.same_text_as_id is not None)
        for band in entry.bands:
            by_band.setdefault(band, []).append(entry)

    ArticleFingerprint.objects.bulk_create(
        ArticleFingerprint(
            article_id=e.article_id,
            signature=e.signature.to_bytes(),
            shingle_count=e.signature.shingle_count,
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
            touched.add(entry.article_id)
    return marked, touched


def _verdict_key(verdict: WireCopyVerdict | None) -> tuple[bool, str, str, int | None]:
    """What a page shows of a verdict (no verdict shows as none)."""
    if verdict is None:
        return (False, "", "", None)
    return (verdict.is_wire, verdict.reason, verdict.agency, verdict.original_id)


@transaction.atomic
def wire_verdicts_decide(*, article_ids: set[int] | list[int]) -> int:
    """Decide and store the wire-copy verdict of each article from its credits and its
    stored fingerprint (4 queries whatever the count); returns how many verdicts
    changed what a page shows.

    An agency credit wins over same text, as the story page has always shown it. The
    pages of articles whose verdict changed go stale on commit (``article:<id>``
    expands to their stories' pages).
    """
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    rows = (
        Article.objects.filter(pk__in=ids)
        .annotate(names=ArrayAgg("bylines__name", order_by="bylines__position", default=[]))
        .values_list("pk", "attribution", "body_text", "names")
    )
    same_text = {
        article_id: (original_id, similarity)
        for article_id, original_id, similarity in ArticleFingerprint.objects.filter(
            article_id__in=ids, same_text_as__isnull=False
        ).values_list("article_id", "same_text_as_id", "similarity")
    }
    before = WireCopyVerdict.objects.in_bulk(ids)
    verdicts = []
    for pk, attribution, body_text, names in rows:
        names = [name for name in names if name is not None]
        verdict = WireCopyVerdict(
            article_id=pk,
            inputs_hash=inputs_hash(text=body_text, attribution=attribution, byline_names=names),
        )
        if agency := agency_credited(attribution=attribution, byline_names=names):
            verdict.is_wire, verdict.reason, verdict.agency = True, verdict.Reason.AGENCY, agency
        elif pk in same_text:
            verdict.is_wire, verdict.reason = True, verdict.Reason.SAME_TEXT
            verdict.original_id, verdict.similarity = same_text[pk]
        verdicts.append(verdict)
    WireCopyVerdict.objects.bulk_create(
        verdicts,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=[
            "is_wire", "reason", "agency", "original", "similarity", "inputs_hash", "decided_at"
        ],
    )  # fmt: skip
    changed = [
        v.article_id for v in verdicts if _verdict_key(v) != _verdict_key(before.get(v.article_id))
    ]
    if changed:
        pagecache.invalidate_on_commit(*(f"article:{pk}" for pk in changed))
    return len(changed)


def _copy_bands(entries: list[_Entry]) -> None:
    """Write the band rows with COPY: 20 rows per article, a ninth of bulk_create's time."""
    table = ArticleTextBand._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} (article_id, band_hash) FROM STDIN") as copy:
            for entry in entries:
                for band in entry.bands:
                    copy.write_row((entry.article_id, band))


def wire_verdicts_backfill(*, redo_all: bool = False, batch_size: int = 500) -> int:
    """Fingerprint and decide every article without a verdict (or every article), in
    batches of ``batch_size``, one transaction each; returns how many were decided.

    For databases from before the verdicts were stored, and for articles written
    before fingerprints were taken on edits. Safe to re-run: with nothing missing it
    costs one query.
    """
    articles = Article.objects.order_by("pk")
    if not redo_all:
        articles = articles.filter(wire_verdict__isnull=True)
    ids = list(articles.values_list("pk", flat=True))
    # By id, not by "no verdict": a batch also decides the verdicts of other articles
    # whose mark it changes, and those must still be fingerprinted in their own batch.
    batches = Article.objects.order_by("pk").only("pk", "outlet_id", "published_at", "body_text")
    for start in range(0, len(ids), batch_size):
        articles_fingerprint(articles=list(batches.filter(pk__in=ids[start : start + batch_size])))
    return len(ids)
