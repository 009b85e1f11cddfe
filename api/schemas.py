"""What the API answers, as pydantic schemas: the OpenAPI document is generated from
these, and django-ninja validates every response against them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema


class Error(Schema):
    detail: str | list


class OutletRef(Schema):
    slug: str
    name: str
    country: str
    url: str


class Outlet(OutletRef):
    homepage: str
    language: str
    ownership_type: str
    owner: str


class Section(Schema):
    slug: str
    name: str
    url: str


class Tag(Schema):
    slug: str
    name: str
    url: str


class EntityRef(Schema):
    kind: str
    slug: str
    name: str
    url: str


class Byline(Schema):
    name: str
    role: str
    person: EntityRef | None


class ArticleSummary(Schema):
    id: int
    url: str
    headline: str
    is_headline_provisional: bool
    dek: str
    published_at: dt.datetime | None
    # "day" when the source gave a date only: its time is midnight UTC and not a fact.
    published_at_precision: Literal["day", "minute", "second"]
    # When readers' version last changed (an editor's update, else publication); not
    # moved by an import. None for an undated article never edited here.
    last_changed_at: dt.datetime | None
    # When this record last changed here, re-imports included (also Last-Modified).
    updated_at: dt.datetime
    outlet: OutletRef | None
    section: Section | None
    bylines: list[Byline]


class Rendition(Schema):
    width: int
    format: str
    url: str


class Image(Schema):
    position: int
    caption: str
    credit: str
    source_url: str
    alt_text: str
    url: str | None
    width: int | None
    height: int | None
    renditions: list[Rendition]


class Correction(Schema):
    kind: str
    text: str
    created_at: dt.datetime


class StoryRef(Schema):
    id: int
    title: str
    url: str


class Article(ArticleSummary):
    body_html: str
    key_points: list[str]
    attribution: str
    canonical_url: str
    was_updated_after_publication: bool
    images: list[Image]
    corrections: list[Correction]
    mentions: list[EntityRef]
    tags: list[Tag]
    story: StoryRef | None


class ArticlePage(Schema):
    results: list[ArticleSummary]
    next_cursor: str | None


class StorySummary(Schema):
    id: int
    url: str
    title: str
    summary: str
    first_reported_at: dt.datetime | None
    last_updated_at: dt.datetime | None
    article_count: int
    outlet_count: int


class StoryPage(Schema):
    results: list[StorySummary]
    next_cursor: str | None


class SharedName(Schema):
    name: str
    url: str


class WhyGrouped(Schema):
    joined_by: str
    started_story: bool
    score: float
    similarity: float | None
    time_proximity: float | None
    top_shared_terms: list[str]
    shared_names: list[SharedName]


class StoryMember(Schema):
    article: ArticleSummary
    is_wire: bool
    wire_reason: str
    why_grouped: WhyGrouped


class TimelineEntry(Schema):
    article_id: int
    published_at: dt.datetime
    outlet: str


class TimelineDay(Schema):
    day: dt.date
    count: int
    outlets: list[str]
    more_outlets: int


class Country(Schema):
    country: str
    outlets: list[str]


class ComparisonRow(Schema):
    kind: str
    kind_label: str
    label: str
    reported_by: list[bool]


class Comparison(Schema):
    columns: list[str]
    rows: list[ComparisonRow]


class OutletGap(Schema):
    country: str
    ownership: str
    count: int
    names: list[str]


class Story(StorySummary):
    page: int
    page_count: int
    members: list[StoryMember]
    timeline: list[TimelineEntry]
    timeline_days: list[TimelineDay]
    countries: list[Country]
    comparison: Comparison
    gaps: list[OutletGap]


class EntitySummary(EntityRef):
    description: str
    wikidata_id: str
    wikidata_url: str
    aliases: list[str]


class EntityPage(Schema):
    results: list[EntitySummary]
    next_cursor: str | None


class Entity(EntitySummary):
    role: str | None = None
    place_kind: str | None = None
    country: str | None = None
    parent: EntityRef | None = None
    event_kind: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    place: EntityRef | None = None
    stories: list[StoryRef]
    articles_url: str


class OutletPage(Schema):
    results: list[Outlet]
    next_cursor: str | None


class SectionList(Schema):
    results: list[Section]


class TagPage(Schema):
    results: list[Tag]
    next_cursor: str | None


class SearchHit(ArticleSummary):
    snippet_html: str


class FacetValue(Schema):
    slug: str
    name: str
    count: int


class SearchResults(Schema):
    query: str
    searched_for: str
    count: int
    is_capped: bool
    page: int
    page_count: int
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]


class Change(Schema):
    kind: str
    object_type: str
    id: int
    url: str | None
    action: str
    details: dict
    at: dt.datetime


class ChangePage(Schema):
    results: list[Change]
    next_cursor: str
