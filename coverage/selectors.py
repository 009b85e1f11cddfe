"""Reads for the coverage pages, each with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article, ArticleImage
from articles.prepared import PreparedQuery, ids_in
from articles.querysets import ArticleQuerySet
from articles.selectors import attach_bylines
from articles.selectors import page_number as listing_page_number
from entities.models import Entity, Event, Person, Place
from mentions.models import Mention
from mentions.selectors import articles_naming
from sources.models import Outlet
from sources.selectors import WIRE_VERDICT_RELATED, wire_verdict_of

from . import facts
from .models import ArticleFacts, Story, StoryArticle
from .querysets import StoryArticleQuerySet, StoryQuerySet
from .timeline_chart import TimelineChart, timeline_chart

# Articles side by side on one page of a story (and columns of its comparison table).
ENTRIES_PER_PAGE = 30
# Up to this many dated articles the timeline lists each; above, it counts them per day.
TIMELINE_ARTICLES = 30
TIMELINE_DAY_OUTLETS = 6


def _published_members(
    story: Story | int, *, now: dt.datetime | None = None
) -> StoryArticleQuerySet:
    return (
        StoryArticle.objects.visible(now=now)
        .filter(story=story)
        .order_by("article__published_at", "article_id")
    )


def _with_articles(members: StoryArticleQuerySet) -> StoryArticleQuerySet:
    return (
        members.select_related(
            "article__outlet",
            "article__section",
            f"article__{WIRE_VERDICT_RELATED}",
            # Its facts, stored when its text was written (``stored_facts``).
            "article__stored_facts",
        )
        # Neither the story page nor the API's story reads an article's HTML body, key
        # points, search vector or import snapshot (the facts' staleness check reads
        # ``body_text``).
        .defer(
            "article__body",
            "article__key_points",
            "article__search_vector",
            "article__source_snapshot",
        )
    )


# A story of one page: all its members, compiled once (articles/prepared.py).
ALL_STORY_MEMBERS = PreparedQuery(
    lambda story_id, now: _with_articles(_published_members(story_id, now=now)),
    story_id=int,
    now=dt.datetime,
)

# A page of a larger story: the members of ``ids`` (one array parameter).
STORY_MEMBERS = PreparedQuery(
    lambda story_id, now, ids: _with_articles(
        _published_members(story_id, now=now).filter(pk__in=ids_in(ids))
    ),
    story_id=int,
    now=dt.datetime,
    ids=list,
)


def article_facts(article: Article) -> list[facts.Fact]:
    """What ``article`` reports (``coverage.facts.article_facts``): as stored when its
    text was written, read with it (``select_related("stored_facts")``), or extracted
    now when there is no row or the row was extracted from another text."""
    try:
        stored = article.stored_facts  # loaded with the article: no query
    except ArticleFacts.DoesNotExist:
        stored = None
    headline, body = article.headline, article.body_text
    if stored is not None and stored.text_hash == facts.text_hash(headline=headline, body=body):
        return facts.facts_from_rows(stored.facts)
    return facts.article_facts(headline=headline, body=body)


def story_members(*, story: Story, ids: list[int] | None = None) -> list[StoryArticle]:
    """The story's published members (or those of ``ids``) with their articles and their
    wire-copy verdicts, earliest first (2 queries)."""
    if ids is None:
        members = ALL_STORY_MEMBERS.run(story_id=story.pk, now=timezone.now())
    else:
        members = STORY_MEMBERS.run(story_id=story.pk, now=timezone.now(), ids=list(ids))
    attach_bylines([member.article for member in members])
    return members


# The page's articles' entities (one array parameter), compiled once.
NAMED_ENTITIES = PreparedQuery(
    lambda article_ids: (
        Mention.objects.standing()
        .filter(article_id__in=ids_in(article_ids))
        .values_list(
            "article_id",
            "person_id",
            "person__name",
            "place_id",
            "place__name",
            "event_id",
            "event__name",
        )
        .order_by("pk")
    ),
    article_ids=list,
)


def _named_entities(article_ids: list[int]) -> dict[int, list[tuple[str, int, str]]]:
    """(kind, id, name) of each person, place and event the articles name, as the
    entity pages count them (suggested or confirmed mentions), in one query."""
    named: dict[int, list[tuple[str, int, str]]] = {}
    rows = NAMED_ENTITIES.run(article_ids=list(article_ids))
    for article_id, person, person_name, place, place_name, event, event_name in rows:
        for kind, pk, name in (
            ("person", person, person_name),
            ("place", place, place_name),
            ("event", event, event_name),
        ):
            if pk:
                named.setdefault(article_id, []).append((kind, pk, name))
    return named


@dataclass(frozen=True, slots=True)
class OutlineOutlet:
    """What a story's outline needs of an outlet (name, and its bars and gaps)."""

    pk: int
    name: str
    country: str
    ownership_type: str


