"""A story's visible members (not excluded, article published and past its embargo) are
the only ones readers see anywhere: lists, counts, titles, dates."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry
from audit.services import SYSTEM_USERNAME
from coverage.models import Story, StoryArticle
from coverage.selectors import stories_for_homepage
from coverage.services import article_cluster, stories_retitle, story_refresh
from sources.tests.factories import OutletFactory

from .factories import topical_article

pytestmark = pytest.mark.django_db

JoinedBy = StoryArticle.JoinedBy


def embargoed(**kwargs) -> Article:
    """Published, but not until tomorrow."""
    return ArticleFactory(published_at=timezone.now() + dt.timedelta(days=1), **kwargs)


def withdrawn(**kwargs) -> Article:
    return ArticleFactory(status=Article.Status.UNPUBLISHED, **kwargs)


def story_of(*articles: Article, title: str = "") -> Story:
    """A story of ``articles``; a ``title`` given is an editor's, which clustering keeps."""
    story = Story.objects.create(
        title=title or "A story", slug="a-story", is_title_edited=bool(title)
    )
    for article in articles:
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    return story_refresh(story=story)


def test_visible_memberships_leave_out_excluded_unpublished_and_embargoed_articles():
    shown = ArticleFactory()
    story = Story.objects.create(title="Harbour", slug="harbour")
    for article, joined_by in [
        (shown, JoinedBy.AUTOMATIC),
        (ArticleFactory(), JoinedBy.EXCLUDED),
        (withdrawn(), JoinedBy.PINNED),
        (embargoed(), JoinedBy.AUTOMATIC),
        (ArticleFactory(status=Article.Status.DRAFT), JoinedBy.AUTOMATIC),
    ]:
        StoryArticle.objects.create(story=story, article=article, joined_by=joined_by)
    visible = StoryArticle.objects.visible().filter(story=story)
    assert [m.article_id for m in visible] == [shown.pk]
    assert StoryArticle.objects.current().filter(story=story).count() == 4
    counted = Story.objects.with_visible_counts().get(pk=story.pk)
    assert counted.visible_member_count == 1
    assert counted.visible_outlet_count == 1


def test_an_embargoed_article_does_not_put_its_story_on_the_outlet_page(client):
    outlet = OutletFactory(name="Harbour Herald")
    story_of(embargoed(outlet=outlet), ArticleFactory(), title="Bridge reopens early")
    story_of(ArticleFactory(outlet=outlet), title="Ferry strike ends")
    page = client.get(outlet.get_absolute_url()).text
    assert "Ferry strike ends" in page
    assert "Bridge reopens early" not in page


def test_a_story_with_nothing_public_is_not_found_anywhere_a_reader_looks(client):
    story = story_of(withdrawn(), embargoed(), title="Bridge reopens early")
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(reverse("coverage:story_rss", args=[story.pk])).status_code == 404
    assert client.get(reverse("coverage:story_atom", args=[story.pk])).status_code == 404
    assert story.get_absolute_url() not in client.get("/sitemap-stories.xml").text


def test_a_story_takes_its_title_and_dates_from_visible_members_only():
    public = topical_article("bridge", published_at=dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC))
    hidden_headline = topical_article("bridge", 1, status=Article.Status.UNPUBLISHED)
    later = topical_article("bridge", 2, published_at=timezone.now() + dt.timedelta(days=2))
    story = story_of(public, hidden_headline, later)
    story.refresh_from_db()
    assert story.title == public.headline
    assert story.first_reported_at == public.published_at
    assert story.last_updated_at == public.published_at


def test_home_page_breadth_counts_only_visible_members():
    narrow_in_public = story_of(
        ArticleFactory(),
        withdrawn(),
        withdrawn(),
        embargoed(),
        ArticleFactory(status=Article.Status.DRAFT),
    )
    wide = story_of(ArticleFactory(), ArticleFactory())
    stories = stories_for_homepage(limit=2)
    assert [s.pk for s in stories] == [wide.pk, narrow_in_public.pk]
    assert [(s.article_count, s.outlet_count) for s in stories] == [(2, 2), (1, 1)]


def retitled_story() -> Story:
    """A two-article story whose title is not yet its most central headline."""
    story = story_of(topical_article("vaccine"), topical_article("vaccine", 1))
    Story.objects.filter(pk=story.pk).update(title="Placeholder title", slug="a-story")
    return Story.objects.get(pk=story.pk)


@pytest.mark.django_db(transaction=True)
def test_retitling_a_story_invalidates_its_cached_page_at_once(client, page_cache_on):
    # Real commits: the pass's own transaction must bump the cache generation.
    story = retitled_story()
    url = story.get_absolute_url()
    assert "Placeholder title" in client.get(url).text
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert stories_retitle() == 1
    page = client.get(url, follow=True).text
    assert "Placeholder title" not in page
    assert Story.objects.get(pk=story.pk).title in page


def test_an_automatic_retitle_is_audited_as_the_system_user():
    story = retitled_story()
    stories_retitle()
    entry = EditorialLogEntry.objects.get(action="story.retitle")
    assert entry.actor.username == SYSTEM_USERNAME
    assert entry.target_id == str(story.pk)
    assert entry.payload["before"] == {"title": "Placeholder title"}
    assert entry.payload["after"] == {"title": Story.objects.get(pk=story.pk).title}


def test_retitling_never_takes_a_withdrawn_or_embargoed_headline():
    story = story_of(
        topical_article("football"),
        topical_article("football", 1),
        topical_article("football", 2, status=Article.Status.UNPUBLISHED),
        topical_article("football", 3, published_at=timezone.now() + dt.timedelta(days=1)),
    )
    for _ in range(2):
        Story.objects.filter(pk=story.pk).update(title="Placeholder title")
        stories_retitle()
        title = Story.objects.get(pk=story.pk).title
        assert "(2)" not in title
        assert "(3)" not in title


def test_related_coverage_counts_only_visible_members():
    shown = ArticleFactory()
    story_of(shown, ArticleFactory(), withdrawn(), embargoed(), title="Harbour talks")
    html = Template("{% load coverage_tags %}{% related_coverage article %}").render(
        Context({"article": shown})
    )
    assert "(2 articles)" in html


def test_an_embargoed_article_joining_a_story_does_not_date_it():
    now = timezone.now()
    first = topical_article("bridge", published_at=now - dt.timedelta(hours=2))
    story, _ = article_cluster(article=first)
    later, _ = article_cluster(
        article=topical_article("bridge", 1, published_at=now + dt.timedelta(hours=2))
    )
    assert later.pk == story.pk
    story.refresh_from_db()
    assert story.last_updated_at == first.published_at
    assert story.member_count == 2
