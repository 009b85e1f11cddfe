"""The story page's parts (templates/coverage/story_detail.html, ``{% part %}``): a
miss renders only the parts whose story changed (pagecache/parts.py, issue 19).

Requests go through the real middleware with the test client; writes through the real
services, their on-commit callbacks run as a commit would run them. The page's own
entry is dropped between requests, as a change elsewhere on the page would make it
stale.
"""

import json

import pytest

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Section
from articles.tests.factories import ArticleFactory
from coverage import selectors
from coverage.models import Story, StoryArticle
from coverage.services import story_update
from tests.page_misses import miss, missed_with_queries, without_nonce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def story(committed):
    """A story of two outlets' articles, committed before anything is cached."""

    def write():
        story = Story.objects.create(title="Ferry strike", slug="ferry-strike")
        for headline in ("Ferry strike called off", "Unions sign the ferry deal"):
            StoryArticle.objects.create(
                story=story, article=ArticleFactory(headline=headline), score=0.5
            )
        return story

    return committed(write)


def reads_members(queries) -> bool:
    """A query of the story's parts: its members with their articles."""
    return any('FROM "coverage_storyarticle"' in sql for sql in queries)


def reads_sections(queries) -> bool:
    return any('FROM "articles_section"' in sql for sql in queries)


def jsonld(response) -> dict:
    text = response.text.split('<script type="application/ld+json">', 1)[1]
    return json.loads(text.split("</script>", 1)[0])


def test_a_second_miss_reads_nothing_and_renders_the_same_page(client, story):
    url = story.get_absolute_url()
    first, first_queries = missed_with_queries(client, url)
    second, queries = missed_with_queries(client, url)
    assert without_nonce(second) == without_nonce(first)
    assert len(queries) == 0 < len(first_queries)  # even the story's row is kept
    assert f"story:{story.pk}" in second["xkey"].split()


def test_an_edited_headline_reaches_the_coverage_and_the_jsonld_on_the_next_miss(
    client, story, committed
):
    url = story.get_absolute_url()
    miss(client, url)
    article = story.articles.get(headline="Ferry strike called off")
    article.headline = "Ferry strike called off at dawn"
    committed(
        lambda: workflow.article_save(
            article=article, by=UserFactory(role="editor"), changed_fields=["headline"]
        )
    )
    page = miss(client, url)
    assert "Ferry strike called off at dawn</a>" in page.text
    items = jsonld(page)["mainEntity"]["itemListElement"]
    assert "Ferry strike called off at dawn" in {item["item"]["headline"] for item in items}


def test_a_retitled_story_reaches_its_header_on_the_next_miss(client, story, committed):
    miss(client, story.get_absolute_url())
    committed(
        lambda: story_update(
            story=story, title="Ferry talks", summary="Both sides", by=UserFactory(role="editor")
        )
    )
    page = miss(client, story.get_absolute_url()).text
    assert "<h1>Ferry talks</h1>" in page
    assert '<p class="dek">Both sides</p>' in page


def test_a_new_section_rerenders_the_navigation_and_keeps_the_storys_parts(
    client, story, committed
):
    url = story.get_absolute_url()
    miss(client, url)
    committed(lambda: ArticleFactory(section=Section.objects.create(name="Harbour", slug="h")))
    page, queries = missed_with_queries(client, url)
    assert ">Harbour</a>" in page.text
    assert reads_sections(queries)
    assert len(queries) == 1  # the sections


def test_an_edit_in_the_story_rerenders_its_parts_and_keeps_the_navigation(
    client, story, committed
):
    url = story.get_absolute_url()
    miss(client, url)
    article = story.articles.first()
    article.dek = "Services resume on Monday."
    committed(
        lambda: workflow.article_save(
            article=article, by=UserFactory(role="editor"), changed_fields=["dek"]
        )
    )
    page, queries = missed_with_queries(client, url)
    assert "Services resume on Monday." in page.text
    assert reads_members(queries)
    assert not reads_sections(queries)


def test_each_page_of_the_pager_shows_its_own_articles(client, story, monkeypatch):
    """The coverage and the comparison are kept per page of the pager (the timeline,
    the same on every page, once). A page number that is not one shows the first page."""
    monkeypatch.setattr(selectors, "ENTRIES_PER_PAGE", 1)
    url = story.get_absolute_url()
    first, second = story.articles.order_by("published_at", "pk")
    assert f"{first.headline}</a>" in miss(client, url).text
    page = miss(client, f"{url}?page=2").text
    assert f"{second.headline}</a>" in page
    assert f"{first.headline}</a>" not in page
    not_a_number = miss(client, f"{url}?page=two").text
    assert f"{first.headline}</a>" in not_a_number


def test_the_jsonld_names_each_requests_own_canonical_url(client, story):
    url = story.get_absolute_url()
    searched = jsonld(miss(client, f"{url}?q=ferry"))
    plain = jsonld(miss(client, url))
    first_page = jsonld(miss(client, f"{url}?page=1"))
    assert searched["url"] == searched["@id"] == f"http://testserver{url}?q=ferry"
    assert plain["url"] == plain["@id"] == first_page["url"] == f"http://testserver{url}"
    assert plain["mainEntity"] == searched["mainEntity"]


def test_a_story_whose_articles_are_all_withdrawn_is_gone_at_the_next_miss(
    client, story, committed
):
    url = story.get_absolute_url()
    miss(client, url)
    editor = UserFactory(role="editor")
    for article in story.articles.all():
        committed(lambda article=article: workflow.article_unpublish(article=article, by=editor))
    assert client.get(url).status_code == 404
