"""What search engines and feed readers see: JSON-LD, feeds, sitemaps, robots.txt."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.services import section_get_or_create
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def jsonld_blocks(html: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_article_page_carries_newsarticle_and_breadcrumbs_json_ld(client, seed_demo):
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    news, crumbs = jsonld_blocks(client.get(article.get_absolute_url()).text)[0]
    assert news["@type"] == "NewsArticle"
    assert news["headline"] == article.headline
    assert news["datePublished"].startswith("2025-05-06")
    assert news["dateModified"]
    assert [a["name"] for a in news["author"]] == ["Kanako Mita", "Sawako Utsumi", "Lee Jay Walker"]
    assert all(a["url"].startswith("http://testserver/people/") for a in news["author"])
    assert news["publisher"]["name"] == "Modern Tokyo Times"
    assert crumbs["@type"] == "BreadcrumbList"
    assert crumbs["itemListElement"][-1]["name"] == article.headline


def test_story_page_is_a_collection_page_of_news_articles_from_several_publishers(
    client, seed_demo
):
    from coverage.models import Story

    story = Story.objects.get()
    html = client.get(story.get_absolute_url()).text
    (collection,) = jsonld_blocks(html)
    assert collection["@type"] == "CollectionPage"
    items = [entry["item"] for entry in collection["mainEntity"]["itemListElement"]]
    assert {item["@type"] for item in items} == {"NewsArticle"}
    assert len({item["publisher"]["name"] for item in items}) >= 3
    assert all(item["image"] and all(a["url"] for a in item["author"]) for item in items)
    assert f'<link rel="canonical" href="http://testserver{story.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="' in html


def test_an_article_without_image_with_a_desk_byline_has_an_image_and_an_author_url(client):
    article = ArticleFactory()  # byline "Staff reporter", no person, no image
    news, _crumbs = jsonld_blocks(client.get(article.get_absolute_url()).text)[0]
    assert news["image"][0].endswith("/static/img/share.png")
    (author,) = news["author"]
    assert author["@type"] == "Organization" and author["url"].startswith("http://testserver/")


def test_our_own_article_names_newsroom_as_publisher_with_a_logo(client):
    article = ArticleFactory(outlet=None)
    news, _crumbs = jsonld_blocks(client.get(article.get_absolute_url()).text)[0]
    assert news["publisher"]["name"] == "Newsroom"
    assert news["publisher"]["logo"]["url"].endswith(".png")


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client):
    article = ArticleFactory(headline="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html
    assert jsonld_blocks(html)[0][0]["headline"] == "</script><script>alert(1)</script>"


def test_section_and_tag_pages_list_their_articles(client):
    regional = section_get_or_create(name="Regional")
    inside = ArticleFactory(section=regional, headline="Flood defences approved")
    inside.tags.add("Floods")
    ArticleFactory(headline="Unrelated budget story")
    section_page = client.get(reverse("articles:section", args=["regional"]))
    assert "Flood defences approved" in section_page.text
    assert "Unrelated budget story" not in section_page.text
    tag_page = client.get(reverse("articles:tag", args=["floods"]))
    assert "Flood defences approved" in tag_page.text


def test_section_page_query_count_does_not_grow_with_articles(client):
    regional = section_get_or_create(name="Regional")
    ArticleFactory.create_batch(2, section=regional)
    url = reverse("articles:section", args=["regional"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ArticleFactory.create_batch(25, section=regional, bylines=["A", "B"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_robots_txt_points_at_the_sitemaps_and_keeps_crawlers_out_of_the_admin(client):
    from django.utils import timezone

    ArticleFactory(published_at=timezone.now())
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text
    assert "Disallow: /preview/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text


def test_the_news_sitemap_is_not_offered_while_nothing_is_recent(client):
    """An empty <urlset> is schema-invalid: no link from robots.txt, and a 404."""
    import datetime as dt

    from django.utils import timezone

    ArticleFactory(published_at=timezone.now() - dt.timedelta(days=30))
    assert "sitemap-news.xml" not in client.get("/robots.txt").text
    assert client.get("/sitemap-news.xml").status_code == 404


def test_an_undated_article_appears_in_no_feed_and_has_no_invented_lastmod(client):
    dated = ArticleFactory(headline="Dated report")
    undated = ArticleFactory(headline="Undated report", published_at=None)
    for path in ("/feeds/latest.rss", "/feeds/latest.atom"):
        body = client.get(path).text
        assert "Dated report" in body
        assert "Undated report" not in body
    urls = ET.fromstring(client.get("/sitemap-articles.xml").content)
    lastmods = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
        for url in urls.findall("sm:url", SITEMAP_NS)
    }
    assert lastmods[f"http://testserver{undated.get_absolute_url()}"] is None
    dated_lastmod = lastmods[f"http://testserver{dated.get_absolute_url()}"].text
    assert dated_lastmod.startswith(dated.published_at.date().isoformat())


def test_an_imported_article_keeps_its_source_date_as_last_change_in_the_sitemap(client):
    """Importing a May 2025 article today is no change to it: lastmod stays in May 2025."""
    import datetime as dt

    old = ArticleFactory(published_at=dt.datetime(2025, 5, 6, 14, 30, tzinfo=dt.UTC))
    Article.objects.filter(pk=old.pk).update(first_published_at=None)
    urls = ET.fromstring(client.get("/sitemap-articles.xml").content)
    lastmod = urls.find("sm:url/sm:lastmod", SITEMAP_NS).text
    assert lastmod.startswith("2025-05-06")


def test_sitemap_index_lists_the_article_sitemap_which_lists_published_articles(client):
    published = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert "http://testserver/sitemap-articles.xml" in locations
    urls = ET.fromstring(client.get("/sitemap-articles.xml").content)
    listed = [loc.text for loc in urls.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert f"http://testserver{published.get_absolute_url()}" in listed
    assert f"http://testserver{draft.get_absolute_url()}" not in listed


def test_news_sitemap_has_only_the_last_two_days(client):
    import datetime as dt

    from django.utils import timezone

    fresh = ArticleFactory(published_at=timezone.now() - dt.timedelta(hours=3))
    ArticleFactory(published_at=timezone.now() - dt.timedelta(days=3), headline="Old news")
    body = client.get("/sitemap-news.xml").text
    assert fresh.headline in body
    assert "Old news" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        "/sections/regional/feed.rss",
        "/sections/regional/feed.atom",
        "/tags/kashmir/feed.rss",
        "/tags/kashmir/feed.atom",
    ],
)
def test_feeds_parse_cleanly_with_the_required_elements(client, path):
    import feedparser

    regional = section_get_or_create(name="Regional")
    article = ArticleFactory(section=regional, headline="Talks resume in Tashkent")
    article.tags.add("Kashmir")
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.feed.title and feed.feed.link
    entry = feed.entries[0]
    assert entry.title == "Talks resume in Tashkent"
    assert entry.link == f"http://testserver{article.get_absolute_url()}"
    assert entry.id and (entry.get("published") or entry.get("updated"))


@pytest.mark.parametrize("kind", ["story", "person", "place"])
def test_story_and_entity_feeds_carry_the_dated_seed_articles(client, seed_demo, kind):
    """Two seeds give no date: a feed entry needs one, so they are left out."""
    import feedparser

    from coverage.models import Story
    from entities.models import Person, Place

    url = {
        "story": lambda: reverse("coverage:story_rss", args=[Story.objects.get().pk]),
        "person": lambda: reverse("entities:person_rss", args=["sergey-lavrov"]),
        "place": lambda: reverse("entities:place_atom", args=["pahalgam"]),
    }[kind]()
    assert Person.objects.filter(slug="sergey-lavrov").exists()
    assert Place.objects.filter(slug="pahalgam").exists()
    feed = feedparser.parse(client.get(url).content)
    assert feed.bozo is False, feed.get("bozo_exception")
    titles = {entry.title for entry in feed.entries}
    assert "Russia Offers to Mediate in Kashmir Crisis: India and Pakistan" in titles
    if kind == "place":  # the page's articles: seed 001 names only the Pahalgam *attack*
        from mentions.selectors import entity_articles

        expected = entity_articles(entity=Place.objects.get(slug="pahalgam"))
        assert titles == {article.headline for article in expected if article.published_at}
    else:
        assert len(titles) == 3


def test_tag_page_query_count_does_not_grow_with_articles(client):
    for article in ArticleFactory.create_batch(2):
        article.tags.add("Floods")
    url = reverse("articles:tag", args=["floods"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for article in ArticleFactory.create_batch(25, bylines=["A", "B"]):
        article.tags.add("Floods", "Rain")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.text.count('class="card"') == 20  # one page
    assert len(many) == len(few)


def newsroom_with_articles(count: int, *, story=None, entities=()) -> None:
    """``count`` more published articles in section Regional, tagged Kashmir, in
    ``story``, naming each of ``entities``, with two bylines each."""
    from coverage.models import StoryArticle
    from mentions.models import Mention

    regional = section_get_or_create(name="Regional")
    for article in ArticleFactory.create_batch(count, section=regional, bylines=["A", "B"]):
        article.tags.add("Kashmir")
        if story is not None:
            StoryArticle.objects.create(story=story, article=article, score=0.5)
        for entity in entities:
            mention = Mention(article=article, count=1, first_position=0)
            mention.entity = entity
            mention.save()


FEEDS = [
    "articles:latest_rss",
    "articles:latest_atom",
    "articles:section_rss",
    "articles:section_atom",
    "articles:tag_rss",
    "articles:tag_atom",
    "coverage:story_rss",
    "coverage:story_atom",
    "entities:person_rss",
    "entities:person_atom",
    "entities:place_rss",
    "entities:place_atom",
    "entities:event_rss",
    "entities:event_atom",
]


@pytest.mark.parametrize("name", FEEDS)
def test_feed_query_count_does_not_grow_with_articles(client, name):
    from coverage.models import Story
    from entities.tests.factories import EventFactory, PersonFactory, PlaceFactory

    story = Story.objects.create(title="Talks", slug="talks")
    person, place, event = PersonFactory(), PlaceFactory(), EventFactory()
    args = {
        "section": ["regional"],
        "tag": ["kashmir"],
        "story": [story.pk],
        "person": [person.slug],
        "place": [place.slug],
        "event": [event.slug],
    }.get(name.split(":")[1].rsplit("_", 1)[0], [])
    newsroom_with_articles(2, story=story, entities=(person, place, event))
    url = reverse(name, args=args)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    newsroom_with_articles(35, story=story, entities=(person, place, event))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.count(b"<item>") + response.content.count(b"<entry>") == 30
    assert len(many) == len(few)


SITEMAP_PAGES = [
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-stories.xml",
    "/sitemap-sections.xml",
    "/sitemap-tags.xml",
    "/sitemap-people.xml",
    "/sitemap-places.xml",
    "/sitemap-events.xml",
    "/sitemap-outlets.xml",
    "/sitemap-news.xml",
]


@pytest.mark.parametrize("path", SITEMAP_PAGES)
def test_sitemap_query_count_does_not_grow_with_content(client, path):
    from django.utils import timezone

    from coverage.models import Story, StoryArticle
    from entities.tests.factories import EventFactory, PersonFactory, PlaceFactory

    def grow(count):
        for article in ArticleFactory.create_batch(count, published_at=timezone.now()):
            article.tags.add(f"Topic {article.pk}")
            section_get_or_create(name=f"Section {article.pk}")
            story = Story.objects.create(
                title=f"Story {article.pk}", slug=f"story-{article.pk}", member_count=1
            )
            StoryArticle.objects.create(story=story, article=article, score=0.5)
        PersonFactory.create_batch(count)
        PlaceFactory.create_batch(count)
        EventFactory.create_batch(count)

    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    grow(25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert response.content.count(b"<loc>") >= 27 or path == "/sitemap.xml"
    assert len(many) == len(few)


def test_search_pages_are_kept_out_of_indexes_by_noindex_that_crawlers_may_read(client):
    """robots.txt must not block /search/, or crawlers never see the page's noindex."""
    assert "/search/" not in client.get("/robots.txt").text
    page = client.get("/search/?q=harbour").text
    assert '<meta name="robots" content="noindex' in page
