"""/api/v1/: the read API. Each operation reads through the same querysets and
selectors as the public page it mirrors, so "public" is decided in one place:

| operation | page | read through |
|---|---|---|
| stories (breadth) | home page's top stories | ``coverage.selectors.stories_for_homepage`` |
| story | story page | ``coverage.selectors.story_page`` |
| articles | section, tag, outlet, entity pages | ``Article.objects.published().for_listing()``, ``mentions.selectors.entity_articles`` |
| article | article page | ``articles.selectors.article_for_page``, ``mentions.selectors.article_mentions``, ``coverage.selectors.story_for_article`` |
| person, place, event | entity pages | ``coverage.selectors.stories_covering`` |
| search | search page | ``search.selectors.article_search`` |

Responses are public: the page cache stores them for anonymous clients and invalidates
them as it does the HTML pages: ``/articles/{id}`` and ``/stories/{id}`` by the keys of
the pages they mirror, the other operations (``unkeyed``) on every write.
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from taggit.models import Tag, TaggedItem

from articles.models import Article, Section
from articles.selectors import article_for_page
from coverage.models import Story, StoryArticle
from coverage.selectors import (
    RECENT_STORIES,
    stories_covering,
    stories_for_homepage,
    story_for_article,
    story_page,
)
from entities.models import Event, Person, Place
from mentions.selectors import article_mentions, entity_articles
from pagecache import keys
from search.selectors import SearchFilters, article_search
from sources.models import Outlet

from . import cursors, schemas
from .models import Change

api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=(
        "Read-only JSON for stories, articles, people, places, events, outlets, sections, "
        "tags and search: what the public pages show, nothing more. Lists use opaque "
        "cursors (`next_cursor`); anonymous clients are rate limited per address (429 "
        "with Retry-After); an API key (`Authorization: Bearer …`) lifts the limit."
    ),
    urls_namespace="api-v1",
    openapi_url="/schema",
    docs_url="/docs",
)

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
ERRORS = {400: schemas.Error}
NOT_FOUND = {400: schemas.Error, 404: schemas.Error}
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=200)]
SlugFilter = Annotated[str | None, Query(pattern=r"^[-a-zA-Z0-9_]+$", max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=500)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@api.exception_handler(NinjaValidationError)
def invalid_parameters(request, error):
    """400, not django-ninja's 422: a bad parameter is a bad request."""
    return api.create_response(request, {"detail": error.errors}, status=400)


# Building blocks -----------------------------------------------------------------------


def _url(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _last_modified(response: HttpResponse, *moments: dt.datetime | None) -> None:
    """Last-Modified for ConditionalGetMiddleware (which also adds the ETag and answers 304)."""
    known = [m for m in moments if m is not None]
    if known:
        response["Last-Modified"] = http_date(max(known).timestamp())


def _entity_ref(request, entity) -> dict:
    return {
        "kind": entity.kind,
        "slug": entity.slug,
        "name": entity.name,
        "url": _url(request, entity.get_absolute_url()),
    }


def _outlet_ref(request, outlet: Outlet | None) -> dict | None:
    if outlet is None:
        return None
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "country": outlet.country,
        "url": _url(request, outlet.get_absolute_url()),
    }


def _outlet(request, outlet: Outlet) -> dict:
    return {
        **_outlet_ref(request, outlet),
        "homepage": outlet.homepage,
        "language": outlet.language,
        "ownership_type": outlet.ownership_type,
        "owner": outlet.owner,
    }


def _section(request, section: Section | None) -> dict | None:
    if section is None:
        return None
    url = reverse("articles:section", kwargs={"slug": section.slug})
    return {"slug": section.slug, "name": section.name, "url": _url(request, url)}


def _tag(request, tag: Tag) -> dict:
    url = reverse("articles:tag", kwargs={"slug": tag.slug})
    return {"slug": tag.slug, "name": tag.name, "url": _url(request, url)}


