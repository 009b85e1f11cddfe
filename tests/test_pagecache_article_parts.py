"""The article page's parts (pagecache/parts.py): its head (meta tags, JSON-LD), the
article, its related coverage and the comments area are each kept with the keys of
what they show, and so is the article's row the view reads, so that a miss of the page
renders only the parts whose data changed and reads only what they show.

Requests go through the real middleware with the test client; the page's own entry is
dropped after each request, as a write elsewhere on the page would make it stale.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tests.factories import ArticleFactory, OutletFactory
from comments import services as comments
from comments.models import Comment, SectionPolicy
from comments.tests.factories import CommentFactory
from coverage.models import Story, StoryArticle
from tests.page_misses import miss, without_nonce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

# What only the article part reads (its bylines, images, corrections, tags, the names it
# mentions), what only related coverage reads, and what only the comments area reads.
ARTICLE_TABLES = (
    "articles_byline",
    "articles_articleimage",
    "articles_correction",
    "taggit_taggeditem",
    "mentions_mention",
)
RELATED_TABLES = ("coverage_story",)
COMMENT_TABLES = ("comments_comment",)


@pytest.fixture
def article(committed):
    """A published article in a story with another outlet's take, tagged, with an
    approved comment."""

    def write():
        section = Section.objects.create(name="Harbour", slug="harbour")
        article = ArticleFactory(section=section, headline="Ferry fares frozen")
        article.tags.add("ferries")
        other = ArticleFactory(outlet=OutletFactory(name="Coast Radio"), headline="Fares held")
        story = Story.objects.create(title="Ferry fares", slug="ferry-fares")
        for member in (article, other):
            StoryArticle.objects.create(story=story, article=member, score=0.5)
        CommentFactory(article=article, body="Good news for commuters.")
        return article

    return committed(write)


def measured_miss(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = miss(client, path)
    return response, [query["sql"] for query in queries.captured_queries]


def reading(queries: list[str], tables) -> list[str]:
    return [sql for sql in queries if any(f'FROM "{table}"' in sql for table in tables)]


def test_a_second_miss_runs_no_query_and_renders_the_same_page(client, article):
    path = article.get_absolute_url()
    first, cold = measured_miss(client, path)
    second, warm = measured_miss(client, path)
    assert without_nonce(second) == without_nonce(first)
    assert reading(cold, ARTICLE_TABLES + RELATED_TABLES + COMMENT_TABLES)
    assert warm == []
    assert set(second["xkey"].split()) == set(first["xkey"].split())
    assert {
        f"article:{article.pk}",
        f"thread:{article.pk}",
        f"section:{article.section_id}",
        f"outlet:{article.outlet_id}",
        f"tag:{article.tags.get().pk}",
        f"story:{article.story_memberships.get().story_id}",
    } <= set(second["xkey"].split())


def test_an_unpublished_article_is_gone_at_the_next_miss(client, article, committed):
    path = article.get_absolute_url()
    miss(client, path)
    editor = UserFactory(role="editor")
    committed(lambda: workflow.article_unpublish(article=article, by=editor))
    assert client.get(path).status_code == 404


def test_a_new_slug_redirects_from_the_old_url_at_the_next_miss(client, article, committed):
    old = article.get_absolute_url()
    miss(client, old)
    editor = UserFactory(role="editor")

    def edit():
        article.slug = "fares-frozen"
        return workflow.article_save(article=article, by=editor, changed_fields=["slug"])

    committed(edit)
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_an_embargoed_article_is_not_kept_as_missing(client, committed):
    """Its embargo ends with no write to invalidate anything: its 404 is never kept."""
    embargoed = committed(lambda: ArticleFactory(published_at=timezone.now() + dt.timedelta(1)))
    path = embargoed.get_absolute_url()
    assert client.get(path).status_code == 404
    # The embargo's end, as the clock would bring it: a write no key hears of.
    Article.objects.filter(pk=embargoed.pk).update(published_at=timezone.now())
    assert client.get(path).status_code == 200


def test_a_correction_reaches_the_next_miss_in_the_article_and_its_head(client, article, committed):
    path = article.get_absolute_url()
    miss(client, path)
    editor = UserFactory(role="editor")
    committed(lambda: workflow.correction_append(article=article, text="Fares rise.", by=editor))
    page = miss(client, path).content.decode()
    assert "Fares rise." in page
    modified = Article.objects.get(pk=article.pk).last_changed_at_machine
    assert f'"dateModified": "{modified}"' in page


def test_an_edited_headline_reaches_the_title_the_head_and_the_article(client, article, committed):
    path = article.get_absolute_url()
    miss(client, path)
    editor = UserFactory(role="editor")

    def edit():
        article.headline = "Ferry fares frozen until spring"
        return workflow.article_save(article=article, by=editor, changed_fields=["headline"])

    committed(edit)
    response, queries = measured_miss(client, path)
    page = response.content.decode()
    assert not reading(queries, COMMENT_TABLES)
    assert "<title>Ferry fares frozen until spring · Newsroom</title>" in page
    assert '<meta property="og:title" content="Ferry fares frozen until spring">' in page
    assert "<h1>Ferry fares frozen until spring</h1>" in page
    assert "Ferry%20fares%20frozen%20until%20spring" in page  # the share links


def test_another_outlets_edit_reaches_related_coverage_alone(client, article, committed):
    path = article.get_absolute_url()
    miss(client, path)
    other = Article.objects.get(headline="Fares held")
    editor = UserFactory(role="editor")

    def edit():
        other.headline = "Fares held for a year"
        return workflow.article_save(article=other, by=editor, changed_fields=["headline"])

    committed(edit)
    response, queries = measured_miss(client, path)
    assert "Fares held for a year" in response.content.decode()
    assert reading(queries, RELATED_TABLES)
    assert not reading(queries, ARTICLE_TABLES + COMMENT_TABLES)


def test_an_approved_comment_re_renders_the_comments_area_alone(client, article, committed):
    path = article.get_absolute_url()
    pending = committed(
        lambda: CommentFactory(article=article, body="Held back.", status=Comment.Status.PENDING)
    )
    first = miss(client, path).content.decode()
    assert "Held back." not in first and "Good news for commuters." in first
    moderator = UserFactory(role="moderator")
    committed(lambda: comments.comment_approve(comment=pending, by=moderator))
    response, queries = measured_miss(client, path)
    assert "Held back." in response.content.decode()
    assert reading(queries, COMMENT_TABLES)
    assert not reading(queries, ARTICLE_TABLES + RELATED_TABLES)


def test_the_kept_comments_area_has_no_form_or_token_and_signed_in_readers_get_theirs(
    client, article
):
    path = article.get_absolute_url()
    miss(client, path)
    anonymous = miss(client, path).content.decode()
    assert "Log in to comment" in anonymous and "csrfmiddlewaretoken" not in anonymous
    client.force_login(UserFactory())
    signed_in = client.get(path).content.decode()
    assert "Post comment" in signed_in and "csrfmiddlewaretoken" in signed_in
    assert "Log in to comment" not in signed_in


def test_the_head_is_kept_per_canonical_url(client, article):
    path = article.get_absolute_url()
    miss(client, path)
    page = miss(client, f"{path}?page=2").content.decode()
    assert f'<link rel="canonical" href="http://testserver{path}?page=2">' in page
    plain = miss(client, path).content.decode()
    assert f'<link rel="canonical" href="http://testserver{path}">' in plain


def test_closing_the_story_and_the_section_reach_the_kept_comments_area(client, article, committed):
    path = article.get_absolute_url()
    miss(client, path)
    moderator = UserFactory(role="moderator")
    story = Story.objects.get(slug="ferry-fares")
    committed(lambda: comments.comments_close(by=moderator, story=story))
    assert "Comments are closed on this article." in miss(client, path).content.decode()
    committed(lambda: comments.comments_reopen(by=moderator, story=story))
    assert "Log in to comment" in miss(client, path).content.decode()
    section, closed = article.section, SectionPolicy.Mode.CLOSED
    committed(lambda: comments.section_policy_set(section=section, mode=closed, by=moderator))
    assert "Comments are closed in this section." in miss(client, path).content.decode()