@dataclass(frozen=True, slots=True)
class OutlineArticle:
    """What a story's outline needs of an article: its date and outlet. Reads like the
    ``Article`` it stands for where the story page, its timeline and chart use it."""

    pk: int
    published_at: dt.datetime | None
    published_at_precision: str
    outlet: OutlineOutlet | None

    @property
    def is_published_time_known(self) -> bool:
        return self.published_at_precision != Article.Precision.DAY


@dataclass(frozen=True, slots=True)
class OutlineMember:
    """A membership in the outline: its id, the article's id and the article's outline."""

    pk: int
    article_id: int
    article: OutlineArticle


STORY_OUTLINE = PreparedQuery(
    lambda story_id, now: _published_members(story_id, now=now).values_list(
        "pk",
        "article_id",
        "article__published_at",
        "article__published_at_precision",
        "article__outlet_id",
        "article__outlet__name",
        "article__outlet__country",
        "article__outlet__ownership_type",
    ),
    story_id=int,
    now=dt.datetime,
)


def story_outline(*, story: Story) -> list[OutlineMember]:
    """Every published member with only its date and outlet, earliest first (1 query):
    enough for the pager, the timeline and the outlets of a story of any size.

    Rows, not model instances: a story of 450 articles made 1,350 instances (membership,
    article, outlet), a fifth of its page's render time.
    """
    rows = STORY_OUTLINE.run(story_id=story.pk, now=timezone.now())
    outlets: dict[int, OutlineOutlet] = {}
    members = []
    for pk, article_id, published_at, precision, outlet_id, name, country, ownership in rows:
        outlet = None
        if outlet_id is not None:
            outlet = outlets.get(outlet_id)
            if outlet is None:
                outlet = outlets[outlet_id] = OutlineOutlet(outlet_id, name, country, ownership)
        article = OutlineArticle(article_id, published_at, precision, outlet)
        members.append(OutlineMember(pk, article_id, article))
    return members


@dataclass
class SharedName:
    """A name an article shares with its story, as "why grouped" shows it."""

    name: str
    url: str = ""


@dataclass
class CoverageEntry:
    # The page's entries are full rows; the story's first report may come from the
    # outline of a large story (OutlineMember reads like the StoryArticle it stands for).
    article: Article | OutlineArticle
    membership: StoryArticle | OutlineMember
    is_wire: bool = False
    wire_reason: str = ""
    shared_names: list[SharedName] = field(default_factory=list)
    is_first: bool = False


ENTITY_MODELS = {"person": Person, "place": Place, "event": Event}


def _shared_names(memberships: list[StoryArticle]) -> dict[int, list[SharedName]]:
    """The shared entity keys of each membership's explanation as names, linked when they
    are entity records (``person:12``): one query per kind of entity, whatever the count.
    Other keys are names found in the text and show as they are."""
    wanted: dict[str, set[int]] = {}
    for membership in memberships:
        for key in (membership.explanation or {}).get("shared_entities", []):
            kind, _, pk = key.partition(":")
            if kind in ENTITY_MODELS and pk.isdigit():
                wanted.setdefault(kind, set()).add(int(pk))
    entities = {
        f"{kind}:{pk}": entity
        for kind, pks in sorted(wanted.items())
        for pk, entity in ENTITY_MODELS[kind].objects.in_bulk(sorted(pks)).items()
    }
    names = {}
    for membership in memberships:
        shown = []
        for key in (membership.explanation or {}).get("shared_entities", []):
            entity = entities.get(key)
            if entity is not None:
                shown.append(SharedName(entity.name, entity.get_absolute_url()))
            elif ":" not in key:
                shown.append(SharedName(key))
        names[membership.pk] = shown
    return names


