"""Grouping articles into stories, and the editors' corrections to that grouping.

Clustering is incremental and single-pass: each published article is scored against
candidate stories found through the ``StoryTerm`` index (recent stories sharing its
leading terms), joins the best one above ``scoring.JOIN_THRESHOLD``, else starts a
story. The same articles in the same order give the same stories: every ordering and
tie is broken by primary key or term, never by dict or set order.

Editors' decisions are memberships too, and clustering respects them afterwards:

* ``pinned`` memberships never move (merge and split pin what they move);
* ``excluded`` memberships keep an article out of that story for good;
* locked stories take no automatic members and lose none when re-clustering.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article
from audit.services import editorial_log, system_user

from . import evidence, scoring
from .invalidation import memberships_changed
from .models import (
    ArticleSignature,
    Story,
    StoryArticle,
    StoryRedirect,
    StoryTerm,
    TermStatistic,
)
from .querysets import visible_q

JoinedBy = StoryArticle.JoinedBy
EDIT_PERMISSION = "coverage.edit_story_membership"


# --------------------------------------------------------------------- signatures
def _count_documents(added: Counter) -> dict[str, int]:
    """Add ``added[key]`` documents to each key's count and return the counts from
    before: one statement.

    Keys are sorted so that concurrent workers lock the rows in the same order. They go
    in and out as one JSON object each (``json`` keeps the order): a batch of long
    articles counts some ten thousand keys, and psycopg adapts a list item by item in
    Python, where ``json`` encodes and decodes the whole in C.
    """
    keys = sorted(added)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH counted AS (INSERT INTO {TermStatistic._meta.db_table} AS t "  # noqa: S608
            "(term, document_count) SELECT key, value::integer FROM json_each_text(%s::json) "
            "ON CONFLICT (term) DO UPDATE "
            "SET document_count = t.document_count + excluded.document_count "
            "RETURNING term, document_count) "
            "SELECT json_object_agg(term, document_count)::text FROM counted",
            [json.dumps({key: added[key] for key in keys})],
        )
        (counted,) = cursor.fetchone()
    counts = json.loads(counted) if counted else {}
    return {term: count - added[term] for term, count in counts.items()}


def _read_counts(keys: list[str]) -> dict[str, int]:
    return dict(TermStatistic.objects.filter(term__in=keys).values_list("term", "document_count"))


def _signatures_with_stats(
    articles: list[Article],
) -> dict[int, tuple[ArticleSignature, dict[str, int]]]:
    """Each article's signature (its stored one, or a new, unsaved one counted into the
    term statistics) with the statistics scoring needs: one statement for the whole
    batch, and one read more if some articles already had signatures.

    The statistics are those each article would have seen had the batch been counted
    one article after another in the given order (the counts before the batch plus the
    new articles up to and including it), so a batch gives the same vectors, and so the
    same stories, as clustering the articles singly: the incremental IDF depends on the
    order, not on how the articles were grouped into calls.
    """
    stored: dict[int, ArticleSignature] = {}
    new: dict[int, tuple[Counter, list[str]]] = {}  # term counts, entity keys
    keys_of: dict[int, set[str]] = {}
    for article in articles:
        if _signed(article):
            stored[article.pk] = article.signature
            entity_keys = article.signature.entity_keys
            keys_of[article.pk] = {*(f"e:{k}" for k in entity_keys), TermStatistic.DOCUMENTS}
        else:
            counts = evidence.article_term_counts(article)
            entity_keys = sorted(evidence.article_entity_keys(article))
            new[article.pk] = (counts, entity_keys)
            keys_of[article.pk] = {*counts, *(f"e:{k}" for k in entity_keys)}
            keys_of[article.pk].add(TermStatistic.DOCUMENTS)
    added: Counter[str] = Counter()
    for pk in new:
        added.update(keys_of[pk])
    before = _count_documents(added) if added else {}
    if unread := set().union(*keys_of.values()) - before.keys():
        before |= _read_counts(list(unread))
    counted: Counter[str] = Counter()
    out = {}
    for article in articles:
        keys = keys_of[article.pk]
        if article.pk in stored:
            stats = {key: before.get(key, 0) + counted[key] for key in keys}
            out[article.pk] = (stored[article.pk], stats)
            continue
        counted.update(keys)
        stats = {key: before.get(key, 0) + counted[key] for key in keys}
        counts, entity_keys = new[article.pk]
        signature = ArticleSignature(
            article=article,
            vector=scoring.article_vector(counts, stats, stats[TermStatistic.DOCUMENTS]),
            entity_keys=entity_keys,
            clock_at=article.published_at or article.created_at,
        )
        out[article.pk] = (signature, stats)
    return out


def _signed(article: Article) -> bool:
    """Whether the article has a stored signature (read with ``select_related``)."""
    try:
        article.signature  # noqa: B018 - loaded already, no query
    except ArticleSignature.DoesNotExist:
        return False
    return True


def _signature_create(article: Article) -> ArticleSignature:
    """Make, count and save the signature of an article that has none."""
    signature, _ = _signatures_with_stats([article])[article.pk]
    signature.save(force_insert=True)
    return signature


def _key_idf(stats: dict[str, int]):
    n_docs = stats.get(TermStatistic.DOCUMENTS, 1)
    return lambda key: scoring.idf(stats.get(f"e:{key}", 0), n_docs)


# --------------------------------------------------------------------- clustering
def _candidate_sql(terms: list[str], clock: dt.datetime | None, *, after: int = 0):
    """SQL for the ids of stories sharing the most of ``terms``, read through the index.

    Each term contributes at most ``PER_TERM_STORIES`` of its most recent stories in the
    window, so a lookup costs the same with 10 thousand or 10 million stored articles.
    Undated articles (``clock`` None) have no window: they meet the latest stories of
    each term.
    """
    if clock is None:
        low, high = dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)
    else:
        low, high = clock - scoring.CANDIDATE_WINDOW, clock + scoring.CANDIDATE_WINDOW
    table = StoryTerm._meta.db_table
    sql = (
        "SELECT hit.story_id FROM unnest(%s::varchar[]) AS q(term) "  # noqa: S608
        f"CROSS JOIN LATERAL (SELECT st.story_id FROM {table} st WHERE st.term = q.term "
        "AND st.active_at BETWEEN %s AND %s AND st.story_id > %s "
        "ORDER BY st.active_at DESC LIMIT %s) hit "
        "GROUP BY hit.story_id ORDER BY count(*) DESC, hit.story_id LIMIT %s"
    )
    params = [terms, low, high, after, scoring.PER_TERM_STORIES, scoring.CANDIDATE_LIMIT]
    return sql, params


_CANDIDATE_FIELDS = (
    "pk",
    "centroid",
    "entity_counts",
    "first_reported_at",
    "last_updated_at",
    "member_count",
    "active_at",
)


def _candidate_stories(
    terms: list[str], clock: dt.datetime | None, *, after: int = 0
) -> list[Story]:
    """Unlocked, non-empty candidate stories with their centroids (one query): what the
    merge pass compares."""
    if not terms:
        return []
    stories = Story.objects.filter(
        pk__in=RawSQL(*_candidate_sql(terms, clock, after=after)),  # noqa: S611 - no user input
        is_locked=False,
        member_count__gt=0,
    )
    return list(stories.only(*_CANDIDATE_FIELDS).order_by("pk"))


def _candidate_stories_many(
    stories: list[Story], *, known: dict[int, Story] | None = None
) -> dict[int, list[Story]]:
    """``_candidate_stories`` for each story (its centroid's leading terms, its clock,
    later stories only) in two statements instead of one per story: the same lookup
    through the index, run for every story in one lateral join. The merge pass visits
    every active story, and one round trip each was most of its time."""
    queries = []
    for story in stories:
        terms = scoring.query_terms(story.centroid)
        if terms:
            queries.append((story.pk, terms, story.last_updated_at and story.active_at))
    if not queries:
        return {}
    lowest, highest = dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)
    table = StoryTerm._meta.db_table
    sql = (
        "WITH q AS (SELECT * FROM unnest(%s::bigint[], %s::varchar[]) AS q(sid, term)), "  # noqa: S608
        "w AS (SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) "
        "AS w(sid, low, high)) "
        "SELECT w.sid, c.story_id FROM w CROSS JOIN LATERAL ("
        "SELECT hit.story_id FROM q CROSS JOIN LATERAL (SELECT st.story_id FROM "
        f"{table} st WHERE st.term = q.term AND st.active_at BETWEEN w.low AND w.high "
        "AND st.story_id > w.sid ORDER BY st.active_at DESC LIMIT %s) hit "
        "WHERE q.sid = w.sid "
        "GROUP BY hit.story_id ORDER BY count(*) DESC, hit.story_id LIMIT %s) c"
    )
    params: list[Any] = [
        [pk for pk, terms, _ in queries for _term in terms],
        [term for _, terms, _ in queries for term in terms],
        [pk for pk, _, _ in queries],
        [clock - scoring.CANDIDATE_WINDOW if clock else lowest for _, _, clock in queries],
        [clock + scoring.CANDIDATE_WINDOW if clock else highest for _, _, clock in queries],
        scoring.PER_TERM_STORIES,
        scoring.CANDIDATE_LIMIT,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pairs = cursor.fetchall()
    # ``known``: stories the caller has read already, unchanged since (not read twice).
    known = known or {}
    found = {pk: known[pk] for _, pk in pairs if pk in known}
    found |= {
        story.pk: story
        for story in Story.objects.filter(
            pk__in={other for _, other in pairs} - found.keys(),
            is_locked=False,
            member_count__gt=0,
        ).only(*_CANDIDATE_FIELDS)
    }
    out: dict[int, list[Story]] = {}
    for pk, other in pairs:
        if other in found:
            out.setdefault(pk, []).append(found[other])
    return {pk: sorted(others, key=lambda s: s.pk) for pk, others in out.items()}


def _candidate_profiles(
    terms: list[str], clock: dt.datetime | None, *, article_id: int
) -> list[scoring.StoryProfile]:
    """The stories an article could join, each with the vectors of its latest
    ``MEMBER_SAMPLE`` members: unlocked, non-empty, and not excluded for this article.

    One raw statement on the hot path of clustering (the ORM took longer to build it
    than PostgreSQL to run it). The members come through the (story, article) unique
    index read backwards, so the cost does not grow with a story's size.
    """
    if not terms:
        return []
    candidates, params = _candidate_sql(terms, clock)
    membership = StoryArticle._meta.db_table
    sql = (
        "SELECT s.id, s.entity_counts, s.first_reported_at, s.last_updated_at, ARRAY("  # noqa: S608
        f"SELECT sig.vector FROM {membership} sa "
        f"JOIN {ArticleSignature._meta.db_table} sig ON sig.article_id = sa.article_id "
        "WHERE sa.story_id = s.id AND sa.joined_by <> %s "
        "ORDER BY sa.article_id DESC LIMIT %s) "
        f"FROM {Story._meta.db_table} s WHERE s.id IN ({candidates}) "
        "AND NOT s.is_locked AND s.member_count > 0 "
        f"AND NOT EXISTS (SELECT 1 FROM {membership} x WHERE x.story_id = s.id "
        "AND x.article_id = %s AND x.joined_by = %s) "
        "ORDER BY s.id"
    )
    excluded = JoinedBy.EXCLUDED
    with _prepared_cursor() as cursor:
        cursor.execute(sql, [excluded, scoring.MEMBER_SAMPLE, *params, article_id, excluded])
        rows = cursor.fetchall()
    return [
        scoring.StoryProfile(
            story_id=story_id,
            members=[json.loads(vector) for vector in vectors],
            entity_counts=json.loads(entity_counts),
            first_at=first_at,
            last_at=last_at,
        )
        for story_id, entity_counts, first_at, last_at, vectors in rows
    ]


# What ``_story_absorb`` reads and updates, in the model's field order (``from_db``).
_ABSORB_FIELDS = [
    field.attname
    for field in Story._meta.concrete_fields
    if field.attname
    in {
        "id",
        "centroid",
        "entity_counts",
        "member_count",
        "first_reported_at",
        "last_updated_at",
        "active_at",
    }
]
_ABSORB_JSON = {"centroid", "entity_counts"}


def _story_locked(story_id: int) -> Story | None:
    """Lock the story an article joins, with what ``_story_absorb`` updates (the other
    fields load on access); None if it is gone. One plain statement: on the hot path
    the ORM took longer to build the query than PostgreSQL to run it."""
    with _prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_ABSORB_FIELDS)} FROM {Story._meta.db_table} "  # noqa: S608
            "WHERE id = %s FOR UPDATE",
            [story_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        json.loads(value) if name in _ABSORB_JSON else value
        for name, value in zip(_ABSORB_FIELDS, row, strict=True)
    ]
    return Story.from_db(connection.alias, _ABSORB_FIELDS, values)


def _story_start(article: Article, prefer: Story | None = None) -> Story:
    """The story an article starts: ``prefer`` if it is empty and unlocked, else a new,
    unsaved one, which ``_story_absorb`` inserts with its first member."""
    if prefer is not None and prefer.member_count == 0 and not prefer.is_locked:
        return prefer
    return Story(title=article.headline, slug=slugify(article.headline)[:200] or "story")


def _activity(
    last_published_at: dt.datetime | None, active_at: dt.datetime | None, clock: dt.datetime
) -> dt.datetime:
    """When a story was last active: its latest publication date. Only a story with no
    dated member falls back to import times, so an undated article joining a dated story
    does not drag the story out of its own time window."""
    if last_published_at is not None:
        return last_published_at
    return max(filter(None, [active_at, clock]))


def _story_absorb(
    story: Story,
    article: Article,
    signature: ArticleSignature,
    *,
    score: float,
    explanation: dict,
) -> None:
    """Record the membership and add the member's evidence to the story's profile and
    index, without rescanning other members.

    The hot path of clustering, so its five writes (signature, membership, story
    profile, index moves, index additions) go to the database as one statement; for
    a new story (unsaved, from ``_story_start``) the story's insert replaces the two
    updates, so starting a story costs no round trip of its own either.
    """
    # One raw statement, no signals: the story's pages and the article's are named here.
    memberships_changed(story_ids=[story.pk], article_ids=[article.pk])
    story.centroid = scoring.centroid_add(story.centroid, signature.vector)
    story.entity_counts = scoring.counts_add(story.entity_counts, signature.entity_keys)
    story.member_count += 1
    # Readers see a story's dates: an article in review or under embargo sets none
    # (story_refresh recomputes them from the visible members).
    if article.published_at and article.is_public:
        at = article.published_at
        story.first_reported_at = min(filter(None, [story.first_reported_at, at]))
        story.last_updated_at = max(filter(None, [story.last_updated_at, at]))
    # Clustering's clock still counts every dated member, public or not.
    latest = max(filter(None, [story.last_updated_at, article.published_at]), default=None)
    story.active_at = _activity(latest, story.active_at, signature.clock_at)
    params = {
        "article": article.pk,
        "vector": json.dumps(signature.vector),
        "keys": list(signature.entity_keys),
        "clock": signature.clock_at,
        "story": story.pk,
        "score": round(score, 4),
        "joined_by": JoinedBy.AUTOMATIC,
        "explanation": json.dumps(explanation),
        "centroid": json.dumps(story.centroid),
        "entity_counts": json.dumps(story.entity_counts),
        "member_count": story.member_count,
        "first": story.first_reported_at,
        "last": story.last_updated_at,
        "active": story.active_at,
        "terms": scoring.query_terms(signature.vector),
    }
    # Table names come from our models; every value is a parameter.
    signature_insert = (
        f"sig AS (INSERT INTO {ArticleSignature._meta.db_table} "  # noqa: S608
        "(article_id, vector, entity_keys, clock_at) "
        "SELECT %(article)s, %(vector)s::jsonb, %(keys)s::varchar[], %(clock)s "
        "ON CONFLICT (article_id) DO NOTHING)"
    )
    membership_insert = (
        f"membership AS (INSERT INTO {StoryArticle._meta.db_table} "  # noqa: S608
        "(story_id, article_id, score, joined_by, explanation, joined_at) "
        "SELECT {story}, %(article)s, %(score)s, %(joined_by)s, %(explanation)s::jsonb, now()"
    )
    terms_insert = (
        f"INSERT INTO {StoryTerm._meta.db_table} (story_id, term, active_at) "  # noqa: S608
        "SELECT {story}, unnest(%(terms)s::varchar[]), %(active)s"
    )
    if story._state.adding:
        # A new story (``_story_start``): inserted by the same statement, which returns
        # its id; every column as the ORM's insert would write it.
        story.created_at = timezone.now()
        columns = [f for f in Story._meta.concrete_fields if not f.primary_key]
        params |= {
            f"story_{f.column}": f.get_db_prep_save(getattr(story, f.attname), connection)
            for f in columns
        }
        sql = (
            f"WITH new_story AS (INSERT INTO {Story._meta.db_table} "  # noqa: S608
            f"({', '.join(str(f.column) for f in columns)}) "
            f"VALUES ({', '.join(f'%(story_{f.column})s' for f in columns)}) RETURNING id), "
            f"{signature_insert}, "
            f"{membership_insert.format(story='new_story.id')} FROM new_story), "
            f"terms AS ({terms_insert.format(story='new_story.id')} FROM new_story "
            "ON CONFLICT (story_id, term) DO NOTHING) "
            "SELECT id FROM new_story"
        )
        with _prepared_cursor() as cursor:
            cursor.execute(sql, params)
            story.pk = cursor.fetchone()[0]
        story._state.adding = False
        story._state.db = connection.alias
        return
    sql = (
        f"WITH {signature_insert}, "  # noqa: S608
        f"{membership_insert.format(story='%(story)s')}), "
        f"profile AS (UPDATE {Story._meta.db_table} SET centroid = %(centroid)s::jsonb, "
        "entity_counts = %(entity_counts)s::jsonb, member_count = %(member_count)s, "
        "first_reported_at = %(first)s, last_updated_at = %(last)s, active_at = %(active)s "
        "WHERE id = %(story)s), "
        f"moved AS (UPDATE {StoryTerm._meta.db_table} SET active_at = %(active)s "
        "WHERE story_id = %(story)s AND active_at <> %(active)s) "
        f"{terms_insert.format(story='%(story)s')} "
        "ON CONFLICT (story_id, term) DO NOTHING"
    )
    with _prepared_cursor() as cursor:
        cursor.execute(sql, params)


def article_cluster(*, article: Article, prefer_story: Story | None = None) -> tuple[Story, float]:
    """Put ``article`` in the best-matching recent story, or start a story with it.

    An article already in a story stays there (automatic or pinned): re-running only
    brings its entity keys up to date with its mentions (the clustering task runs again
    when editors review mentions or merge entities), and only ``stories_recluster``
    moves automatic members. ``prefer_story``
    is an emptied story to reuse instead of creating one (re-clustering keeps URLs).

    Run on its own, the transaction commits without waiting for the disk flush
    (``synchronous_commit = off``): everything it writes is derived and is rebuilt by
    ``recluster``, so a crash can at worst lose the last few groupings, never corrupt
    them, and throughput nearly doubles. Inside an editor's transaction the caller's
    durability applies.
    """
    with _derived_transaction():
        locked = _articles_locked([article.pk]).get(pk=article.pk)
        return _cluster_locked(locked, prefer_story=prefer_story)


def articles_cluster(*, article_ids: list[int]) -> int:
    """Cluster many articles, in the order given, in one transaction; returns how many
    were placed. The same as calling ``article_cluster`` for each in turn (the same
    stories result), with one lock query and one commit instead of one per article:
    what imports and benchmarks use."""
    ordered = list(dict.fromkeys(article_ids))
    with _derived_transaction():
        locked = {a.pk: a for a in _articles_locked(ordered)}
        to_place = [
            locked[pk] for pk in ordered if pk in locked and locked[pk].current_membership is None
        ]
        evidence_of = _signatures_with_stats(to_place)
        for pk in ordered:
            if pk in locked:
                _cluster_locked(locked[pk], prefer_story=None, evidence=evidence_of.get(pk))
    return len(locked)


@contextlib.contextmanager
def _derived_transaction():
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield


# Executions of one statement after which psycopg prepares it: the hot statements of
# placement are run once or more per article, so they are planned once per connection.
PREPARE_THRESHOLD = 2


def _prepared_cursor():
    """A cursor whose statements PostgreSQL plans once per connection and then reuses.

    Django binds parameters on the client, so every statement is planned again, and
    for the statements run once an article (the candidates, the story lock, the
    combined write) planning cost the server more than running them. This cursor
    binds on the server, and the connection prepares a statement the second time it
    runs; Django's own cursors never prepare (client-side binding cannot), so nothing
    else changes. Statements are wrapped as Django's are: logged, counted by tests.
    Needs a session per connection (no transaction-pooling PgBouncer in front, as
    today; see ``deploy/``).
    """
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = PREPARE_THRESHOLD
    # The stubs know Django's cursor classes without psycopg's constructor.
    cursor = cast(CursorWrapper, ServerBindingCursor(raw))  # type: ignore[call-arg]
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def _articles_locked(ids: list[int]):
    """Lock the articles so that the worker and a command never cluster one twice at
    once; the same query brings their signatures and says which already have a story
    (and one more brings their mentions)."""
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("signature")
        .prefetch_related(evidence.public_mentions())
        .annotate(
            current_membership=Subquery(
                StoryArticle.objects.current().filter(article=OuterRef("pk")).values("pk")[:1]
            )
        )
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _cluster_locked(
    article: Article,
    *,
    prefer_story: Story | None,
    evidence: tuple[ArticleSignature, dict[str, int]] | None = None,
) -> tuple[Story, float]:
    """Cluster one locked article. ``evidence`` is its signature and statistics when the
    caller prepared them for a batch (``_signatures_with_stats``)."""
    # ``current_membership`` is annotated by the caller's query (_articles_locked).
    membership = article.current_membership  # type: ignore[attr-defined]
    if membership is not None:
        current = StoryArticle.objects.select_related("story").get(pk=membership)
        _entity_keys_refresh(article, current.story)
        return current.story, current.score

    # A new signature is saved with the membership below.
    signature, stats = evidence or _signatures_with_stats([article])[article.pk]
    candidates = _candidate_profiles(
        scoring.query_terms(signature.vector),
        article.published_at and signature.clock_at,
        article_id=article.pk,
    )
    key_idf = _key_idf(stats)
    matches = [
        scoring.score(
            vector=signature.vector,
            entity_keys=signature.entity_keys,
            at=article.published_at,
            story=profile,
            key_idf=key_idf,
        )
        for profile in candidates
    ]
    best = scoring.best_match(matches)
    story: Story | None
    if best is None:
        story = _story_start(article, prefer_story)
        score, explanation = 1.0, {"started_story": True}
    else:
        story = _story_locked(best.story_id)
        if story is None:
            # A re-clustering pass absorbed the story between the candidates' read and
            # this lock: look again, now that the pass has committed.
            return _cluster_locked(article, prefer_story=prefer_story, evidence=(signature, stats))
        score, explanation = best.score, best.explanation()
    _story_absorb(story, article, signature, score=score, explanation=explanation)
    return story, score


def _entity_keys_refresh(article: Article, story: Story) -> None:
    """Bring a placed article's entity keys up to date with its mentions (after an
    editor confirmed or rejected one, or merged two entities), with the key statistics
    and its story's entity counts, so that later articles are scored against what the
    editors decided rather than what was first suggested."""
    if not _signed(article):
        return
    signature = article.signature
    keys = sorted(evidence.article_entity_keys(article))
    gained, lost = set(keys) - set(signature.entity_keys), set(signature.entity_keys) - set(keys)
    if not gained and not lost:
        return
    if gained:
        _count_documents(Counter(f"e:{key}" for key in gained))
    TermStatistic.objects.filter(term__in=[f"e:{key}" for key in lost]).update(
        document_count=Greatest(F("document_count") - 1, 0)
    )
    signature.entity_keys = keys
    signature.save(update_fields=["entity_keys"])
    story = Story.objects.select_for_update().get(pk=story.pk)
    counts = scoring.counts_add(story.entity_counts, gained)
    for key in lost:
        counts[key] = counts.get(key, 0) - 1
        if counts[key] <= 0:
            del counts[key]
    story.entity_counts = counts
    story.save(update_fields=["entity_counts"])


def _central_headline(members: list[tuple[Article, ArticleSignature]], centroid) -> str | None:
    """The headline of the member closest to the story's centroid (ties: earliest pk)."""
    c_norm = scoring.norm(centroid) or 1.0
    best = None
    for article, signature in members:
        closeness = sum(w * centroid.get(t, 0.0) for t, w in signature.vector.items()) / c_norm
        if best is None or closeness > best[0] + 1e-9:
            best = (closeness, article.headline)
    return best[1] if best else None


