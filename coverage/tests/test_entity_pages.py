"""Entity pages with the stories coverage pulls into them (``{% entity_stories %}``):
the whole page, so it is tested here, above both mentions and coverage."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from mentions.tests.test_views import entity_of_kind, mention

pytestmark = pytest.mark.django_db


def mention_in_story(entity, *, articles, story):
    mention(entity, articles=articles)
    for article in articles:
        StoryArticle.objects.create(story=story, article=article)


# The entity (with its parent or place), aliases, article count, article page,
# bylines, stories; a place page adds the places in it and the events there. Every page
# adds one for the header's section navigation.
PINNED_QUERIES = {"person": 7, "place": 9, "event": 7}


def test_person_page_lists_role_aliases_articles_and_stories(client, seed_demo):
    response = client.get("/people/sergey-lavrov/")
    assert response.status_code == 200
    assert "Foreign Minister of Russia" in response.text
    assert "Sergei Lavrov" in response.text
    assert response.text.count('class="card"') == 5
    story = Story.objects.get()
    assert f'href="{story.get_absolute_url()}"' in response.text


@pytest.mark.parametrize("kind", ["person", "place", "event"])
def test_entity_page_query_count_does_not_grow_with_articles(client, kind):
    entity = entity_of_kind(kind)
    story = Story.objects.create(title="Talks", slug="talks")
    mention_in_story(
        entity, articles=ArticleFactory.create_batch(4, bylines=["A", "B"]), story=story
    )
    url = entity.get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    later = Story.objects.create(title="Aftermath", slug="aftermath")
    mention_in_story(
        entity, articles=ArticleFactory.create_batch(8, bylines=["C", "D"]), story=later
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.text.count('class="card"') == 12
    assert len(many) == len(few) == PINNED_QUERIES[kind]
