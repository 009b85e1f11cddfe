"""Each operation costs a fixed number of queries, whatever the page size or the size of
the story behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from api.services import changes_record
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from coverage.services import story_refresh
from entities.tests.factories import AliasFactory, PersonFactory
from mentions.tests.factories import MentionFactory
from search.services import search_terms_rebuild

pytestmark = pytest.mark.django_db


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1{path}")
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured)


def grow(story: Story, count: int, person, section, editor, *, corrections=False) -> None:
    """``count`` more published members of ``story``, each from its own outlet, with two
    bylines, two tags, a mention of ``person`` and (if asked) a correction."""
    for article in ArticleFactory.create_batch(
        count, section=section, bylines=["A. Writer", "B. Writer"]
    ):
        StoryArticle.objects.create(story=story, article=article, score=0.5)
        article.tags.add("Harbours", f"Tag {article.pk}")
        MentionFactory(article=article, person=person)
        if corrections:
            workflow.correction_append(article=article, text="Corrected.", by=editor)
    story_refresh(story=story)


@pytest.fixture
def newsroom():
    editor = UserFactory(role="editor")
    section = Section.objects.create(name="World", slug="world")
    person = PersonFactory(name="Harbour Master", slug="harbour-master")
    for n in range(3):
        AliasFactory(person=person, name=f"Master {n}")
    story = Story.objects.create(title="Harbour", slug="harbour", is_title_edited=True)
    grow(story, 2, person, section, editor, corrections=True)
    changes_record(kind="regrouped", object_type="story", object_ids=[story.pk])
    return story, person, section, editor


OPERATIONS = {
    "/stories?order=recent&limit={n}": 2,  # the dated stories ran out: the undated too
    "/stories?order=breadth&limit={n}": 1,
    "/articles?limit={n}": 3,  # the page's ids, the articles, their bylines
    "/articles?limit={n}&section=world&tag=harbours&person=harbour-master": 6,
    "/people?limit={n}": 2,
    "/people/harbour-master": 3,
    "/outlets?limit={n}": 1,
    "/sections": 1,
    "/tags?limit={n}": 1,
    "/changes?limit={n}": 3,
}


def more_of_everything(story, person, section, editor, count):
    grow(story, count, person, section, editor)
    PersonFactory.create_batch(count)
    article_ids = list(Article.objects.values_list("pk", flat=True))
    changes_record(kind="published", object_type="article", object_ids=article_ids)


@pytest.mark.parametrize(("path", "expected"), OPERATIONS.items())
def test_lists_cost_the_same_at_any_page_size(client, newsroom, path, expected):
    story, person, section, editor = newsroom
    more_of_everything(story, person, section, editor, 3)
    small = queries(client, path.format(n=2))
    more_of_everything(story, person, section, editor, 15)
    large = queries(client, path.format(n=15))
    assert small == large == expected


def test_a_story_costs_the_same_at_five_and_at_sixty_articles(client, newsroom):
    story, person, section, editor = newsroom
    grow(story, 3, person, section, editor)
    five = queries(client, f"/stories/{story.pk}")
    grow(story, 55, person, section, editor)
    sixty = queries(client, f"/stories/{story.pk}")
    second_page = queries(client, f"/stories/{story.pk}?page=2")
    # The story, then the story page's selector (at most 9).
    assert five <= 10
    assert sixty == second_page <= 10


def test_an_article_costs_the_same_however_many_bylines_tags_and_mentions(client, newsroom):
    story, person, section, editor = newsroom
    article = Article.objects.filter(story_memberships__story=story).first()
    few = queries(client, f"/articles/{article.pk}")
    for n in range(10):
        article.tags.add(f"Extra {n}")
        MentionFactory(article=article, person=PersonFactory())
        workflow.correction_append(article=article, text=f"Update {n}.", by=editor)
    many = queries(client, f"/articles/{article.pk}")
    # Article, bylines, images, corrections, tags, mentions, story (renditions: only
    # when the article has images).
    assert few == many == 7


def test_search_costs_the_same_at_any_number_of_matches(client, newsroom):
    story, person, section, editor = newsroom
    search_terms_rebuild()
    few = queries(client, "/search?q=bridge")
    grow(story, 40, person, section, editor)
    many = queries(client, "/search?q=bridge")
    assert few == many <= 6
