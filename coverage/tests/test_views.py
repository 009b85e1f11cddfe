import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle

pytestmark = pytest.mark.django_db


def test_story_page_lists_every_outlets_article(client, seed_demo):
    story = Story.objects.get()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    for article in story.articles.all():
        assert article.headline in response.text
    for outlet in ("The Nation Express", "Modern Tokyo Times"):
        assert outlet in response.text


def test_story_page_query_count_does_not_grow_with_articles_or_outlets(client, seed_demo):
    story = Story.objects.get()
    url = story.get_absolute_url()
    with CaptureQueriesContext(connection) as five_articles:
        assert client.get(url).status_code == 200
    for article in ArticleFactory.create_batch(20, bylines=["A. Writer", "B. Writer"]):
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    with CaptureQueriesContext(connection) as twenty_five_articles:
        response = client.get(url)
    assert response.text.count('class="card"') == 25
    assert len(twenty_five_articles) == len(five_articles)


def test_story_url_with_an_old_slug_redirects_to_the_current_one(client, seed_demo):
    story = Story.objects.get()
    response = client.get(reverse("coverage:story_detail", args=[story.pk, "old-title"]))
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