def _article_summary(request, article: Article) -> dict:
    """What articles/_card.html shows (the for_listing bundle)."""
    return {
        "id": article.pk,
        "url": _url(request, article.get_absolute_url()),
        "headline": article.headline,
        "is_headline_provisional": article.is_headline_provisional,
        "dek": article.dek,
        "published_at": article.published_at,
        "published_at_precision": article.published_at_precision,
        "last_changed_at": article.last_changed_at,
        "updated_at": article.updated_at,
        "outlet": _outlet_ref(request, article.outlet),
        "section": _section(request, article.section),
        "bylines": [
            {
                "name": byline.name,
                "role": byline.role,
                "person": _entity_ref(request, byline.person) if byline.person else None,
            }
            for byline in article.bylines.all()
        ],
    }


def _story_ref(request, story: Story | None) -> dict | None:
    if story is None:
        return None
    return {"id": story.pk, "title": story.title, "url": _url(request, story.get_absolute_url())}


def _story_summary(request, story: Story) -> dict:
    return {
        "id": story.pk,
        "url": _url(request, story.get_absolute_url()),
        "title": story.title,
        "summary": story.summary,
        "first_reported_at": story.first_reported_at,
        "last_updated_at": story.last_updated_at,
        "article_count": story.article_count,
        "outlet_count": story.outlet_count,
    }


def _limit_page(rows: list, limit: int, key) -> tuple[list, str | None]:
    """``rows`` holds up to limit + 1 rows: the extra one says whether there is more."""
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, cursors.encode(key(rows[-1]))
    return rows, None