@dataclass
class OutletGap:
    country: str
    ownership: str
    count: int
    names: list[str]


@dataclass
class TimelineDay:
    """One day of a large story's coverage timeline."""

    day: dt.date
    count: int
    outlets: list[str]
    more_outlets: int
    share: int  # percent of the busiest day, for the bar


def _outlet_name(article: Article | OutlineArticle) -> str:
    return article.outlet.name if article.outlet else ""


def _timeline_days(dated: Sequence[StoryArticle | OutlineMember]) -> list[TimelineDay]:
    by_day: dict[dt.date, list[StoryArticle | OutlineMember]] = {}
    zone = timezone.get_current_timezone()  # timezone.localdate's, looked up once
    for membership in dated:
        if (published := membership.article.published_at) is None:
            continue
        by_day.setdefault(published.astimezone(zone).date(), []).append(membership)
    busiest = max((len(day) for day in by_day.values()), default=1)
    days = []
    for day, memberships in sorted(by_day.items()):
        names = (_outlet_name(m.article) for m in memberships)
        outlets = list(dict.fromkeys(name for name in names if name))
        days.append(
            TimelineDay(
                day=day,
                count=len(memberships),
                outlets=outlets[:TIMELINE_DAY_OUTLETS],
                more_outlets=max(0, len(outlets) - TIMELINE_DAY_OUTLETS),
                share=round(100 * len(memberships) / busiest),
            )
        )
    return days


# The registered outlets that did not cover the story, by country and ownership.
OUTLET_GAPS = PreparedQuery(
    lambda outlet_ids: (
        Outlet.objects.exclude(pk__in=ids_in(outlet_ids))
        .values("country", "ownership_type")
        .annotate(count=Count("pk"), names=ArrayAgg("name", order_by="name"))
        .order_by("country", "ownership_type")
    ),
    outlet_ids=list,
)


