"""Drafts, embargoed articles, unpublished articles and excluded memberships appear in no
operation of the API."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from coverage.services import story_refresh
from entities.tests.factories import PersonFactory
from mentions.tests.factories import MentionFactory
from search.services import search_terms_rebuild

pytestmark = pytest.mark.django_db


def every_response(client, story: Story, person_slug: str) -> dict[str, str]:
    """Every operation's answer, as text, for the fixtures below."""
    paths = [
        "/stories?order=recent",
        "/stories?order=breadth",
        f"/stories/{story.pk}",
        "/articles?limit=100",
        "/articles?section=world&limit=100",
        f"/articles?person={person_slug}&limit=100",
        f"/people/{person_slug}",
        "/people",
        "/places",
        "/events",
        "/outlets?limit=100",
        "/sections",
        "/tags?limit=100",
        "/search?q=harbour",
        "/changes?limit=500",
    ]
    answers = {}
    for path in paths:
        response = client.get(f"/api/v1{path}")
        assert response.status_code == 200, path
        answers[path] = response.text
    return answers


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    """A story with one public member, plus a draft, an embargoed article, an unpublished
    one and one excluded from the story; all name the same person and share a tag."""
    editor = UserFactory(role="editor")
    world = Section.objects.create(name="World", slug="world")
    person = PersonFactory()
    public = ArticleFactory(headline="Harbour reopens to ferries", section=world)
    hidden = {
        "draft": ArticleFactory(headline="Harbour draft unseen", status=Article.Status.DRAFT),
        "embargoed": ArticleFactory(
            headline="Harbour embargo unseen",
            published_at=timezone.now() + dt.timedelta(days=1),
        ),
        "unpublished": ArticleFactory(headline="Harbour withdrawn unseen"),
    }
    excluded = ArticleFactory(headline="Harbour excluded member", section=world)
    # An editor's title: story_refresh would otherwise title the story after its most
    # central member, hidden ones included (a coverage matter, reported separately).
    story = Story.objects.create(title="Harbour", slug="harbour", is_title_edited=True)
    StoryArticle.objects.create(story=story, article=public, score=0.9)
    StoryArticle.objects.create(
        story=story, article=excluded, joined_by=StoryArticle.JoinedBy.EXCLUDED
    )
    for article in [public, excluded, *hidden.values()]:
        article.section = world
        article.save()
        article.tags.add("Harbours")
        MentionFactory(article=article, person=person)
        if article is not excluded:
            StoryArticle.objects.get_or_create(story=story, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=hidden["unpublished"], by=editor)
    story_refresh(story=story)
    search_terms_rebuild()
    return {
        "story": story,
        "person": person,
        "public": public,
        "hidden": hidden,
        "excluded": excluded,
    }


def test_drafts_embargoed_and_unpublished_articles_appear_in_no_operation(client, newsroom):
    answers = every_response(client, newsroom["story"], newsroom["person"].slug)
    assert newsroom["public"].headline in answers["/articles?limit=100"]
    for name, article in newsroom["hidden"].items():
        for path, text in answers.items():
            assert article.headline not in text, (name, path)
            assert article.get_absolute_url() not in text, (name, path)
        assert client.get(f"/api/v1/articles/{article.pk}").status_code == 404, name


def test_an_article_excluded_from_a_story_is_not_among_its_members(client, newsroom):
    story = client.get(f"/api/v1/stories/{newsroom['story'].pk}").json()
    member_ids = {m["article"]["id"] for m in story["members"]}
    timeline_ids = {t["article_id"] for t in story["timeline"]}
    assert newsroom["public"].pk in member_ids
    assert newsroom["excluded"].pk not in member_ids | timeline_ids
    assert story["article_count"] == 1


def test_a_tag_only_drafts_carry_is_not_listed(client):
    ArticleFactory(status=Article.Status.DRAFT).tags.add("Secret plans")
    assert client.get("/api/v1/tags").json()["results"] == []
