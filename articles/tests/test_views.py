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


def test_home_pages_through_the_latest_articles(client):
    ArticleFactory.create_batch(35)
    first = client.get(reverse("home")).text
    assert first.count('class="card"') == 30
    assert 'rel="next">Older</a>' in first
    second = client.get(reverse("home"), {"page": 2}).text
    assert second.count('class="card"') == 5
    assert 'rel="prev">Newer</a>' in second


def test_every_page_links_the_favicon_the_manifest_and_the_sections(client):
    import json

    from django.contrib.staticfiles import finders

    from articles.models import Section

    ArticleFactory(section=Section.objects.create(name="Harbour", slug="harbour"))
    Section.objects.create(name="Empty", slug="empty")
    page = client.get(reverse("home")).text
    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in page
    assert 'rel="icon" href="/static/img/favicon-32.png"' in page
    assert 'rel="manifest" href="/static/manifest.webmanifest"' in page
    manifest = json.loads(open(finders.find("manifest.webmanifest")).read())  # noqa: SIM115
    assert manifest["name"] == "Newsroom"
    for icon in manifest["icons"]:
        assert finders.find(icon["src"]), icon["src"]
    nav = page.split('aria-label="Sections"', 1)[1].split("</nav>", 1)[0]
    assert ">Harbour</a>" in nav and ">Empty</a>" not in nav