def _name_page(queryset, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of ``queryset`` (ordered by name, then pk) after the name cursor."""
    if cursor:
        name, pk = cursors.decode(cursor, (str, int))
        if name is None or pk is None:
            raise HttpError(400, "Invalid cursor.")
        queryset = queryset.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    return _limit_page(list(queryset[: limit + 1]), limit, lambda row: [row.name, row.pk])


# Stories -------------------------------------------------------------------------------


def _counted(stories):
    """Published articles and their outlets per story, as correlated subqueries: computed
    for the rows of the page only, never for every story."""
    members = StoryArticle.objects.visible().filter(story=OuterRef("pk")).order_by().values("story")
    return stories.annotate(
        article_count=Coalesce(
            Subquery(members.annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=IntegerField(),
        ),
        outlet_count=Coalesce(
            Subquery(members.annotate(n=Count("article__outlet", distinct=True)).values("n")[:1]),
            Value(0),
            output_field=IntegerField(),
        ),
    )


def _recent_stories(after: list | None, count: int) -> list[Story]:
    """``count`` stories with a published member after the cursor ``after``, most
    recently updated first, undated ones last (at most 2 queries).

    Dated stories are read in story_last_updated_idx order, so that only the page's rows
    are checked for a published member; the undated (feeds without dates) are read only
    once the dated ones have run out. One query ordered NULLS LAST could not use the
    index and checked every story: 23 ms at 20,000 articles, growing with the archive.
    """
    public = _counted(Story.objects.with_visible_members())
    stories = []
    at, pk = after or (None, None)
    if after is None or at is not None:
        dated = public.filter(last_updated_at__isnull=False)
        if at is not None:
            dated = dated.filter(Q(last_updated_at__lt=at) | Q(last_updated_at=at, pk__lt=pk))
        stories = list(dated.order_by("-last_updated_at", "-pk")[:count])
    if len(stories) < count:
        undated = public.filter(last_updated_at__isnull=True)
        if at is None and pk is not None:
            undated = undated.filter(pk__lt=pk)
        stories += list(undated.order_by("-pk")[: count - len(stories)])
    return stories


@api.get("/stories", response={200: schemas.StoryPage, **ERRORS}, tags=["stories"])
def story_list(
    request,
    response: HttpResponse,
    order: Literal["recent", "breadth"] = "recent",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Stories, most recently updated first (`recent`), or the home page's top stories
    (`breadth`: of the 100 most recently updated stories, the widest coverage first)."""
    if order == "breadth":
        (offset,) = cursors.decode(cursor, (int,)) if cursor else [0]
        if offset is None or not 0 <= offset <= RECENT_STORIES:
            raise HttpError(400, "Invalid cursor.")
        ranked = stories_for_homepage(limit=RECENT_STORIES)
        stories = ranked[offset : offset + limit]
        more = offset + limit < len(ranked)
        next_cursor = cursors.encode([offset + limit]) if more else None
    else:
        after = cursors.decode(cursor, (dt.datetime, int)) if cursor else None
        if after is not None and after[1] is None:
            raise HttpError(400, "Invalid cursor.")
        stories = _recent_stories(after, limit + 1)
        stories, next_cursor = _limit_page(stories, limit, lambda s: [s.last_updated_at, s.pk])
    _last_modified(response, *(s.last_updated_at for s in stories))
    return {"results": [_story_summary(request, s) for s in stories], "next_cursor": next_cursor}


@api.get("/stories/{story_id}", response={200: schemas.Story, **NOT_FOUND}, tags=["stories"])
def story_detail(request, response: HttpResponse, story_id: Id, page: PageNumber = 1):
    """A story as its page shows it: the page's articles (30 a page) with why each was
    grouped and whether it is wire copy, the timeline, outlets by country, the
    comparison of what each outlet reports, and the registered outlets that did not
    cover it."""
    story = get_object_or_404(Story, pk=story_id)
    keys.add(request, f"story:{story.pk}")  # as the story page (pagecache/keys.py)
    bundle = story_page(story=story, page_number=page)
    outlets = {name for _, names in bundle.countries for name in names}
    _last_modified(response, story.last_updated_at)
    return {
        "id": story.pk,
        "url": _url(request, story.get_absolute_url()),
        "title": story.title,
        "summary": story.summary,
        "first_reported_at": story.first_reported_at,
        "last_updated_at": story.last_updated_at,
        "article_count": bundle.article_count,
        "outlet_count": len(outlets),
        "page": bundle.page.number,
        "page_count": bundle.page.paginator.num_pages,
        "members": [
            {
                "article": _article_summary(request, entry.article),
                "is_wire": entry.is_wire,
                "wire_reason": entry.wire_reason,
                "why_grouped": _why_grouped(request, entry),
            }
            for entry in bundle.entries
        ],
        "timeline": [
            {
                "article_id": entry.article.pk,
                "published_at": entry.article.published_at,
                "outlet": entry.article.outlet.name if entry.article.outlet else "",
            }
            for entry in bundle.timeline
        ],
        "timeline_days": [
            {"day": d.day, "count": d.count, "outlets": d.outlets, "more_outlets": d.more_outlets}
            for d in bundle.timeline_days
        ],
        "countries": [
            {"country": country, "outlets": names} for country, names in bundle.countries
        ],
        "comparison": {
            "columns": bundle.comparison_columns,
            "rows": [
                {
                    "kind": row.kind,
                    "kind_label": row.kind_label,
                    "label": row.label,
                    "reported_by": row.reported_by,
                }
                for row in bundle.comparison
            ],
        },
        "gaps": [
            {"country": g.country, "ownership": g.ownership, "count": g.count, "names": g.names}
            for g in bundle.gaps
        ],
    }


def _why_grouped(request, entry) -> dict:
    """What coverage/_why_grouped.html shows."""
    why = entry.membership.explanation or {}
    return {
        "joined_by": entry.membership.joined_by,
        "started_story": bool(why.get("started_story")),
        "score": entry.membership.score,
        "similarity": why.get("similarity"),
        "time_proximity": why.get("time_proximity"),
        "top_shared_terms": [str(term) for term in why.get("top_shared_terms", [])],
        "shared_names": [
            {"name": n.name, "url": _url(request, n.url) if n.url else ""}
            for n in entry.shared_names
        ],
    }


# Articles ------------------------------------------------------------------------------

ENTITY_FILTERS = {"person": Person, "place": Place, "event": Event}


def _valid_day(day: dt.date | None) -> dt.date | None:
    if day is not None and not 1000 <= day.year <= 9998:
        raise HttpError(400, "Dates run from year 1000 to 9998.")
    return day


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _article_ids_after(articles, after: list | None, count: int) -> list[int]:
    """Ids of ``count`` of ``articles`` after the cursor ``after``, newest first and
    undated last (as ``latest_first``), in 1 query (2 once the dated ones run out).

    The cursor's date bounds the scan of article_published_idx (``published_at <=``), so
    a page deep in the archive costs what the first does; one query ordered NULLS LAST
    with an "or undated" condition read and discarded every newer article (15,000 rows
    for a page 15,000 articles deep).
    """
    at, pk = after or (None, None)
    ids = []
    if after is None or at is not None:
        dated = articles.filter(published_at__isnull=False)
        if at is not None:
            dated = dated.filter(published_at__lte=at).exclude(published_at=at, pk__gte=pk)
        ids = list(dated.latest_first().values_list("pk", flat=True)[:count])
    if len(ids) < count:
        undated = articles.filter(published_at__isnull=True)
        if at is None and pk is not None:
            undated = undated.filter(pk__lt=pk)
        ids += list(undated.order_by("-pk").values_list("pk", flat=True)[: count - len(ids)])
    return ids


@api.get("/articles", response={200: schemas.ArticlePage, **NOT_FOUND}, tags=["articles"])
def article_list(
    request,
    response: HttpResponse,
    section: SlugFilter = None,
    tag: SlugFilter = None,
    outlet: SlugFilter = None,
    person: SlugFilter = None,
    place: SlugFilter = None,
    event: SlugFilter = None,
    published_from: dt.date | None = None,
    published_to: dt.date | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Published articles, newest first. Filters combine; an unknown slug is a 404.
    `published_from` and `published_to` are days, both included."""
    articles = Article.objects.published()
    if section:
        articles = articles.filter(section=get_object_or_404(Section, slug=section))
    if tag:
        articles = articles.filter(tags=get_object_or_404(Tag, slug=tag))
    if outlet:
        articles = articles.filter(outlet=get_object_or_404(Outlet, slug=outlet))
    for kind, slug in (("person", person), ("place", place), ("event", event)):
        if slug:
            model = ENTITY_FILTERS[kind]
            entity = get_object_or_404(model, slug=slug)
            # The entity page's own rule for "names it" (and, for a person, "wrote it").
            named = entity_articles(entity=entity).order_by().values("pk")
            articles = articles.filter(pk__in=named)
    if day := _valid_day(published_from):
        articles = articles.filter(published_at__gte=_day_start(day))
    if day := _valid_day(published_to):
        articles = articles.filter(published_at__lt=_day_start(day + dt.timedelta(days=1)))
    after = cursors.decode(cursor, (dt.datetime, int)) if cursor else None
    if after is not None and after[1] is None:
        raise HttpError(400, "Invalid cursor.")
    ids = _article_ids_after(articles, after, limit + 1)
    by_pk = Article.objects.filter(pk__in=ids).for_listing().in_bulk()
    rows = [by_pk[pk] for pk in ids if pk in by_pk]
    rows, next_cursor = _limit_page(rows, limit, lambda a: [a.published_at, a.pk])
    _last_modified(response, *(a.updated_at for a in rows))
    return {"results": [_article_summary(request, a) for a in rows], "next_cursor": next_cursor}


@api.get("/articles/{article_id}", response={200: schemas.Article, **NOT_FOUND}, tags=["articles"])
def article_detail(request, response: HttpResponse, article_id: Id):
    """An article as its page shows it: body, bylines, images with their renditions,
    corrections and updates, the people, places and events it names, tags, its story."""
    article = article_for_page(pk=article_id)
    if article is None:
        raise Http404("No article found.")
    mentions = article_mentions(article=article)
    _last_modified(response, article.updated_at)
    story = story_for_article(article=article)
    # As the article page, without its comments (pagecache/keys.py).
    keys.add(request, f"article:{article.pk}", f"article-stories:{article.pk}")
    keys.add(request, f"outlet:{article.outlet_id}", f"section:{article.section_id}")
    keys.add(request, *(f"tag:{t.pk}" for t in article.tags.all()))
    if story is not None:
        keys.add(request, f"story:{story.pk}")
    return {
        **_article_summary(request, article),
        "body_html": str(article.body_html),
        "key_points": article.key_points,
        "attribution": article.attribution,
        "canonical_url": article.canonical_url,
        "was_updated_after_publication": article.was_updated_after_publication,
        "images": [_image(request, placement) for placement in article.images.all()],
        "corrections": [
            {"kind": c.kind, "text": c.text, "created_at": c.created_at}
            for c in article.corrections.all()
        ],
        "mentions": [_entity_ref(request, m.entity) for m in mentions],
        "tags": [_tag(request, tag) for tag in article.tags.all()],
        "story": _story_ref(request, story),
    }


def _image(request, placement) -> dict:
    image = placement.image
    return {
        "position": placement.position,
        "caption": placement.display_caption,
        "credit": placement.display_credit,
        "source_url": placement.source_url,
        "alt_text": image.alt_text if image else "",
        "url": _url(request, image.file.url) if image else None,
        "width": image.width if image else None,
        "height": image.height if image else None,
        "renditions": [
            {"width": r.width, "format": r.format, "url": _url(request, r.file.url)}
            for r in (image.renditions.all() if image else [])
        ],
    }


# People, places, events ------------------------------------------------------------------


def _entity_summary(request, entity) -> dict:
    return {
        **_entity_ref(request, entity),
        "description": entity.description,
        "wikidata_id": entity.wikidata_id,
        "wikidata_url": entity.wikidata_url,
        "aliases": sorted(alias.name for alias in entity.aliases.all()),
    }


def _entity_list(request, model, cursor: str | None, limit: int) -> dict:
    entities = model.objects.prefetch_related("aliases").order_by("name", "pk")
    rows, next_cursor = _name_page(entities, cursor, limit)
    return {"results": [_entity_summary(request, e) for e in rows], "next_cursor": next_cursor}


def _entity_detail(request, model, slug: str, related=()) -> dict:
    entity = get_object_or_404(model.objects.select_related(*related), slug=slug)
    detail = {
        **_entity_summary(request, entity),
        "stories": [
            _story_ref(request, s)
            for s in stories_covering(articles=entity_articles(entity=entity))
        ],
        "articles_url": _url(request, reverse("api-v1:article_list") + f"?{entity.kind}={slug}"),
    }
    if entity.kind == "person":
        detail["role"] = entity.role
    elif entity.kind == "place":
        detail["place_kind"] = entity.place_kind
        detail["country"] = entity.country
        detail["parent"] = _entity_ref(request, entity.parent) if entity.parent else None
    else:
        detail["event_kind"] = entity.event_kind
        detail["start_date"] = entity.start_date
        detail["end_date"] = entity.end_date
        detail["place"] = _entity_ref(request, entity.place) if entity.place else None
    return detail


@api.get("/people", response={200: schemas.EntityPage, **ERRORS}, tags=["entities"])
def person_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """People by name, with every name they go by and their Wikidata id."""
    return _entity_list(request, Person, cursor, limit)


@api.get("/people/{slug}", response={200: schemas.Entity, **NOT_FOUND}, tags=["entities"])
def person_detail(request, slug: Slug):
    return _entity_detail(request, Person, slug)


@api.get("/places", response={200: schemas.EntityPage, **ERRORS}, tags=["entities"])
def place_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    return _entity_list(request, Place, cursor, limit)


@api.get("/places/{slug}", response={200: schemas.Entity, **NOT_FOUND}, tags=["entities"])
def place_detail(request, slug: Slug):
    return _entity_detail(request, Place, slug, related=("parent",))


@api.get("/events", response={200: schemas.EntityPage, **ERRORS}, tags=["entities"])
def event_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    return _entity_list(request, Event, cursor, limit)


@api.get("/events/{slug}", response={200: schemas.Entity, **NOT_FOUND}, tags=["entities"])
def event_detail(request, slug: Slug):
    return _entity_detail(request, Event, slug, related=("place",))


# Outlets, sections, tags ---------------------------------------------------------------


@api.get("/outlets", response={200: schemas.OutletPage, **ERRORS}, tags=["outlets"])
def outlet_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    outlets = Outlet.objects.order_by("name", "pk")
    rows, next_cursor = _name_page(outlets, cursor, limit)
    return {"results": [_outlet(request, o) for o in rows], "next_cursor": next_cursor}


@api.get("/outlets/{slug}", response={200: schemas.Outlet, **NOT_FOUND}, tags=["outlets"])
def outlet_detail(request, slug: Slug):
    return _outlet(request, get_object_or_404(Outlet, slug=slug))


@api.get("/sections", response={200: schemas.SectionList}, tags=["sections"])
def section_list(request):
    return {"results": [_section(request, s) for s in Section.objects.order_by("name", "pk")]}


@api.get("/tags", response={200: schemas.TagPage, **ERRORS}, tags=["tags"])
def tag_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Tags of published articles (a tag only drafts carry is not public yet)."""
    on_public = TaggedItem.objects.filter(
        tag=OuterRef("pk"),
        content_type=ContentType.objects.get_for_model(Article),
        object_id__in=Article.objects.published().values("pk"),
    )
    tags = Tag.objects.filter(Exists(on_public)).order_by("name", "pk")
    rows, next_cursor = _name_page(tags, cursor, limit)
    return {"results": [_tag(request, t) for t in rows], "next_cursor": next_cursor}


# Search --------------------------------------------------------------------------------


@api.get("/search", response={200: schemas.SearchResults, **ERRORS}, tags=["search"])
def search(
    request,
    q: Annotated[str, Query(max_length=200)] = "",
    section: SlugFilter = None,
    outlet: SlugFilter = None,
    person: SlugFilter = None,
    place: SlugFilter = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: PageNumber = 1,
):
    """The search page's search (weighted full text over the 500 newest matches,
    corrected spelling, facets), 20 results a page."""
    results = article_search(
        query=q.replace("\x00", " "),
        filters=SearchFilters(
            section=section or "",
            outlet=outlet or "",
            person=person or "",
            place=place or "",
            date_from=_valid_day(date_from),
            date_to=_valid_day(date_to),
        ),
        page_number=page,
    )
    hits = list(results.page.object_list) if results.page else []
    return {
        "query": results.query,
        "searched_for": results.searched_for,
        "count": results.count,
        "is_capped": results.is_capped,
        "page": results.page.number if results.page else 1,
        "page_count": results.page.paginator.num_pages if results.page else 0,
        "results": [
            {**_article_summary(request, a), "snippet_html": str(a.snippet_html)} for a in hits
        ],
        "facets": results.facets,
    }


# Changes -------------------------------------------------------------------------------


@api.get("/changes", response={200: schemas.ChangePage, **ERRORS}, tags=["changes"])
def change_list(request, since: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 100):
    """What was published, updated, unpublished or regrouped, oldest first.

    Start without `since`; store `next_cursor` and pass it as `since` next time (it is
    returned even when nothing new happened). An article that is no longer public is
    listed only as unpublished, with no link; a story merged into another is removed.
    """
    changes = Change.objects.filter(at__lte=timezone.now()).order_by("at", "id")
    if since:
        at, pk = cursors.decode(since, (dt.datetime, int))
        if at is None or pk is None:
            raise HttpError(400, "Invalid cursor.")
        # A range on the index's first column, then the ties: not an OR the index
        # cannot bound.
        changes = changes.filter(at__gte=at).exclude(at=at, id__lte=pk)
    rows = list(changes[:limit])
    article_ids = {c.object_id for c in rows if c.object_type == Change.ObjectType.ARTICLE}
    public = {
        a.pk: a for a in Article.objects.published().filter(pk__in=article_ids).only("pk", "slug")
    }
    story_ids = {c.object_id for c in rows if c.object_type == Change.ObjectType.STORY}
    stories = Story.objects.only("pk", "slug").in_bulk(story_ids)
    results = []
    for change in rows:
        target = (public if change.object_type == Change.ObjectType.ARTICLE else stories).get(
            change.object_id
        )
        listed_as_public = change.kind in (Change.Kind.PUBLISHED, Change.Kind.UPDATED)
        if change.object_type == Change.ObjectType.ARTICLE and listed_as_public and not target:
            continue  # no longer public (its unpublish follows) or not yet
        results.append(
            {
                "kind": change.kind,
                "object_type": change.object_type,
                "id": change.object_id,
                "url": _url(request, target.get_absolute_url()) if target else None,
                "action": change.action,
                "details": change.details,
                "at": change.at,
            }
        )
    if rows:
        next_cursor = cursors.encode([rows[-1].at, rows[-1].pk])
    else:
        next_cursor = since or cursors.encode([dt.datetime(2000, 1, 1, tzinfo=dt.UTC), 0])
    return {"results": results, "next_cursor": next_cursor}
