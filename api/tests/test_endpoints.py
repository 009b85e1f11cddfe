"""The read API shows what the public pages show, through the same selectors."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from coverage.services import story_refresh
from entities.models import Person
from entities.tests.factories import PersonFactory
from mentions.tests.factories import MentionFactory
from search.services import search_terms_rebuild

pytestmark = pytest.mark.django_db


def api(path: str) -> str:
    return f"/api/v1{path}"


def test_the_seed_story_is_listed_by_recency_and_by_breadth(client, seed_demo):
    story = Story.objects.get()
    for order in ("recent", "breadth"):
        body = client.get(api(f"/stories?order={order}")).json()
        assert [s["id"] for s in body["results"]] == [story.pk]
        assert body["results"][0]["article_count"] == 5
        assert body["next_cursor"] is None


def test_a_story_has_its_members_outlets_timeline_comparison_and_why_grouped(client, seed_demo):
    story = Story.objects.get()
    body = client.get(api(f"/stories/{story.pk}")).json()
    assert body["article_count"] == 5
    assert len(body["members"]) == 5
    dated = Article.objects.filter(published_at__isnull=False).count()
    assert len(body["timeline"]) == dated
    outlets = {name for country in body["countries"] for name in country["outlets"]}
    assert {"The Nation Express", "Modern Tokyo Times"} <= outlets
    labels = {row["label"] for row in body["comparison"]["rows"]}
    assert {"26 killed", "Simla Agreement (1972)"} <= labels
    assert sum(m["why_grouped"]["started_story"] for m in body["members"]) == 1
    names = {n["name"] for m in body["members"] for n in m["why_grouped"]["shared_names"]}
    assert "Sergey Lavrov" in names


def test_an_article_has_bylines_corrections_mentions_tags_and_its_story(client, seed_demo):
    editor = UserFactory(role="editor")
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    workflow.correction_append(article=article, text="The date was 5 May.", by=editor)
    article.tags.add("Kashmir")
    body = client.get(api(f"/articles/{article.pk}")).json()
    assert body["headline"] == article.headline
    assert body["bylines"]
    assert [c["text"] for c in body["corrections"]] == ["The date was 5 May."]
    assert "Sergey Lavrov" in {m["name"] for m in body["mentions"]}
    assert [t["slug"] for t in body["tags"]] == ["kashmir"]
    assert body["story"]["id"] == Story.objects.get().pk
    assert body["url"].endswith(article.get_absolute_url())


def test_articles_filter_by_section_tag_outlet_person_place_event_and_dates(client):
    world = Section.objects.create(name="World", slug="world")
    lavrov = PersonFactory(name="Sergey Lavrov", slug="sergey-lavrov")
    wanted = ArticleFactory(section=world, published_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC))
    wanted.tags.add("Diplomacy")
    MentionFactory(article=wanted, person=lavrov)
    ArticleFactory(published_at=dt.datetime(2025, 5, 9, tzinfo=dt.UTC))
    queries = [
        "section=world",
        "tag=diplomacy",
        f"outlet={wanted.outlet.slug}",
        "person=sergey-lavrov",
        "published_from=2025-05-01&published_to=2025-05-02",
        "section=world&person=sergey-lavrov&published_to=2025-05-02",
    ]
    for query in queries:
        ids = [a["id"] for a in client.get(api(f"/articles?{query}")).json()["results"]]
        assert ids == [wanted.pk], query


def test_an_unknown_filter_slug_is_not_found(client):
    assert client.get(api("/articles?section=nowhere")).status_code == 404


def test_cursor_pages_cover_every_article_once_newest_first(client):
    articles = ArticleFactory.create_batch(7)
    ArticleFactory(published_at=None)  # published without a date: listed last
    seen, cursor = [], None
    while True:
        url = api("/articles?limit=3") + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [a["id"] for a in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    expected = [a.pk for a in sorted(articles, key=lambda a: a.published_at, reverse=True)]
    assert seen[:7] == expected
    assert len(seen) == len(set(seen)) == 8


def test_story_cursors_cover_every_story_once_undated_last(client):
    stories = []
    for n in range(5):
        article = ArticleFactory(
            published_at=None if n == 0 else dt.datetime(2025, 5, n, tzinfo=dt.UTC)
        )
        story = Story.objects.create(title=f"Story {n}", slug=f"story-{n}")
        StoryArticle.objects.create(story=story, article=article)
        story_refresh(story=story)
        stories.append(story)
    seen, cursor = [], None
    while True:
        url = api("/stories?limit=2") + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [s["id"] for s in body["results"]]
        if (cursor := body["next_cursor"]) is None:
            break
    assert seen == [s.pk for s in reversed(stories[1:])] + [stories[0].pk]


def test_a_bad_cursor_is_a_bad_request(client):
    assert client.get(api("/articles?cursor=not-a-cursor")).status_code == 400


def test_people_have_their_aliases_and_wikidata_ids(client, seed_demo):
    lavrov = Person.objects.get(name="Sergey Lavrov")
    body = client.get(api(f"/people/{lavrov.slug}")).json()
    assert "Sergei Lavrov" in body["aliases"]
    assert body["wikidata_id"] == lavrov.wikidata_id
    assert body["stories"][0]["id"] == Story.objects.get().pk
    listed = client.get(api("/people?limit=100")).json()["results"]
    assert lavrov.slug in {p["slug"] for p in listed}


def test_outlets_sections_and_tags_are_listed(client):
    article = ArticleFactory(section=Section.objects.create(name="World", slug="world"))
    article.tags.add("Diplomacy")
    assert client.get(api("/outlets")).json()["results"][0]["slug"] == article.outlet.slug
    assert client.get(api(f"/outlets/{article.outlet.slug}")).status_code == 200
    assert [s["slug"] for s in client.get(api("/sections")).json()["results"]] == ["world"]
    assert [t["slug"] for t in client.get(api("/tags")).json()["results"]] == ["diplomacy"]


def test_search_answers_as_the_search_page_does(client, seed_demo):
    search_terms_rebuild()
    body = client.get(api("/search?q=Lavorv")).json()
    assert body["searched_for"] == "Lavrov"
    assert body["count"] >= 1
    assert "<mark>" in body["results"][0]["snippet_html"]
    page = client.get(reverse("search:search") + "?q=Lavorv").text
    for hit in body["results"]:
        assert hit["headline"] in page or hit["headline"].replace("'", "&#x27;") in page


def test_a_date_only_article_is_given_as_a_date_not_a_time(client):
    """As on its page: a source that gave "6 May 2025" has no time of day to report, and
    an article imported today has not changed today."""
    article = ArticleFactory(
        published_at=dt.datetime(2025, 5, 6, tzinfo=dt.UTC),
        published_at_precision=Article.Precision.DAY,
    )
    listed = client.get(api("/articles")).json()["results"][0]
    detail = client.get(api(f"/articles/{article.pk}")).json()
    for body in (listed, detail):
        assert body["published_at_precision"] == "day"
        assert body["last_changed_at"].startswith("2025-05-06")