def story_refresh(*, story: Story) -> Story:
    """Recompute a story's profile, index, dates and default title from its members.

    Used after editors' changes and merges, which move many members at once. The
    profile, index and activity clock come from every current member (clustering sees
    articles before readers do); the title and the dates readers see come from the
    visible members only, so a withdrawn article's headline or an embargo time never
    shows.
    """
    stories_refresh(stories=[story])
    return story


def stories_refresh(*, stories: list[Story]) -> list[Story]:
    """``story_refresh`` for many stories in a fixed number of statements (the
    re-clustering pass touches hundreds at once): one read of all their members, one
    update, one index rebuild."""
    if not stories:
        return stories
    # A raw UPDATE (titles, dates, counts): no signals, so the stories are named here.
    memberships_changed(story_ids=[s.pk for s in stories])
    by_story: dict[int, list[StoryArticle]] = {s.pk: [] for s in stories}
    # Only what a profile needs of each article: not its body (a pass touches hundreds
    # of stories; the rare article without a signature reads the rest when signed).
    memberships = (
        StoryArticle.objects.current()
        .filter(story_id__in=list(by_story))
        .select_related("article")
        .annotate(is_visible=ExpressionWrapper(visible_q(), output_field=BooleanField()))
        .only("story_id", "article_id", "article__headline", "article__published_at")
        .order_by("story_id", "article_id")
    )
    visible: set[int] = set()
    for membership in memberships:
        by_story[membership.story_id].append(membership)
        if membership.is_visible:
            visible.add(membership.article_id)
    signatures = {
        s.article_id: s
        for s in ArticleSignature.objects.filter(
            article_id__in=[m.article_id for ms in by_story.values() for m in ms]
        )
    }
    terms = []
    for story in stories:
        members = []
        for membership in by_story[story.pk]:
            signature = signatures.get(membership.article_id)
            if signature is None:
                signature = _signature_create(membership.article)
            members.append((membership.article, signature))
        story.centroid = scoring.centroid_sum(s.vector for _, s in members)
        story.entity_counts = {}
        for _, signature in members:
            story.entity_counts = scoring.counts_add(story.entity_counts, signature.entity_keys)
        story.member_count = len(members)
        shown = [(a, s) for a, s in members if a.pk in visible]
        dates = [a.published_at for a, _ in shown if a.published_at]
        story.first_reported_at = min(dates, default=None)
        story.last_updated_at = max(dates, default=None)
        story.active_at = max(
            (a.published_at for a, _ in members if a.published_at), default=None
        ) or max((s.clock_at for _, s in members), default=None)
        if not story.is_title_edited:
            headline = _central_headline(shown, story.centroid)
            if headline:
                story.title = headline
                story.slug = slugify(headline)[:200] or "story"
        if story.active_at is not None:
            terms += [
                (story.pk, t, story.active_at)
                for t in sorted({t for _, s in members for t in scoring.query_terms(s.vector)})
            ]
    # One statement from arrays: bulk_update's CASE per field took longer to build than
    # to run with hundreds of stories.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Story._meta.db_table} AS s SET centroid = v.centroid, "  # noqa: S608
            "entity_counts = v.entity_counts, member_count = v.member_count, "
            "first_reported_at = v.first_at, last_updated_at = v.last_at, "
            "active_at = v.active_at, title = v.title, slug = v.slug "
            "FROM unnest(%s::bigint[], %s::jsonb[], %s::jsonb[], %s::integer[], "
            "%s::timestamptz[], %s::timestamptz[], %s::timestamptz[], %s::varchar[], "
            "%s::varchar[]) AS v(id, centroid, entity_counts, member_count, first_at, "
            "last_at, active_at, title, slug) WHERE s.id = v.id",
            [
                [s.pk for s in stories],
                [json.dumps(s.centroid) for s in stories],
                [json.dumps(s.entity_counts) for s in stories],
                [s.member_count for s in stories],
                [s.first_reported_at for s in stories],
                [s.last_updated_at for s in stories],
                [s.active_at for s in stories],
                [s.title for s in stories],
                [s.slug for s in stories],
            ],
        )
        # The index rebuilt in two statements (bulk_create spent longer making model
        # instances and batches than PostgreSQL did inserting them).
        cursor.execute(
            f"DELETE FROM {StoryTerm._meta.db_table} WHERE story_id = ANY(%s::bigint[])",  # noqa: S608
            [list(by_story)],
        )
        cursor.execute(
            f"INSERT INTO {StoryTerm._meta.db_table} (story_id, term, active_at) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[])",
            [[t[0] for t in terms], [t[1] for t in terms], [t[2] for t in terms]],
        )
    return stories