class StoryPage:
    """Everything coverage/story_detail.html reads of a story, each piece read when it is
    first asked for: the page's parts (pagecache/parts.py) that are kept read nothing,
    and a render that needs only the header reads only the members. All of it costs at
    most 8 queries whatever the size (the API reads it all).

    A large story's articles come ``ENTRIES_PER_PAGE`` a page (the comparison table
    compares that page's articles); the timeline, countries and gaps cover all.
    """

    def __init__(self, *, story: Story, page_number: int | str | None = 1, max_gap_names: int = 8):
        self.story = story
        self.page_number = page_number
        self.max_gap_names = max_gap_names

    @property
    def pager_key(self) -> str:
        """The page asked for, as the pager will read it and as the page's parts name
        it (no query): see ``pager_key``."""
        return pager_key(self.page_number)

    @property
    def page_key(self) -> str:
        """The key each of the page's parts is kept under (pagecache/keys.py): the
        story's, which any change of the story or of a member moves."""
        return f"story:{self.story.pk}"

    @cached_property
    def is_one_page(self) -> bool:
        return self.story.member_count <= ENTRIES_PER_PAGE

    @cached_property
    def members(self) -> Sequence[StoryArticle | OutlineMember]:
        """One page: all members, read whole (2 queries). Larger: an outline of all
        (1 query); the page's members are read in full by ``shown``."""
        if self.is_one_page:
            return story_members(story=self.story)
        return story_outline(story=self.story)

    @cached_property
    def page(self) -> Page[StoryArticle | OutlineMember]:
        return Paginator(self.members, ENTRIES_PER_PAGE).get_page(self.page_number)

    @cached_property
    def shown(self) -> list[StoryArticle]:
        """This page's members in full (2 queries for a story of several pages)."""
        on_page = cast(list[StoryArticle | OutlineMember], list(self.page.object_list))
        if self.is_one_page:
            return cast(list[StoryArticle], on_page)
        return story_members(story=self.story, ids=[m.pk for m in on_page])

    @cached_property
    def dated(self) -> list[StoryArticle | OutlineMember]:
        """The members with a date, earliest first."""
        return sorted(
            (m for m in self.members if m.article.published_at),
            key=lambda m: (m.article.published_at, m.article_id),
        )

    @cached_property
    def entries(self) -> list[CoverageEntry]:
        """This page's articles, with why each was grouped (at most 3 queries) and
        whether it is wire copy."""
        shown = self.shown
        shared_names = _shared_names(shown)
        first_id = self.dated[0].article_id if self.dated else None
        entries = []
        for membership in shown:
            # Decided when the article was written (sources.services.articles_fingerprint).
            verdict = wire_verdict_of(membership.article)
            is_wire = verdict is not None and verdict.is_wire
            entries.append(
                CoverageEntry(
                    article=membership.article,
                    membership=membership,
                    is_wire=is_wire,
                    wire_reason=verdict.text if verdict is not None and is_wire else "",
                    shared_names=shared_names[membership.pk],
                    is_first=membership.article_id == first_id,
                )
            )
        return entries

    @property
    def originals(self) -> list[CoverageEntry]:
        return [entry for entry in self.entries if not entry.is_wire]

    @property
    def wire_copies(self) -> list[CoverageEntry]:
        """Wire copies are grouped apart: the same agency text under several mastheads."""
        return [entry for entry in self.entries if entry.is_wire]

    @property
    def article_count(self) -> int:
        return self.page.paginator.count

    @cached_property
    def first(self) -> CoverageEntry | None:
        dated = self.dated
        return CoverageEntry(article=dated[0].article, membership=dated[0]) if dated else None

    @cached_property
    def timeline(self) -> list[CoverageEntry]:
        """Each dated article, for a small story."""
        if len(self.dated) > TIMELINE_ARTICLES:
            return []
        return [CoverageEntry(article=m.article, membership=m) for m in self.dated]

    @cached_property
    def timeline_days(self) -> list[TimelineDay]:
        """Articles per day, for a large story."""
        if len(self.dated) <= TIMELINE_ARTICLES:
            return []
        return _timeline_days(self.dated)

    @cached_property
    def chart(self) -> TimelineChart | None:
        return timeline_chart(m.article for m in self.dated)

    @cached_property
    def _outlets(self) -> tuple[dict[str, list[str]], dict[str, list[str]], set[int]]:
        """Outlet names by country and by ownership, and the outlets' ids."""
        by_country: dict[str, list[str]] = {}
        by_ownership: dict[str, list[str]] = {}
        ownership_labels = dict(Outlet.OwnershipType.choices)
        outlet_ids = set()
        for member in self.members:
            outlet = member.article.outlet
            if outlet is None:
                continue
            outlet_ids.add(outlet.pk)
            names = by_country.setdefault(outlet.country or "Country not recorded", [])
            if outlet.name not in names:
                names.append(outlet.name)
            label = ownership_labels.get(outlet.ownership_type, "Ownership not recorded")
            owned = by_ownership.setdefault(label, [])
            if outlet.name not in owned:
                owned.append(outlet.name)
        return by_country, by_ownership, outlet_ids

    @cached_property
    def countries(self) -> list[tuple[str, list[str]]]:
        return sorted(self._outlets[0].items())

    @cached_property
    def ownerships(self) -> list[tuple[str, list[str]]]:
        return sorted(self._outlets[1].items(), key=lambda item: (-len(item[1]), item[0]))

    @property
    def outlet_mix(self) -> dict[str, list[tuple[str, list[str], int]]]:
        """Countries and ownership as bars: (label, outlet names, percent of the widest)."""
        mix = {}
        for name, rows in (("country", self.countries), ("ownership", self.ownerships)):
            widest = max((len(names) for _, names in rows), default=1)
            mix[name] = [(label, names, round(100 * len(names) / widest)) for label, names in rows]
        return mix

    @cached_property
    def comparison_columns(self) -> list[str]:
        return [_outlet_name(e.article) or f"Unnamed outlet ({e.article.pk})" for e in self.entries]

    @cached_property
    def comparison(self) -> list[facts.ComparisonRow]:
        """What this page's articles report, side by side (1 query for the entities
        they name; their facts came with them)."""
        named = _named_entities([m.article.pk for m in self.shown])
        rows: list[facts.ComparisonRow] = facts.comparison_rows(
            [
                article_facts(m.article) + facts.entity_facts(named.get(m.article.pk, []))
                for m in self.shown  # the entries' articles, in full
            ]
        )
        return rows

    @cached_property
    def gaps(self) -> list[OutletGap]:
        """The registered outlets that did not cover the story (1 query)."""
        rows = OUTLET_GAPS.run(outlet_ids=sorted(self._outlets[2]))
        ownership = dict(Outlet.OwnershipType.choices)
        return [
            OutletGap(
                country=row["country"] or "Country not recorded",
                ownership=ownership.get(row["ownership_type"], row["ownership_type"]),
                count=row["count"],
                names=row["names"][: self.max_gap_names],
            )
            for row in rows
        ]

    @property
    def gap_total(self) -> int:
        return sum(gap.count for gap in self.gaps)


