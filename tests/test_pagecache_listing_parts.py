"""The home page and the listing pages are page parts: a miss renders only what changed.

The home page's top stories and latest cards, and a section's, tag's, outlet's or
person's cards (one part per page number) and their stories, are kept as parts
(pagecache/parts.py). Requests go through the real middleware with the test client;
writes through the real services with their commit callbacks. A page's own entry is
dropped between requests, as a write elsewhere on it would make it stale.
"""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from coverage.services.editing import story_update
from entities.tests.factories import PersonFactory
from mentions.models import Mention
from pagecache.invalidation import PendingInvalidation
from tests.page_misses import miss, missed_with_queries, without_nonce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

# What each part reads: the cards' bylines (every list of cards) and the stories.
CARDS = 'FROM "articles_byline"'
STORIES = 'FROM "coverage_story"'


@pytest.fixture
def desk(committed):
    """A published article in a story, in a section, tagged, naming a person; a draft
    of the same outlet, section, tag and person, in no story yet."""

    def build():
        section = Section.objects.create(name="Regional", slug="regional")
        person = PersonFactory(name="Ana Lima", slug="ana-lima")
        published = ArticleFactory(headline="Ferry strike called off", section=section)
        draft = ArticleFactory(
            headline="Unions sign the ferry deal",
            section=section,
            outlet=published.outlet,
            status=Article.Status.DRAFT,
        )
        for article in (published, draft):
            article.tags.add("ferries")
            Mention.objects.create(
                article=article, person=person, count=1, state=Mention.State.CONFIRMED
            )
        story = Story.objects.create(title="Ferry strike", slug="ferry-strike")
        StoryArticle.objects.create(story=story, article=published, score=0.5)
        return {
            "published": published,
            "draft": draft,
            "story": story,
            "person": person,
            "pages": {
                "home": reverse("home"),
                "section": reverse("articles:section", args=[section.slug]),
                "tag": reverse("articles:tag", args=["ferries"]),
                "outlet": reverse("sources:outlet_detail", args=[published.outlet.slug]),
                "person": person.get_absolute_url(),
            },
        }

    return committed(build)


@pytest.fixture
def editor():
    return UserFactory(role="editor")


def reading(queries, table: str) -> bool:
    return any(table in sql for sql in queries)


# The queries a miss runs once every part is kept: the row the page is about, or none.
KEPT_MISS_QUERIES = {"home": 0, "section": 1, "tag": 1, "outlet": 1, "person": 1}


@pytest.mark.parametrize("page", list(KEPT_MISS_QUERIES))
def test_a_second_miss_is_the_same_page_reading_only_its_row(client, desk, page):
    path = desk["pages"][page]
    first, cold = missed_with_queries(client, path)
    second, kept = missed_with_queries(client, path)
    assert without_nonce(second) == without_nonce(first)
    assert "Ferry strike called off" in without_nonce(second)
    assert len(kept) == KEPT_MISS_QUERIES[page] < len(cold)
    # The kept parts name their keys on the page, as when they rendered.
    assert set(second["xkey"].split()) == set(first["xkey"].split())
    assert "unkeyed" not in second["xkey"].split()


@pytest.mark.parametrize("page", ["home", "section", "tag", "outlet", "person"])
def test_a_publish_reaches_the_next_miss_of_each_page_listing_it(
    client, committed, desk, editor, page
):
    path = desk["pages"][page]
    miss(client, path)
    committed(lambda: workflow.article_publish(article=desk["draft"], by=editor))
    response, queries = missed_with_queries(client, path)
    assert "Unions sign the ferry deal" in without_nonce(response)
    assert reading(queries, CARDS)


def test_a_publish_re_renders_the_latest_cards_and_keeps_top_stories_until_it_is_grouped(
    client, desk, editor, django_capture_on_commit_callbacks
):
    """The publish's own invalidation (``list:articles``, ``home``…) re-renders the latest
    cards; top stories wait for the grouping (a task of the worker's, run later: not
    here), which names the stories it changes (see the story test below)."""
    home = desk["pages"]["home"]
    miss(client, home)
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.article_publish(article=desk["draft"], by=editor)
    invalidations = [
        callback for callback in callbacks if isinstance(callback, PendingInvalidation)
    ]
    assert invalidations
    for invalidation in invalidations:
        invalidation()
    response, queries = missed_with_queries(client, home)
    assert "Unions sign the ferry deal" in without_nonce(response)
    assert reading(queries, CARDS)
    assert not reading(queries, STORIES)
    assert ">Ferry strike</a>" in without_nonce(response)


