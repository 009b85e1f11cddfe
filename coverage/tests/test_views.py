import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from entities.models import Person
from sources.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def add_members(story, count):
    """``count`` more articles, each from a new outlet, with two bylines each."""
    for article in ArticleFactory.create_batch(count, bylines=["A. Writer", "B. Writer"]):
        StoryArticle.objects.create(story=story, article=article, score=0.5)


def test_story_page_lists_every_outlets_article(client, seed_demo):
    story = Story.objects.get()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    for article in story.articles.all():
        assert article.headline in response.text
    for outlet in ("The Nation Express", "Modern Tokyo Times"):
        assert outlet in response.text
    assert "5 articles" in response.text


def test_story_page_compares_what_each_outlet_reports(client, seed_demo):
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    assert "What each outlet reports" in page
    for fact in ("26 killed", "Simla Agreement (1972)", "Lahore Declaration (1999)"):
        assert fact in page


def test_story_page_explains_why_each_article_was_grouped(client, seed_demo):
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    assert page.count("Why grouped") == 5
    assert "This article started the story." in page
    assert "Top shared terms:" in page


def test_why_grouped_names_the_shared_people_and_links_their_pages(client, seed_demo):
    lavrov = Person.objects.get(name="Sergey Lavrov")
    page = client.get(Story.objects.get().get_absolute_url()).text
    assert f'<a href="{lavrov.get_absolute_url()}">Sergey Lavrov</a>' in page
    assert "person:" not in page  # keys never show as such


def test_story_page_lists_registered_outlets_that_did_not_cover_it(client, seed_demo):
    OutletFactory(name="Silent Gazette", country="NZ")
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    assert "Coverage gaps" in page
    assert "Silent Gazette" in page


def test_story_page_marks_wire_copy(client, seed_demo):
    story = Story.objects.get()
    wire = ArticleFactory(attribution="Reuters", bylines=["Reuters"])
    StoryArticle.objects.create(story=story, article=wire, score=0.5)
    page = client.get(story.get_absolute_url()).text
    assert "Wire copy: credited to Reuters" in page


def test_story_page_query_count_does_not_grow_with_articles_or_outlets(client, seed_demo):
    story = Story.objects.get()
    url = story.get_absolute_url()
    with CaptureQueriesContext(connection) as five_articles:
        assert client.get(url).status_code == 200
    add_members(story, 20)
    with CaptureQueriesContext(connection) as twenty_five_articles:
        response = client.get(url)
    assert response.text.count('class="card"') == 25
    # 5 for the page and its members, one per kind of entity the explanations name.
    assert len(twenty_five_articles) == len(five_articles) == 8


def test_related_coverage_box_shows_the_story_and_other_outlets_takes(client, seed_demo):
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    page = client.get(article.get_absolute_url()).text
    assert "Full coverage:" in page
    assert page.count('<li><a href="/articles/') == 4  # the other four outlets' takes


def test_related_coverage_box_query_count_does_not_grow_with_the_story(client, seed_demo):
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    story = Story.objects.get()
    url = article.get_absolute_url()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_members(story, 30)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.text.count('<li><a href="/articles/') == 5
    assert len(large) == len(small)


def test_story_url_with_an_old_slug_redirects_to_the_current_one(client, seed_demo):
    story = Story.objects.get()
    response = client.get(reverse("coverage:story_detail", args=[story.pk, "old-title"]))
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