def pager_key(page_number: int | str | None) -> str:
    """The coverage pager's page as ``Paginator.get_page`` will read ``page_number``,
    told without counting the members (``articles.selectors.page_number``): the number
    from 1 on, "last" for numbers below 1. A number past the last page also shows the
    last page, under its own name."""
    number = listing_page_number(None if page_number is None else str(page_number))
    return str(number) if number >= 1 else "last"


def story_page(
    *, story: Story, page_number: int | str | None = 1, max_gap_names: int = 8
) -> StoryPage:
    """Everything coverage/story_detail.html reads, each piece loaded when first read
    (no query here), in at most 8 queries whatever the size."""
    return StoryPage(story=story, page_number=page_number, max_gap_names=max_gap_names)


RECENT_STORIES = 100


def stories_for_homepage(*, limit: int = 10, cards: bool = False) -> list[Story]:
    """Of the RECENT_STORIES most recently updated stories, the widest coverage first,
    then the most recent (1 query; 2 when no story has a dated article).

    Breadth is compared among the stories in the news, not over the whole archive: an
    old story with many articles is not a top story today, and counting the articles
    of every story took 2.5 s at 1M articles (78,000 stories). The recent ones come
    from story_last_updated_idx. Stories whose articles carry no date have no last
    update; they are taken, newest first, only when no story has one (feeds without
    dates). ``cards``: only the columns coverage/_top_stories.html reads (not the
    clustering's centroid and entity counts, JSON to decode for each story).
    """
    stories = _widest(limit, dated=True, cards=cards)
    if not stories:
        stories = _widest(limit, dated=False, cards=cards)
    return stories


def _widest(limit: int, *, dated: bool, cards: bool) -> list[Story]:
    """Of the recent stories (by last update, ``dated``) or else the newest, the widest.
    Breadth counts only the members readers can see (``visible_member_count``)."""
    return _prepared_widest(limit=limit, dated=dated, cards=cards).run(now=timezone.now())


# What the home page's story cards read of a story, besides the counts.
STORY_CARD_FIELDS = ("title", "slug", "summary", "last_updated_at")


@functools.cache
def _prepared_widest(*, limit: int, dated: bool, cards: bool) -> PreparedQuery:
    """The widest of the recent stories (``dated``) or of the newest, compiled once."""

    def build(now: dt.datetime) -> StoryQuerySet:
        if dated:
            candidates = Story.objects.filter(last_updated_at__isnull=False).order_by(
                "-last_updated_at", "-pk"
            )
        else:
            candidates = Story.objects.order_by("-pk")
        stories = Story.objects.only(*STORY_CARD_FIELDS) if cards else Story.objects.all()
        # The ignore: the stubs cannot see ``with_visible_counts``'s annotations.
        return (
            stories.filter(  # type: ignore[misc]
                pk__in=Subquery(candidates.values("pk")[:RECENT_STORIES])
            )
            .with_visible_counts(now=now)
            .annotate(
                article_count=F("visible_member_count"), outlet_count=F("visible_outlet_count")
            )
            .filter(visible_member_count__gt=0)
            .order_by("-visible_member_count", "-last_updated_at", "-pk")[:limit]
        )

    return PreparedQuery(build, now=dt.datetime)


def story_for_article(*, article: Article) -> Story | None:
    membership = (
        StoryArticle.objects.current().filter(article=article).select_related("story").first()
    )
    return membership.story if membership else None