def test_a_story_retitled_re_renders_the_stories_and_keeps_the_cards(
    client, committed, desk, editor
):
    pages = [desk["pages"][name] for name in ("home", "outlet", "person")]
    for path in pages:
        miss(client, path)
    committed(lambda: story_update(story=desk["story"], title="Ferry deal", summary="", by=editor))
    for path in pages:
        response, queries = missed_with_queries(client, path)
        assert ">Ferry deal</a>" in without_nonce(response), path
        assert reading(queries, STORIES), path
        assert not reading(queries, CARDS), path


def test_each_page_number_is_its_own_part(client, committed, desk):
    section = Section.objects.get(slug="regional")
    committed(lambda: ArticleFactory.create_batch(20, section=section, headline="Filler"))
    path = desk["pages"]["section"]
    for query in ("", "?page=2", "?page=x", "?page=99"):
        miss(client, path + query)
    first, _ = missed_with_queries(client, path + "?page=x")  # not a number: the first page
    assert "Page 1 of 2" in without_nonce(first) and "Ferry strike called off" not in without_nonce(
        first
    )
    last, kept = missed_with_queries(client, path + "?page=99")  # past the end: the last page
    assert "Page 2 of 2" in without_nonce(last) and "Ferry strike called off" in without_nonce(last)
    assert not reading(kept, CARDS)


def test_past_the_last_page_of_a_one_page_home_shows_top_stories(client, desk):
    response, _ = missed_with_queries(client, desk["pages"]["home"] + "?page=3")
    assert ">Ferry strike</a>" in without_nonce(response)
    assert "Top stories are on the first page." not in without_nonce(response)


def test_a_persons_description_edited_re_renders_their_header_and_keeps_the_lists(
    client, committed, desk
):
    person_page = desk["pages"]["person"]
    miss(client, person_page)
    person = desk["person"]

    def describe():
        person.description = "Union negotiator."
        person.save()  # as the admin saves it

    committed(describe)
    response, queries = missed_with_queries(client, person_page)
    assert "Union negotiator." in without_nonce(response)  # the header and the JSON-LD
    assert without_nonce(response).count("Union negotiator.") == 2
    assert not reading(queries, CARDS)
    assert not reading(queries, STORIES)


def test_an_outlets_facts_edited_reach_the_next_miss(client, committed, desk):
    outlet_page = desk["pages"]["outlet"]
    miss(client, outlet_page)
    outlet = desk["published"].outlet

    def own():
        outlet.owner = "Harbour Media Group"
        outlet.save()  # as the admin saves it

    committed(own)
    response, _ = missed_with_queries(client, outlet_page)
    assert "(Harbour Media Group)" in without_nonce(response)  # the facts
    assert '"Harbour Media Group"' in without_nonce(response)  # the JSON-LD


def test_a_story_back_in_view_reaches_top_stories_on_the_next_miss(client, committed, desk, editor):
    """A story whose only article is withdrawn leaves top stories; published again, the
    story is back, though its membership never changed and the kept top stories did
    not show it (coverage names ``list:stories`` for an article in a story)."""
    home = desk["pages"]["home"]
    article = desk["published"]
    committed(lambda: workflow.article_unpublish(article=article, by=editor))
    assert ">Ferry strike</a>" not in without_nonce(miss(client, home))
    article.refresh_from_db()
    committed(lambda: workflow.article_publish(article=article, by=editor))
    assert ">Ferry strike</a>" in without_nonce(miss(client, home))


def test_regrouping_an_article_keeps_the_latest_cards_and_reaches_its_page(
    client, committed, desk, editor
):
    """Moving to another story changes which story its page (and its outlet's and
    entities' pages) show, not any card: the lists of cards stay kept
    (``article-stories:<id>``, not ``article:<id>``)."""
    draft = desk["draft"]
    committed(lambda: workflow.article_publish(article=draft, by=editor))  # grouped alone
    home, page = desk["pages"]["home"], draft.get_absolute_url()
    miss(client, home)
    assert desk["story"].get_absolute_url() not in without_nonce(miss(client, page))

    def move():
        membership = StoryArticle.objects.get(article=draft)
        membership.story = desk["story"]
        membership.save()

    committed(move)
    response, queries = missed_with_queries(client, home)
    assert not reading(queries, CARDS)
    assert reading(queries, STORIES)  # top stories: both stories' counts changed
    assert desk["story"].get_absolute_url() in without_nonce(miss(client, page))


def test_an_outlets_new_logo_reaches_its_cards_on_a_section_front(client, committed, desk):
    section = desk["pages"]["section"]
    outlet = desk["published"].outlet
    assert "harbour-logo.png" not in without_nonce(miss(client, section))
    outlet.logo = "outlets/harbour-logo.png"
    committed(outlet.save)
    assert "harbour-logo.png" in without_nonce(miss(client, section))