# ------------------------------------------------------------------ editor control
def _check_editor(by: User) -> None:
    if by is None or not by.has_perm(EDIT_PERMISSION):
        raise PermissionDenied("Changing how articles are grouped needs the coverage editor role.")


def _lock_stories(stories: Iterable[Story]) -> dict[int, Story]:
    """Lock story rows in primary-key order (no deadlock between two merges)."""
    ids = sorted({s.pk for s in stories})
    return {s.pk: s for s in Story.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _merge_into(keep: Story, other: Story, *, pin: bool, note: dict) -> int:
    """Move ``other``'s members into ``keep`` and delete ``other``; returns members moved."""
    members = StoryArticle.objects.current().filter(story=other)
    article_ids = list(members.values_list("article_id", flat=True))
    # The merged story's own exclusions go with it; an exclusion from ``keep`` of an
    # article now merged in is overruled by the merge.
    StoryArticle.objects.filter(
        story=keep, article_id__in=article_ids, joined_by=JoinedBy.EXCLUDED
    ).delete()
    for membership in members:
        membership.story = keep
        if pin:
            membership.joined_by = JoinedBy.PINNED
        membership.explanation = {**membership.explanation, **note}
        membership.save(update_fields=["story", "joined_by", "explanation"])
    story_redirect_record(old_story_id=other.pk, story=keep)
    other.delete()
    return len(article_ids)


def story_redirect_record(*, old_story_id: int, story: Story) -> None:
    """Make ``old_story_id``'s URL answer with a 301 to ``story`` (call before deleting
    the old story)."""
    stories_redirect_record(moves={old_story_id: story.pk})


def stories_redirect_record(*, moves: dict[int, int]) -> None:
    """Old story id → the id of the story that absorbed it, for many at once.
    Redirects that pointed at an old story now point at its heir, so a reader never
    follows a chain."""
    if not moves:
        return
    repointed = list(StoryRedirect.objects.filter(story_id__in=list(moves)))
    for redirect in repointed:
        redirect.story_id = moves[redirect.story_id]
    StoryRedirect.objects.bulk_update(repointed, ["story"])
    StoryRedirect.objects.bulk_create(
        [StoryRedirect(old_story_id=old, story_id=new) for old, new in sorted(moves.items())],
        update_conflicts=True,
        unique_fields=["old_story_id"],
        update_fields=["story"],
    )


@transaction.atomic(durable=True)
def story_merge(*, keep: Story, others: list[Story], by: User) -> Story:
    """Merge ``others`` into ``keep``; their articles are pinned so re-clustering keeps them."""
    _check_editor(by)
    if any(o.pk == keep.pk for o in others) or not others:
        raise ValidationError({"others": "Choose other stories than the one kept."})
    locked = _lock_stories([keep, *others])
    keep = locked[keep.pk]
    moved = 0
    for other in sorted(others, key=lambda s: s.pk):
        moved += _merge_into(keep, locked[other.pk], pin=True, note={"merged_from": other.pk})
    StoryArticle.objects.filter(story=keep, joined_by=JoinedBy.AUTOMATIC).update(
        joined_by=JoinedBy.PINNED
    )
    story_refresh(story=keep)
    editorial_log(
        actor=by,
        action="story.merge",
        target=keep,
        payload={"merged_story_ids": sorted(o.pk for o in others), "articles_moved": moved},
    )
    return keep


@transaction.atomic(durable=True)
def story_split(*, story: Story, articles: list[Article], title: str, by: User) -> Story:
    """Move ``articles`` from ``story`` into a new story titled ``title``.

    They are pinned to the new story and excluded from the old one, and the old story's
    remaining members are pinned where they are, so automatic clustering never undoes
    the split.
    """
    _check_editor(by)
    story = _lock_stories([story])[story.pk]
    article_ids = sorted({a.pk for a in articles})
    members = StoryArticle.objects.current().filter(story=story, article_id__in=article_ids)
    if not article_ids or members.count() != len(article_ids):
        raise ValidationError({"articles": "Choose articles that belong to the story."})
    if not title.strip():
        raise ValidationError({"title": "The new story needs a title."})
    new = Story.objects.create(
        title=title.strip(), slug=slugify(title)[:200] or "story", is_title_edited=True
    )
    # update and bulk_create send no signals: both stories and the moved articles.
    memberships_changed(story_ids=[story.pk, new.pk], article_ids=article_ids)
    members.update(joined_by=JoinedBy.EXCLUDED, explanation={"split_to": new.pk})
    # The editor has now judged the remaining members too: they stay together.
    StoryArticle.objects.filter(story=story, joined_by=JoinedBy.AUTOMATIC).update(
        joined_by=JoinedBy.PINNED
    )
    StoryArticle.objects.bulk_create(
        StoryArticle(
            story=new,
            article_id=pk,
            joined_by=JoinedBy.PINNED,
            score=1.0,
            explanation={"split_from": story.pk},
        )
        for pk in article_ids
    )
    story_refresh(story=story)
    story_refresh(story=new)
    editorial_log(
        actor=by,
        action="story.split",
        target=story,
        payload={"new_story_id": new.pk, "article_ids": article_ids},
    )
    return new


@transaction.atomic(durable=True)
def article_pin(*, article: Article, story: Story, by: User) -> StoryArticle:
    """Pin ``article`` to ``story``: it leaves any other story and never moves again."""
    _check_editor(by)
    previous = StoryArticle.objects.current().filter(article=article).first()
    locked = _lock_stories([story] + ([previous.story] if previous else []))
    story = locked[story.pk]
    if previous is not None and previous.story_id != story.pk:
        previous.delete()
        story_refresh(story=locked[previous.story_id])
    membership, _ = StoryArticle.objects.update_or_create(
        story=story,
        article=article,
        defaults={"joined_by": JoinedBy.PINNED, "explanation": {"pinned": True}, "score": 1.0},
    )
    story_refresh(story=story)
    editorial_log(
        actor=by,
        action="story.pin",
        target=story,
        payload={
            "article_id": article.pk,
            "previous_story_id": previous.story_id if previous else None,
        },
    )
    return membership


@transaction.atomic(durable=True)
def article_exclude(*, article: Article, story: Story, by: User) -> Story:
    """Take ``article`` out of ``story`` for good, and cluster it again elsewhere.

    Returns the story it lands in (never ``story``).
    """
    _check_editor(by)
    story = _lock_stories([story])[story.pk]
    StoryArticle.objects.update_or_create(
        story=story,
        article=article,
        defaults={"joined_by": JoinedBy.EXCLUDED, "explanation": {"excluded": True}},
    )
    story_refresh(story=story)
    editorial_log(
        actor=by, action="story.exclude", target=story, payload={"article_id": article.pk}
    )
    new_story, _ = article_cluster(article=article)
    return new_story


@transaction.atomic(durable=True)
def story_lock(*, story: Story, is_locked: bool, by: User) -> Story:
    _check_editor(by)
    story = _lock_stories([story])[story.pk]
    before = story.is_locked
    story.is_locked = is_locked
    story.save(update_fields=["is_locked"])
    editorial_log(
        actor=by,
        action="story.lock" if is_locked else "story.unlock",
        target=story,
        payload={"before": before, "after": is_locked},
    )
    return story


@transaction.atomic
def story_update(*, story: Story, title: str, summary: str, by: User) -> Story:
    """An editor's title sticks: clustering stops choosing the title from then on."""
    _check_editor(by)
    before = {"title": story.title, "summary": story.summary}
    if title != story.title:
        story.title = title
        story.slug = slugify(title)[:200] or "story"
        story.is_title_edited = True
    story.summary = summary
    story.full_clean()
    story.save()
    editorial_log(
        actor=by,
        action="story.update",
        target=story,
        payload={"before": before, "after": {"title": title, "summary": summary}},
    )
    return story


# --------------------------------------------------------------- periodic passes
def _centroid_similarity(a: Story, b: Story, norms: dict[int, float] | None = None) -> float:
    """Cosine of two stories' centroids; ``norms`` caches each story's centroid norm
    by id (the merge pass compares each story with a dozen others)."""
    if norms is None:
        na, nb = scoring.norm(a.centroid), scoring.norm(b.centroid)
    else:
        if a.pk not in norms:
            norms[a.pk] = scoring.norm(a.centroid)
        if b.pk not in norms:
            norms[b.pk] = scoring.norm(b.centroid)
        na, nb = norms[a.pk], norms[b.pk]
    if not na or not nb:
        return 0.0
    small, large = sorted((a.centroid, b.centroid), key=len)
    return sum(w * large.get(t, 0.0) for t, w in small.items()) / (na * nb)


# Stories whose merge candidates are looked up in one statement.
MERGE_LOOKUP_STORIES = 200


# The passes that regroup many stories at once (the merge pass here, the windowed
# re-clustering pass in reclustering.py) never run at the same time, on one worker or
# several: each takes this transaction-level advisory lock and skips when another pass
# holds it. One key for all windows rather than one per window: every window is "the
# last N days", so any two overlap and two passes would move the same memberships.
CLUSTERING_PASS_LOCK = 0x5EC1_0518


def clustering_pass_lock() -> bool:
    """Take the passes' lock until this transaction ends; False when another pass has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CLUSTERING_PASS_LOCK])
        return cursor.fetchone()[0]


@transaction.atomic
def stories_merge_converging(
    *, since: dt.datetime | None = None, by: User | None = None
) -> list[tuple]:
    """Merge stories whose profiles have converged (the periodic pass).

    Two stories are merged when their centroids' cosine reaches MERGE_THRESHOLD, their
    dates are close, neither is locked and no editor excluded a member of one from the
    other. The younger story goes into the older. Returns (kept, merged) id pairs; none
    when another clustering pass is running (``clustering_pass_lock``): the next pass,
    scheduled as articles arrive, picks up what this one would have merged.
    """
    if not clustering_pass_lock():
        return []
    actor = by or system_user()
    stories = Story.objects.filter(is_locked=False, member_count__gt=0).order_by("pk")
    if since is not None:
        stories = stories.filter(active_at__gte=since)
    merged: list[tuple[int, int]] = []
    gone: set[int] = set()
    # Read once: a merge changes only the story being visited (earlier in the order
    # than every story merged into it) and deletes the other. Candidates are looked up
    # for the next MERGE_LOOKUP_STORIES stories at once, and again from the next story
    # after a merge (a deleted story frees a place among a later story's candidates),
    # so the result is the same as looking them up story by story.
    stories = list(stories)  # type: ignore[assignment]  # the queryset, read once
    by_pk = {s.pk: s for s in stories}
    norms: dict[int, float] = {}
    candidates_of: dict[int, list[Story]] = {}
    looked_up_to = 0  # stories[:looked_up_to] have their candidates in candidates_of
    for position, story in enumerate(stories):
        if story.pk in gone:
            continue
        if position >= looked_up_to:
            looked_up_to = position + MERGE_LOOKUP_STORIES
            ahead = [s for s in stories[position:looked_up_to] if s.pk not in gone]
            candidates_of = _candidate_stories_many(ahead, known=by_pk)
        is_changed = False
        for other in candidates_of.get(story.pk, []):
            if other.pk in gone:
                continue
            if _centroid_similarity(story, other, norms) < scoring.MERGE_THRESHOLD:
                continue
            proximity = scoring.time_proximity(
                other.first_reported_at, story.first_reported_at, story.last_updated_at
            )
            if proximity is not None and proximity < 0.5:
                continue
            conflict = StoryArticle.objects.filter(
                Q(story=story, article__story_memberships__story=other)
                | Q(story=other, article__story_memberships__story=story),
                joined_by=JoinedBy.EXCLUDED,
            ).exists()
            if conflict:
                continue
            other_id = other.pk  # delete() clears it
            _lock_stories([story, other])
            moved = _merge_into(story, other, pin=False, note={"converged_from": other_id})
            story_refresh(story=story)
            norms.pop(story.pk, None)  # its centroid changed
            editorial_log(
                actor=actor,
                action="story.merge_converged",
                target=story,
                payload={"merged_story_ids": [other_id], "articles_moved": moved},
            )
            merged.append((story.pk, other_id))
            gone.add(other_id)
            is_changed = True
        if is_changed:
            looked_up_to = 0  # look up again from the next story
    return merged


@transaction.atomic
def stories_retitle(*, since: dt.datetime | None = None, by: User | None = None) -> int:
    """Give each recently active story the headline of its most central visible article.

    Joining is incremental and never rereads other members, so a story keeps its first
    article's headline until this periodic pass (or an editor's change) runs. Titles an
    editor set are left alone; unpublished and embargoed members are never a title.
    Each change is audited (as ``by``, else the system user); the story's save
    invalidates its cached pages when the pass commits (coverage/invalidation.py).
    Returns how many titles changed.
    """
    stories = Story.objects.filter(is_title_edited=False, member_count__gt=1).order_by("pk")
    if since is not None:
        stories = stories.filter(active_at__gte=since)
    changed = 0
    actor = None
    for story in stories.only("pk", "title", "slug", "centroid"):
        members = list(
            StoryArticle.objects.visible()
            .filter(story=story)
            .select_related("article", "article__signature")
            .order_by("article_id")
        )
        pairs = [
            (m.article, m.article.signature) for m in members if hasattr(m.article, "signature")
        ]
        headline = _central_headline(pairs, story.centroid)
        if headline and headline != story.title:
            before = story.title
            story.title, story.slug = headline, slugify(headline)[:200] or "story"
            story.save(update_fields=["title", "slug"])
            actor = actor or by or system_user()
            editorial_log(
                actor=actor,
                action="story.retitle",
                target=story,
                payload={"before": {"title": before}, "after": {"title": headline}},
            )
            changed += 1
    return changed


@dataclass
class ReclusterReport:
    articles: int = 0
    moved: list[int] = field(default_factory=list)
    stories_before: int = 0
    stories_after: int = 0
    stories_deleted: int = 0
    merges: int = 0

    def __str__(self):
        return (
            f"{self.articles} articles re-clustered, {len(self.moved)} changed story, "
            f"stories {self.stories_before} → {self.stories_after} "
            f"({self.stories_deleted} emptied and deleted, {self.merges} converged merges)"
        )


def _groups(article_ids: list[int]) -> dict[int, frozenset]:
    """Article → the set of its co-members: what 'changed story' compares."""
    rows = StoryArticle.objects.current().filter(article_id__in=article_ids)
    by_story: dict[int, set[int]] = {}
    article_story = {}
    for article_id, story_id in rows.values_list("article_id", "story_id"):
        by_story.setdefault(story_id, set()).add(article_id)
        article_story[article_id] = story_id
    return {a: frozenset(by_story[s]) for a, s in article_story.items()}


class _DryRun(Exception):
    pass


def stories_recluster(
    *,
    since: dt.datetime | None = None,
    dry_run: bool = False,
    by: User | None = None,
    on_article: Callable[[int, int], None] | None = None,
) -> ReclusterReport:
    """Cluster published articles again, in time order, keeping every editor decision.

    Automatic memberships of the articles (published since ``since``, or all) are
    dropped, except in locked stories; pinned and excluded memberships stay. Without
    ``since`` the term statistics and signatures are rebuilt too (e.g. after changing
    the entity source). Emptied stories are reused for the first article that would
    start a new story, so unchanged stories keep their URLs; the rest are deleted.
    With ``dry_run`` everything is computed and rolled back.
    """
    report = ReclusterReport()
    try:
        with transaction.atomic(durable=True):
            _recluster(report, since=since, by=by or system_user(), on_article=on_article)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _heirs(gone: set[int], previous_story: dict[int, int]) -> dict[int, int]:
    """Each emptied story → the story most of its articles are in now, so that its URL
    answers 301 there (as after a merge) rather than 404. A story whose articles all
    left the public set has no heir."""
    now_in = dict(
        StoryArticle.objects.current()
        .filter(article_id__in=[a for a, s in previous_story.items() if s in gone])
        .exclude(story_id__in=gone)
        .values_list("article_id", "story_id")
    )
    went: dict[int, Counter[int]] = {}
    for article_id, old in previous_story.items():
        if old in gone and article_id in now_in:
            went.setdefault(old, Counter())[now_in[article_id]] += 1
    return {old: counts.most_common(1)[0][0] for old, counts in went.items()}


def _recluster(report, *, since, by: User, on_article) -> None:
    articles = Article.objects.published()
    if since is not None:
        articles = articles.filter(Q(published_at__gte=since) | Q(published_at__isnull=True))
    ids = list(
        articles.order_by("published_at", "pk").values_list("pk", flat=True)
    )  # nulls sort last in PostgreSQL ascending order
    report.articles = len(ids)
    report.stories_before = Story.objects.count()
    before = _groups(ids)
    automatic = StoryArticle.objects.filter(
        article_id__in=ids, joined_by=JoinedBy.AUTOMATIC, story__is_locked=False
    )
    touched = sorted(set(automatic.values_list("story_id", flat=True)))
    previous_story = dict(automatic.values_list("article_id", "story_id"))
    automatic.delete()
    if since is None:
        ArticleSignature.objects.all().delete()
        TermStatistic.objects.all().delete()
    for story in Story.objects.filter(pk__in=touched).order_by("pk"):
        story_refresh(story=story)
    stories = {s.pk: s for s in Story.objects.filter(pk__in=touched)}
    for position, article_id in enumerate(ids, 1):
        previous = previous_story.get(article_id)
        prefer = stories.get(previous) if previous is not None else None
        if prefer is not None:
            prefer.refresh_from_db(fields=["member_count", "is_locked"])
        article_cluster(article=Article(pk=article_id), prefer_story=prefer)
        if on_article:
            on_article(position, len(ids))
    report.merges = len(stories_merge_converging(by=by))
    stories_retitle()
    empty = Story.objects.filter(pk__in=touched, member_count=0, is_locked=False)
    gone = set(empty.values_list("pk", flat=True))
    stories_redirect_record(moves=_heirs(gone, previous_story))
    report.stories_deleted = len(gone)
    empty.delete()
    after = _groups(ids)
    report.moved = sorted(a for a in ids if before.get(a) != after.get(a))
    report.stories_after = Story.objects.count()