def story_articles(*, story: Story) -> ArticleQuerySet:
    """The story's visible articles, as an Article queryset (feeds, related coverage)."""
    return Article.objects.filter(
        pk__in=StoryArticle.objects.visible().filter(story=story).values("article_id")
    )


def stories_covering(
    *, articles: QuerySet[Article] | Iterable[int], limit: int = 10
) -> list[Story]:
    """The stories in which any of ``articles`` is a visible member, most recently
    updated first (1 query)."""
    return list(Story.objects.covering(articles).order_by("-last_updated_at", "-pk")[:limit])


def _covering(
    articles: QuerySet[Article] | Iterable[int], *, now: dt.datetime, limit: int
) -> StoryQuerySet:
    covering = Story.objects.covering(articles, now=now)
    return covering.order_by("-last_updated_at", "-pk")[:limit]


# The story lists of the outlet and entity pages, compiled once per process a limit
# (and an entity's kind): the same stories as ``stories_covering`` of the outlet's
# articles, or of the articles the entity page lists.
@functools.cache
def _outlet_stories(limit: int) -> PreparedQuery:
    return PreparedQuery(
        lambda key, now: _covering(Article.objects.filter(outlet_id=key), now=now, limit=limit),
        key=int,
        now=dt.datetime,
    )


@functools.cache
def _entity_stories(kind: str, limit: int) -> PreparedQuery:
    return PreparedQuery(
        lambda key, now: _covering(articles_naming(kind, key=key, now=now), now=now, limit=limit),
        key=int,
        now=dt.datetime,
    )


def outlet_stories(*, outlet: Outlet, limit: int = 10) -> list[Story]:
    """The stories the outlet's articles are visible members of, most recently updated
    first (1 query)."""
    return _outlet_stories(limit).run(key=outlet.pk, now=timezone.now())


def entity_stories(*, entity: Entity, limit: int = 10) -> list[Story]:
    """The stories of the articles an entity page lists, most recently updated first
    (1 query)."""
    return _entity_stories(entity.kind, limit).run(key=entity.pk, now=timezone.now())


@dataclass
class RelatedCoverage:
    story: Story | None
    others: list[Article]
    article_count: int = 0


def _related_story(article_id: int, now: dt.datetime) -> StoryQuerySet:
    """The article's story: its link and visible member count, not the clustering's
    centroid and entity counts, nor the distinct outlets the box does not show."""
    current = StoryArticle.objects.current().filter(article_id=article_id).values("story_id")
    return (
        Story.objects.filter(pk__in=current)
        .only("slug", "title")
        .with_visible_count(now=now)
        .order_by("pk")[:1]
    )


def _related_candidates(story_id: int, article_id: int, now: dt.datetime) -> ArticleQuerySet:
    """Other outlets' visible articles in the story, the earliest of each outlet first
    (with DISTINCT ON): what coverage/_related_coverage.html reads, not the bodies and
    search vectors."""
    members = StoryArticle.objects.visible(now=now).filter(story_id=story_id)
    return (
        Article.objects.filter(pk__in=members.values("article_id"))
        .exclude(pk=article_id)
        .select_related("outlet")
        .only(
            "slug",
            "headline",
            "published_at",
            "published_at_precision",
            "outlet__name",
            "outlet__slug",
            "outlet__logo",
        )
        # Articles with no named outlet each count as their own outlet.
        .annotate(outlet_key=Coalesce("outlet_id", -F("id")))
        .order_by("outlet_key", "published_at", "pk")
    )


RELATED_STORY = PreparedQuery(_related_story, article_id=int, now=dt.datetime)


@functools.cache
def _prepared_candidates(*, limit: int, other_outlet: bool) -> PreparedQuery:
    """The candidates' query for ``limit``, and without the article's own outlet when
    it has one (an outlet id is a parameter; its absence is another query)."""
    if other_outlet:

        def build(
            story_id: int, article_id: int, now: dt.datetime, outlet_id: int
        ) -> ArticleQuerySet:
            candidates = _related_candidates(story_id, article_id, now)
            # The ignores: the stubs lose _related_candidates's ``outlet_key`` annotation.
            return candidates.exclude(outlet_id=outlet_id).distinct("outlet_key")[:limit]  # type: ignore[misc]

        return PreparedQuery(build, story_id=int, article_id=int, now=dt.datetime, outlet_id=int)

    def build_any(story_id: int, article_id: int, now: dt.datetime) -> ArticleQuerySet:
        candidates = _related_candidates(story_id, article_id, now)
        return candidates.distinct("outlet_key")[:limit]  # type: ignore[misc]

    return PreparedQuery(build_any, story_id=int, article_id=int, now=dt.datetime)


