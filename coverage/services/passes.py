"""The automatic passes over many stories at once: converging stories merged, titles
recomputed, and the full re-clustering behind ``manage.py recluster``.

Apart from online placement because they regroup what placement decided one article
at a time, and apart from the editors' services because no editor asks for them: they
run as the caller or else the system user, and keep the editors' decisions (pinned and
excluded memberships, locked stories; see ``editing``). The merge pass and the full
re-clustering take ``clustering_pass_lock``, as the windowed re-clustering pass
(``reclustering``) does, so that no two of them move the same memberships at once.
Every article a pass moves is audited on the stories it left and joined
(``story.recluster``, shown in the story's history in the admin).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles.models import Article
from audit.services import editorial_log, editorial_log_many, system_user

from .. import scoring
from ..models import ArticleSignature, Story, StoryArticle, StoryTerm, TermStatistic
from .merging import _lock_stories, _merge_into, stories_redirect_record
from .placement import _central_headline, article_cluster, story_refresh

JoinedBy = StoryArticle.JoinedBy


_CANDIDATE_FIELDS = (
    "pk",
    "centroid",
    "entity_counts",
    "first_reported_at",
    "last_updated_at",
    "member_count",
    "active_at",
)


def _candidate_stories_many(
    stories: list[Story], *, known: dict[int, Story] | None = None
) -> dict[int, list[Story]]:
    """Each story's merge candidates: unlocked, non-empty stories found through the
    index from its centroid's leading terms and its clock (later stories only), as an
    article's are (``placement._candidate_sql``), in two statements instead of one per
    story: the same lookup run for every story in one lateral join. The merge pass visits
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
    small: dict[str, float]
    large: dict[str, float]
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


def clustering_pass_lock(*, wait: bool = False) -> bool:
    """Take the passes' lock until this transaction ends; False when another pass has it,
    or with ``wait``, block until it is released (then True)."""
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLUSTERING_PASS_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CLUSTERING_PASS_LOCK])
        is_taken: bool = cursor.fetchone()[0]
        return is_taken


@transaction.atomic
def stories_merge_converging(
    *, since: dt.datetime | None = None, by: User | None = None
) -> list[tuple[int, int]]:
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
            conflict = (
                StoryArticle.objects.exclusions()
                .filter(
                    Q(story=story, article__story_memberships__story=other)
                    | Q(story=other, article__story_memberships__story=story)
                )
                .exists()
            )
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
    # Another clustering pass held the lock and nothing was done (see ``wait``).
    is_skipped: bool = False

    def __str__(self) -> str:
        if self.is_skipped:
            return "Skipped: another clustering pass is running; nothing changed."
        return (
            f"{self.articles} articles re-clustered, {len(self.moved)} changed story, "
            f"stories {self.stories_before} → {self.stories_after} "
            f"({self.stories_deleted} emptied and deleted, {self.merges} converged merges)"
        )


def _groups(article_ids: list[int]) -> dict[int, frozenset[int]]:
    """Article → the set of its co-members: what 'changed story' compares."""
    rows = StoryArticle.objects.current().filter(article_id__in=article_ids)
    by_story: dict[int, set[int]] = {}
    article_story = {}
    for article_id, story_id in rows.values_list("article_id", "story_id"):
        by_story.setdefault(story_id, set()).add(article_id)
        article_story[article_id] = story_id
    return {a: frozenset(by_story[s]) for a, s in article_story.items()}


def _story_of(article_ids: list[int]) -> dict[int, int]:
    """Article → the story it is a current member of (none: not in a story)."""
    return dict(
        StoryArticle.objects.current()
        .filter(article_id__in=article_ids)
        .values_list("article_id", "story_id")
    )


def _log_moves(
    story_before: dict[int, int],
    article_ids: list[int],
    *,
    heirs: dict[int, int],
    titles: dict[int, str],
    by: User,
) -> None:
    """Audit every article the full pass moved, on the story it joined (with the
    evidence it joined on) and the story it left, as the window pass does: one
    ``story.recluster`` entry per story, shown in its history in the admin."""
    after = {
        m.article_id: m
        for m in StoryArticle.objects.current()
        .filter(article_id__in=article_ids)
        .only("article_id", "story_id", "score", "explanation")
    }
    gained: dict[int, list[dict[str, Any]]] = {}
    lost: dict[int, list[dict[str, Any]]] = {}
    for article_id in article_ids:
        before, membership = story_before.get(article_id), after.get(article_id)
        now = membership.story_id if membership else None
        if before == now:
            continue
        if now is not None and membership is not None:
            gained.setdefault(now, []).append(
                {
                    "article_id": article_id,
                    "from_story": before,
                    "similarity": membership.explanation.get("similarity"),
                    "score": round(membership.score, 3),
                }
            )
        if before is not None:
            lost.setdefault(before, []).append({"article_id": article_id, "to_story": now})
    story_ids = sorted(set(gained) | set(lost))
    if not story_ids:
        return
    stories = Story.objects.in_bulk(story_ids)
    entries: list[tuple[str, Story, dict[str, Any]]] = []
    for story_id in story_ids:
        # A story merged away during the pass is gone; its entry still names it.
        story = stories.get(story_id) or Story(pk=story_id, title=titles.get(story_id, ""))
        payload: dict[str, Any] = {
            "pass": "full",
            "gained": gained.get(story_id, []),
            "lost": lost.get(story_id, []),
        }
        if story_id in heirs:
            payload["absorbed_into"] = heirs[story_id]
        entries.append(("story.recluster", story, payload))
    editorial_log_many(actor=by, entries=entries)


class _DryRun(Exception):
    pass


def stories_recluster(
    *,
    since: dt.datetime | None = None,
    dry_run: bool = False,
    by: User | None = None,
    wait: bool = False,
    on_article: Callable[[int, int], None] | None = None,
) -> ReclusterReport:
    """Cluster published articles again, in time order, keeping every editor decision.

    Automatic memberships of the articles (published since ``since``, or all) are
    dropped, except in locked stories; pinned and excluded memberships stay. Without
    ``since`` the term statistics and signatures are rebuilt too (e.g. after changing
    the entity source). Emptied stories are reused for the first article that would
    start a new story, so unchanged stories keep their URLs; the rest are deleted.
    Each story an article left or joined gets a ``story.recluster`` audit entry by
    ``by`` (else the system user) listing the moves. With ``dry_run`` everything is
    computed and rolled back.

    Takes ``clustering_pass_lock``: when the merge pass or the window pass is running,
    returns at once with ``is_skipped`` set and nothing changed, or with ``wait``
    waits for it to finish.
    """
    report = ReclusterReport()
    try:
        with transaction.atomic(durable=True):
            if not clustering_pass_lock(wait=wait):
                report.is_skipped = True
                return report
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


def _recluster(
    report: ReclusterReport,
    *,
    since: dt.datetime | None,
    by: User,
    on_article: Callable[[int, int], None] | None,
) -> None:
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
    story_before = _story_of(ids)
    titles = dict(Story.objects.filter(pk__in=touched).values_list("pk", "title"))
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
    stories_retitle(by=by)
    empty = Story.objects.filter(pk__in=touched, member_count=0, is_locked=False)
    gone = set(empty.values_list("pk", flat=True))
    heirs = _heirs(gone, previous_story)
    stories_redirect_record(moves=heirs)
    _log_moves(story_before, ids, heirs=heirs, titles=titles, by=by)
    report.stories_deleted = len(gone)
    empty.delete()
    after = _groups(ids)
    report.moved = sorted(a for a in ids if before.get(a) != after.get(a))
    report.stories_after = Story.objects.count()
