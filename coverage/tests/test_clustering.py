"""The five seeds are one story; an unrelated article starts its own."""

import datetime as dt

import pytest

from articles.models import Article
from coverage.models import Story
from coverage.services import article_cluster

pytestmark = pytest.mark.django_db


def test_the_five_seed_articles_form_exactly_one_story(seed_demo):
    assert Story.objects.count() == 1
    story = Story.objects.get()
    assert story.articles.count() == 5


def test_an_unrelated_article_does_not_join_the_seed_story(seed_demo):
    unrelated = Article.objects.create(
        headline="City council approves new bicycle lanes on the harbour road",
        slug="bicycle-lanes",
        body_text=(
            "The city council voted on Tuesday to build protected bicycle lanes along the "
            "harbour road, after two years of consultation with cyclists and shop owners.\n\n"
            "Construction starts in the spring and will close one lane to cars for six weeks."
        ),
        status=Article.Status.PUBLISHED,
        published_at=dt.datetime(2025, 5, 5, 12, tzinfo=dt.UTC),
    )
    story, _score = article_cluster(article=unrelated)
    assert story.articles.count() == 1
    assert Story.objects.count() == 2


def test_clustering_twice_keeps_an_article_in_its_story(seed_demo):
    article = Article.objects.first()
    first, _ = article_cluster(article=article)
    again, _ = article_cluster(article=article)
    assert first == again
    assert Story.objects.count() == 1