def related_coverage_for_article(*, article: Article, limit: int = 5) -> RelatedCoverage:
    """The article's story and up to ``limit`` other outlets' takes, one per outlet,
    earliest first (2 queries whatever the story's size, each compiled once: see
    articles/prepared.py)."""
    now = timezone.now()
    found = RELATED_STORY.run(article_id=article.pk, now=now)
    if not found:
        return RelatedCoverage(story=None, others=[])
    story = found[0]
    slots = {"story_id": story.pk, "article_id": article.pk, "now": now}
    if article.outlet_id:
        slots["outlet_id"] = article.outlet_id
    prepared = _prepared_candidates(limit=limit * 4, other_outlet=bool(article.outlet_id))
    # One per outlet (DISTINCT ON), then the earliest first.
    others = sorted(
        prepared.run(**slots),
        key=lambda a: (a.published_at or dt.datetime.max.replace(tzinfo=dt.UTC), a.pk),
    )[:limit]
    return RelatedCoverage(story=story, others=others, article_count=story.visible_member_count)


@dataclass
class StoryOutlet:
    name: str
    slug: str
    logo_url: str

    @property
    def initial(self) -> str:
        return self.name[:1].upper()


@dataclass
class HomepageStories:
    """The home page's lead story (the widest current one) and the top stories after it."""

    lead: Story | None
    lead_image: object | None  # articles.Image, with a file
    others: list[Story]


HOMEPAGE_OUTLETS_SHOWN = 6


def _lead_image(story_id: int, now: dt.datetime) -> QuerySet[ArticleImage]:
    """The story's first picture with a file, of its newest article that has one."""
    members = _published_members(story_id, now=now).order_by().values("article_id")
    return (
        ArticleImage.objects.filter(image__isnull=False, article_id__in=members)
        .select_related("image")
        .order_by("position", "-article__published_at", "pk")[:1]
    )


LEAD_IMAGE = PreparedQuery(_lead_image, story_id=int, now=dt.datetime)


# The named outlets of the stories ``story_ids`` with their visible article counts, the
# most articles first (one array parameter), compiled once.
STORY_OUTLETS = PreparedQuery(
    lambda story_ids, now: (
        StoryArticle.objects.visible(now=now)
        .filter(story_id__in=ids_in(story_ids), article__outlet__isnull=False)
        .values_list(
            "story_id", "article__outlet__name", "article__outlet__slug", "article__outlet__logo"
        )
        .annotate(articles=Count("pk"))
        .order_by("story_id", "-articles", "article__outlet__name")
    ),
    story_ids=list,
    now=dt.datetime,
)


def homepage_stories(*, limit: int = 10) -> HomepageStories:
    """The lead and ``limit`` top stories, each with ``.outlets`` (at most six named).

    Three queries whatever the number of stories or articles: the stories (see
    stories_for_homepage), their outlets, and the lead's newest picture with a file.
    """
    stories = stories_for_homepage(limit=limit + 1, cards=True)
    if not stories:
        return HomepageStories(lead=None, lead_image=None, others=[])
    by_id = {story.pk: story for story in stories}
    for story in stories:
        story.outlets = []
    rows = STORY_OUTLETS.run(story_ids=list(by_id), now=timezone.now())
    storage = Outlet._meta.get_field("logo").storage
    for story_id, name, slug, logo, _count in rows:
        story = by_id[story_id]
        if len(story.outlets) < HOMEPAGE_OUTLETS_SHOWN:
            story.outlets.append(StoryOutlet(name, slug, storage.url(logo) if logo else ""))
    lead = stories[0]
    placements = LEAD_IMAGE.run(story_id=lead.pk, now=timezone.now())
    placement = placements[0] if placements else None
    return HomepageStories(
        lead=lead, lead_image=placement.image if placement else None, others=stories[1:]
    )
