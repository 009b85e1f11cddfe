"""A write makes stale only the cached pages that show what it changed (issue 19).

Every request goes through the real middleware with the test client; every write
through the real service, its on-commit callbacks run as a commit would run them.
"""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import comment_approve
from comments.tests.factories import CommentFactory
from coverage.models import Story, StoryArticle
from entities.tests.factories import PersonFactory
from mentions.models import Mention
from pagecache import keys

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def story_of(*articles, title):
    story = Story.objects.create(title=title, slug=title.lower().replace(" ", "-"))
    for article in articles:
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    return story


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    """Two stories; the first has a draft about to be published, in the same outlet,
    section and tag as its published article, naming the same person. Committed (its
    invalidations run) before the test caches anything."""
    with django_capture_on_commit_callbacks(execute=True):
        return _newsroom()


def _newsroom():
    section = Section.objects.create(name="Regional", slug="regional")
    person = PersonFactory(name="Ana Lima", slug="ana-lima")
    published = ArticleFactory(headline="Ferry strike called off", section=section)
    draft = ArticleFactory(
        headline="Ferry strike: unions sign the deal",
        section=section,
        outlet=published.outlet,
        status=Article.Status.DRAFT,
    )
    for article in (published, draft):
        article.tags.add("ferries")
        # Confirmed: re-suggesting mentions on publish keeps an editor's decision.
        Mention.objects.create(
            article=article, person=person, count=1, state=Mention.State.CONFIRMED
        )
    unrelated = ArticleFactory(headline="Museum reopens its east wing")
    return {
        "draft": draft,
        "published": published,
        "story": story_of(published, draft, title="Ferry strike"),
        "unrelated_story": story_of(unrelated, title="Museum"),
        "unrelated_article": unrelated,
        "person": person,
        "section": section,
    }


def pages_of(n) -> dict[str, str]:
    return {
        "article in the story": n["published"].get_absolute_url(),
        "story": n["story"].get_absolute_url(),
        "outlet": reverse("sources:outlet_detail", args=[n["published"].outlet.slug]),
        "section": reverse("articles:section", args=[n["section"].slug]),
        "tag": reverse("articles:tag", args=["ferries"]),
        "person": n["person"].get_absolute_url(),
        "home": reverse("home"),
    }


def state(client, url) -> str:
    return client.get(url)["X-Page-Cache"]


def test_publishing_an_article_invalidates_the_pages_that_show_it_and_no_other(
    client, newsroom, django_capture_on_commit_callbacks
):
    pages = pages_of(newsroom)
    unrelated = newsroom["unrelated_story"].get_absolute_url()
    for url in [*pages.values(), unrelated]:
        assert state(client, url) == "miss"
        assert state(client, url) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=newsroom["draft"], by=UserFactory(role="editor"))

    for name, url in pages.items():
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", name
        if name != "article in the story":  # related coverage shows other outlets only
            assert "unions sign the deal" in response.text, name
    assert state(client, newsroom["draft"].get_absolute_url()) == "miss"  # now public
    assert state(client, unrelated) == "hit"
    assert state(client, newsroom["unrelated_article"].get_absolute_url()) == "miss"  # first


def test_an_edit_invalidates_the_article_page_and_leaves_other_stories_alone(
    client, newsroom, django_capture_on_commit_callbacks
):
    article = newsroom["published"]
    unrelated = newsroom["unrelated_story"].get_absolute_url()
    for url in (article.get_absolute_url(), unrelated):
        client.get(url)
    article.headline = "Ferry strike called off at dawn"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(
            article=article, by=UserFactory(role="editor"), changed_fields=["headline"]
        )
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "called off at dawn" in response.text
    assert state(client, unrelated) == "hit"


def test_a_comment_invalidates_only_its_articles_thread(
    client, newsroom, django_capture_on_commit_callbacks
):
    article = newsroom["published"]
    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="Good news.")
    others = [url for name, url in pages_of(newsroom).items() if name != "article in the story"]
    for url in [article.get_absolute_url(), *others]:
        client.get(url)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_approve(comment=pending, by=UserFactory(role="moderator"))
    named = set().union(*(c.keys for c in callbacks if getattr(c, "keys", None)))
    assert named == {f"thread:{article.pk}"}
    for callback in callbacks:
        callback()
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Good news." in response.text
    assert [state(client, url) for url in others] == ["hit"] * len(others)


def test_cached_pages_carry_their_keys_for_an_http_cache(client, newsroom):
    story = newsroom["story"]
    response = client.get(story.get_absolute_url())
    assert f"story:{story.pk}" in response[keys.HEADER].split()
    article = newsroom["published"]
    header = client.get(article.get_absolute_url())[keys.HEADER].split()
    assert {f"article:{article.pk}", f"thread:{article.pk}", f"story:{story.pk}"} <= set(header)
    home = client.get(reverse("home"))[keys.HEADER].split()
    assert {"home", "list:articles", "list:stories", f"story:{story.pk}"} <= set(home)


def test_a_page_that_names_nothing_is_invalidated_by_any_write(
    client, newsroom, django_capture_on_commit_callbacks
):
    """The safe default: as stale as under the single global generation, never staler."""
    url = "/api/v1/sections"  # the API's operations register no keys (yet)
    assert client.get(url)[keys.HEADER] == keys.UNKEYED
    assert state(client, url) == "hit"
    pending = CommentFactory(article=newsroom["published"], status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, by=UserFactory(role="moderator"))
    assert state(client, url) == "miss"
