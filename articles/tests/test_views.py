import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_home_lists_the_five_seed_articles(client, seed_demo):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    for headline in Article.objects.values_list("headline", flat=True):
        assert headline in response.text


def test_home_shows_the_seed_story_as_a_top_story(client, seed_demo):
    response = client.get(reverse("home"))
    assert "5 articles from 2 named outlets" in response.text


def test_article_page_shows_bylines_key_points_and_captions(client, seed_demo):
    article = Article.objects.get(headline__startswith="Pakistan asks Russia to mediate")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "K N Mishra" in response.text
    assert "Key points" in response.text
    assert article.key_points[0] in response.text
    assert "Related coverage" in response.text


def test_provisional_headline_is_marked_for_readers(client, seed_demo):
    article = Article.objects.get(is_headline_provisional=True)
    response = client.get(article.get_absolute_url())
    assert "Provisional headline" in response.text


def test_draft_article_is_not_public(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404


def test_imported_text_is_escaped_not_rendered_as_html(client):
    article = ArticleFactory(headline="<script>alert(1)</script> Budget vote")
    response = client.get(article.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Budget vote" in response.text


def test_home_query_count_does_not_grow_with_articles(client):
    ArticleFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    ArticleFactory.create_batch(25, bylines=["One", "Two"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert response.text.count('class="card"') == 28
    assert len(many) == len(few)


def test_article_page_query_count_does_not_grow_with_bylines_images_tags_or_corrections(client):
    from accounts.tests.factories import UserFactory
    from articles import workflow
    from articles.models import ArticleImage

    editor = UserFactory(role="editor")
    small = ArticleFactory(bylines=["One"])
    big = ArticleFactory(bylines=[f"Writer {n}" for n in range(8)])
    big.tags.add(*[f"tag {n}" for n in range(10)])
    for position in range(6):
        ArticleImage.objects.create(article=big, position=position, caption=f"Photo {position}")
    for n in range(5):
        workflow.correction_append(article=big, text=f"Correction {n}", by=editor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = client.get(big.get_absolute_url())
    assert "Correction 4" in response.text and "Writer 7" in response.text
    assert len(many) == len(few)


def test_a_caption_without_a_picture_is_not_shown(client):
    """Imported captions such as "File Photo" mean nothing without the picture."""
    from articles.models import ArticleImage

    article = ArticleFactory()
    ArticleImage.objects.create(article=article, position=0, caption="File Photo")
    response = client.get(article.get_absolute_url())
    assert "File Photo" not in response.text
    assert "<figure" not in response.text


def test_home_query_count_does_not_grow_with_stories_or_their_articles(client):
    from coverage.models import Story, StoryArticle

    def story_with(count):
        story = Story.objects.create(title=f"Story of {count}", slug="story")
        for article in ArticleFactory.create_batch(count, bylines=["A"]):
            StoryArticle.objects.create(story=story, article=article, score=0.5)

    story_with(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(12):
        story_with(15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert response.text.count('class="story-card"') == 10
    assert len(many) == len(few)
