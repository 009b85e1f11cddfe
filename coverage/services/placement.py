"""Online placement: each published article put in a story seconds after it arrives.

Clustering is incremental and single-pass: each published article is scored against
candidate stories found through the ``StoryTerm`` index (recent stories sharing its
leading terms), joins the best one above ``scoring.JOIN_THRESHOLD``, else starts a
story. The same articles in the same order give the same stories: every ordering and
tie is broken by primary key or term, never by dict or set order.

Its own module because it is the hot path (raw statements where the ORM took longer
to build a query than PostgreSQL to run it, statements prepared per connection) and
the lowest layer of the package: the editors' services and the passes call
``article_cluster`` and ``story_refresh`` from here, and nothing here imports them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import orjson
from django.db import connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article

from .. import evidence, scoring
from ..invalidation import memberships_changed
from ..models import ArticleSignature, Story, StoryArticle, StoryTerm, TermStatistic
from ..querysets import visible_q

JoinedBy = StoryArticle.JoinedBy


def _dumps(value: Any) -> str:
    """JSON for PostgreSQL, by orjson: every article placed sends a few hundred floats
    (its vector, its story's centroid) and reads more, and the standard library spends
    most of that time writing and parsing the floats. The numbers are the same (the
    shortest text that reads back as the same float; only the exponent is written
    differently, "1e-5" for "1e-05"), so ``jsonb`` stores the same values."""
    return orjson.dumps(value).decode()


@dataclasses.dataclass
class _Placed:
    """What one transaction of placement knows already, so that a batch does not read
    it again: the stories it has locked or started, as it wrote them (their rows stay
    locked until it commits, so nobody else can change them meanwhile), and signature
    vectors by article (its own articles' and the members' it read). Its statements
    go through one prepared cursor (``_prepared_cursor``)."""

    cursor: CursorWrapper
    stories: dict[int, Story] = dataclasses.field(default_factory=dict)
    vectors: dict[int, dict[str, float]] = dataclasses.field(default_factory=dict)


@contextlib.contextmanager
def _placing() -> Iterator[_Placed]:
    with _prepared_cursor() as cursor:
        yield _Placed(cursor=cursor)


# --------------------------------------------------------------------- signatures
def _count_documents(added: Counter[str]) -> dict[str, int]:
    """Add ``added[key]`` documents to each key's count and return the counts from
    before of the keys that had one (a key missing from the answer had none): one
    statement.

    Keys are sorted so that concurrent workers lock the rows in the same order. They go
    in and out as one JSON object each (which keeps the order): a batch of long
    articles counts some ten thousand keys, and psycopg adapts a list item by item in
    Python, where JSON is encoded and decoded whole in C. Only the keys that were
    there come back (``old``: PostgreSQL 18): a new key's count before is 0, and a
    batch of long articles brings thousands of new keys.
    """
    keys = sorted(added)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH counted AS (INSERT INTO {TermStatistic._meta.db_table} AS t "  # noqa: S608
            "(term, document_count) SELECT key, value::integer FROM json_each_text(%s::json) "
            "ON CONFLICT (term) DO UPDATE "
            "SET document_count = t.document_count + excluded.document_count "
            "RETURNING term, old.document_count AS before) "
            "SELECT json_object_agg(term, before)::text FROM counted WHERE before IS NOT NULL",
            [_dumps({key: added[key] for key in keys})],
        )
        (counted,) = cursor.fetchone()
    return orjson.loads(counted) if counted else {}


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
    new: dict[int, tuple[Counter[str], list[str]]] = {}  # term counts, entity keys
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
    # Keys only stored signatures have were not counted: read them.
    if unread := set().union(*(keys_of[pk] for pk in stored)) - added.keys():
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


def _key_idf(stats: dict[str, int]) -> Callable[[str], float]:
    n_docs = stats.get(TermStatistic.DOCUMENTS, 1)
    return lambda key: scoring.idf(stats.get(f"e:{key}", 0), n_docs)


# --------------------------------------------------------------------- clustering
def _candidate_sql(
    terms: list[str], clock: dt.datetime | None, *, after: int = 0
) -> tuple[str, list[Any]]:
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
        "SELECT hit.story_id FROM json_array_elements_text(%s::json) AS q(term) "  # noqa: S608
        f"CROSS JOIN LATERAL (SELECT st.story_id FROM {table} st WHERE st.term = q.term "
        "AND st.active_at BETWEEN %s AND %s AND st.story_id > %s "
        "ORDER BY st.active_at DESC LIMIT %s) hit "
        "GROUP BY hit.story_id ORDER BY count(*) DESC, hit.story_id LIMIT %s"
    )
    # The terms as one JSON array: psycopg adapts a list item by item in Python.
    params = [
        _dumps(terms),
        low,
        high,
        after,
        scoring.PER_TERM_STORIES,
        scoring.CANDIDATE_LIMIT,
    ]
    return sql, params


def _candidate_profiles(
    terms: list[str], clock: dt.datetime | None, *, article_id: int, placed: _Placed
) -> list[scoring.StoryProfile]:
    """The stories an article could join, each with the vectors of its latest
    ``MEMBER_SAMPLE`` members: unlocked, non-empty, and not excluded for this article.

    One raw statement on the hot path of clustering (the ORM took longer to build it
    than PostgreSQL to run it). The members come through the (story, article) unique
    index read backwards, so the cost does not grow with a story's size.

    The statement sends only what ``placed`` does not know already: member vectors
    (the vectors it reads are added to ``placed``) and the entity counts of the stories
    this transaction has written. A signature's vector is written once and never
    changed, and a batch meets the same members and stories again and again: this
    spares the server writing and this process parsing the same JSON for every later
    article.
    """
    if not terms:
        return []
    known = placed.vectors
    candidates, params = _candidate_sql(terms, clock)
    membership = StoryArticle._meta.db_table
    sql = (
        "SELECT s.id, CASE WHEN s.id = ANY(%s::bigint[]) THEN NULL "  # noqa: S608
        "ELSE s.entity_counts END, s.first_reported_at, s.last_updated_at, m.ids, m.vectors "
        f"FROM {Story._meta.db_table} s CROSS JOIN LATERAL ("
        "SELECT array_agg(sa.article_id ORDER BY sa.article_id DESC) AS ids, "
        "array_agg(CASE WHEN sa.article_id = ANY(%s::bigint[]) THEN NULL ELSE sig.vector END "
        "ORDER BY sa.article_id DESC) AS vectors "
        f"FROM (SELECT sa.article_id FROM {membership} sa "
        "WHERE sa.story_id = s.id AND sa.joined_by <> %s "
        "ORDER BY sa.article_id DESC LIMIT %s) sa "
        f"JOIN {ArticleSignature._meta.db_table} sig ON sig.article_id = sa.article_id) m "
        f"WHERE s.id IN ({candidates}) "
        "AND NOT s.is_locked AND s.member_count > 0 "
        f"AND NOT EXISTS (SELECT 1 FROM {membership} x WHERE x.story_id = s.id "
        "AND x.article_id = %s AND x.joined_by = %s) "
        "ORDER BY s.id"
    )
    excluded = JoinedBy.EXCLUDED
    # Array literals: psycopg would adapt a list of ids one by one in Python.
    known_stories = "{" + ",".join(map(str, placed.stories)) + "}"
    known_ids = "{" + ",".join(map(str, known)) + "}"
    placed.cursor.execute(
        sql,
        [known_stories, known_ids, excluded, scoring.MEMBER_SAMPLE, *params, article_id, excluded],
    )
    profiles = []
    for story_id, entity_counts, first_at, last_at, ids, vectors in placed.cursor.fetchall():
        members: list[Mapping[str, float]] = []
        for member_id, vector in zip(ids or (), vectors or (), strict=True):
            if vector is not None:
                known[member_id] = orjson.loads(vector)
            members.append(known[member_id])
        profiles.append(
            scoring.StoryProfile(
                story_id=story_id,
                members=members,
                entity_counts=(
                    placed.stories[story_id].entity_counts
                    if entity_counts is None
                    else orjson.loads(entity_counts)
                ),
                first_at=first_at,
                last_at=last_at,
            )
        )
    return profiles


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


def _story_locked(story_id: int, *, cursor: CursorWrapper) -> Story | None:
    """Lock the story an article joins, with what ``_story_absorb`` updates (the other
    fields load on access); None if it is gone. One plain statement: on the hot path
    the ORM took longer to build the query than PostgreSQL to run it."""
    cursor.execute(
        f"SELECT {', '.join(_ABSORB_FIELDS)} FROM {Story._meta.db_table} "  # noqa: S608
        "WHERE id = %s FOR UPDATE",
        [story_id],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    values = [
        orjson.loads(value) if name in _ABSORB_JSON else value
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
    explanation: dict[str, Any],
    terms: list[str],
    cursor: CursorWrapper,
) -> None:
    """Record the membership and add the member's evidence to the story's profile and
    index (``terms``: the member's query terms), without rescanning other members.

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
    params: dict[str, Any] = {
        "article": article.pk,
        "vector": _dumps(signature.vector),
        # Lists as JSON arrays: psycopg adapts a list item by item in Python.
        "keys": _dumps(list(signature.entity_keys)),
        "clock": signature.clock_at,
        "story": story.pk,
        "score": round(score, 4),
        "joined_by": JoinedBy.AUTOMATIC,
        "explanation": _dumps(explanation),
        "centroid": _dumps(story.centroid),
        "entity_counts": _dumps(story.entity_counts),
        "member_count": story.member_count,
        "first": story.first_reported_at,
        "last": story.last_updated_at,
        "active": story.active_at,
        "terms": _dumps(terms),
    }
    # Table names come from our models; every value is a parameter.
    signature_insert = (
        f"sig AS (INSERT INTO {ArticleSignature._meta.db_table} "  # noqa: S608
        "(article_id, vector, entity_keys, clock_at) "
        "SELECT %(article)s, %(vector)s::jsonb, "
        "ARRAY(SELECT json_array_elements_text(%(keys)s::json))::varchar[], %(clock)s "
        "ON CONFLICT (article_id) DO NOTHING)"
    )
    membership_insert = (
        f"membership AS (INSERT INTO {StoryArticle._meta.db_table} "  # noqa: S608
        "(story_id, article_id, score, joined_by, explanation, joined_at) "
        "SELECT {story}, %(article)s, %(score)s, %(joined_by)s, %(explanation)s::jsonb, now()"
    )
    terms_insert = (
        f"INSERT INTO {StoryTerm._meta.db_table} (story_id, term, active_at) "  # noqa: S608
        "SELECT {story}, json_array_elements_text(%(terms)s::json), %(active)s"
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
    with _derived_transaction(), _placing() as placed:
        locked = _articles_locked([article.pk]).get(pk=article.pk)
        return _cluster_locked(locked, prefer_story=prefer_story, placed=placed)


def articles_cluster(*, article_ids: list[int]) -> int:
    """Cluster many articles, in the order given, in one transaction; returns how many
    were placed. The same as calling ``article_cluster`` for each in turn (the same
    stories result), with one lock query and one commit instead of one per article:
    what imports and benchmarks use."""
    ordered = list(dict.fromkeys(article_ids))
    with _derived_transaction():
        locked = {a.pk: a for a in _articles_locked(ordered)}
        # ``current_membership`` is annotated by the query (_articles_locked).
        to_place = [
            locked[pk]
            for pk in ordered
            if pk in locked and locked[pk].current_membership is None  # type: ignore[attr-defined]
        ]
        evidence_of = _signatures_with_stats(to_place)
        with _placing() as placed:
            for pk in ordered:
                if pk in locked:
                    _cluster_locked(
                        locked[pk], prefer_story=None, evidence=evidence_of.get(pk), placed=placed
                    )
    return len(locked)


@contextlib.contextmanager
def _derived_transaction() -> Iterator[None]:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield


# Executions of one statement after which psycopg prepares it: the hot statements of
# placement are run once or more per article, so they are planned once per connection.
PREPARE_THRESHOLD = 2


def _prepared_cursor() -> CursorWrapper:
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


# What placement reads of an article (``evidence`` included): not its HTML, search
# vector, source snapshot and the rest, which PostgreSQL would write out and psycopg
# and the ORM convert for every article placed.
_PLACEMENT_FIELDS = (
    "headline",
    "dek",
    "body_text",
    "status",
    "published_at",
    "created_at",
    "signature__vector",
    "signature__entity_keys",
    "signature__clock_at",
)


def _articles_locked(ids: list[int]) -> QuerySet[Article]:
    """Lock the articles so that the worker and a command never cluster one twice at
    once; the same query brings their signatures and says which already have a story
    (and one more brings their mentions)."""
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("signature")
        .only(*_PLACEMENT_FIELDS)
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
    placed: _Placed,
) -> tuple[Story, float]:
    """Cluster one locked article. ``evidence`` is its signature and statistics when the
    caller prepared them for a batch (``_signatures_with_stats``); ``placed``, what the
    batch's earlier articles left known."""
    # ``current_membership`` is annotated by the caller's query (_articles_locked).
    membership = article.current_membership  # type: ignore[attr-defined]
    if membership is not None:
        current = StoryArticle.objects.select_related("story").get(pk=membership)
        # Its entity counts may change here: read it again if another article joins it.
        placed.stories.pop(current.story_id, None)
        _entity_keys_refresh(article, current.story)
        return current.story, current.score

    # A new signature is saved with the membership below.
    signature, stats = evidence or _signatures_with_stats([article])[article.pk]
    terms = scoring.query_terms(signature.vector)
    candidates = _candidate_profiles(
        terms,
        article.published_at and signature.clock_at,
        article_id=article.pk,
        placed=placed,
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
        story = placed.stories.get(best.story_id) or _story_locked(
            best.story_id, cursor=placed.cursor
        )
        if story is None:
            # A re-clustering pass absorbed the story between the candidates' read and
            # this lock: look again, now that the pass has committed.
            return _cluster_locked(
                article, prefer_story=prefer_story, evidence=(signature, stats), placed=placed
            )
        score, explanation = best.score, best.explanation()
    _story_absorb(
        story,
        article,
        signature,
        score=score,
        explanation=explanation,
        terms=terms,
        cursor=placed.cursor,
    )
    placed.stories[story.pk] = story
    placed.vectors[article.pk] = signature.vector
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


def _central_headline(
    members: list[tuple[Article, ArticleSignature]], centroid: Mapping[str, float]
) -> str | None:
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
        if membership.is_visible:  # type: ignore[attr-defined]  # annotated above; lost by only()
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
                [_dumps(s.centroid) for s in stories],
                [_dumps(s.entity_counts) for s in stories],
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
