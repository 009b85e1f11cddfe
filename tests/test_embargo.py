"""An embargoed article becomes public at its time with no one saving it.

A published article dated in the future is hidden until then. When the time comes,
the pages cached while it was hidden go stale, its story's dates count it, and its
words are offered as search corrections from then on, not before (they would tell
readers what the embargoed article is about). Requests go through the real middleware
and page cache; the lift runs as the worker runs it, from the task it queued.
"""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article, Section
from articles.tasks import lift_embargo
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

WORKER_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def story_of(*articles, title):
    """A story whose title an editor chose (so its address stays put on a refresh)."""
    story = Story.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), is_title_edited=True
    )
    for article in articles:
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    return story


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    """A story with one public article and one draft due out in a moment, plus an
    unrelated story; committed before anything is cached."""
    with django_capture_on_commit_callbacks(execute=True):
        section = Section.objects.create(name="Regional", slug="regional")
        public = ArticleFactory(
            headline="Ferry strike called off",
            section=section,
            published_at=timezone.now() - dt.timedelta(hours=2),
        )
        draft = ArticleFactory(
            headline="Ferry unions sign the Zeppelinworks accord",
            body="<p>The Zeppelinworks accord ends the ferry strike.</p>",
            section=section,
            outlet=public.outlet,
            status=Article.Status.DRAFT,
        )
        unrelated = ArticleFactory(
            headline="Museum reopens its east wing", status=Article.Status.IN_REVIEW
        )
        # Published as editors publish (the first publication in a process also loads
        # the names gazetteer: done here, not inside an embargo's few seconds).
        workflow.article_publish(article=unrelated, by=UserFactory(role="editor"))
        return {
            "public": public,
            "draft": draft,
            "section": section,
            "story": story_of(public, draft, title="Ferry strike"),
            "unrelated_story": story_of(unrelated, title="Museum"),
        }


def publish_embargoed(article, *, seconds, callbacks):
    article.published_at = timezone.now() + dt.timedelta(seconds=seconds)
    article.save(update_fields=["published_at"])
    with callbacks(execute=True):
        workflow.article_publish(article=article, by=UserFactory(role="editor"))
    article.refresh_from_db()
    return article


def pages(newsroom) -> dict[str, str]:
    return {
        "story": newsroom["story"].get_absolute_url(),
        "section": reverse("articles:section", args=[newsroom["section"].slug]),
        "outlet": reverse("sources:outlet_detail", args=[newsroom["public"].outlet.slug]),
        "home": reverse("home"),
    }


def searched_for(client, query: str) -> str:
    return client.get(reverse("search:search"), {"q": query}).context["results"].searched_for


def test_publishing_an_embargoed_article_queues_its_lift_for_its_time_once(
    settings, newsroom, django_capture_on_commit_callbacks
):
    settings.TASKS = WORKER_TASKS
    article = publish_embargoed(
        newsroom["draft"], seconds=3600, callbacks=django_capture_on_commit_callbacks
    )
    # Announced again before its time (an editor corrects a typo): still one task.
    article.headline = "Ferry unions sign the Zeppelinworks accord at last"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(
            article=article, by=UserFactory(role="editor"), changed_fields=["headline"]
        )

    queued = DBTaskResult.objects.filter(task_path=lift_embargo.module_path)
    assert [(t.run_after, t.args_kwargs["kwargs"]["article_id"]) for t in queued] == [
        (article.published_at, article.pk)
    ]


def test_at_its_time_the_article_shows_on_every_page_that_lists_it_and_no_other_changes(
    client, newsroom, django_capture_on_commit_callbacks
):
    article = publish_embargoed(
        newsroom["draft"], seconds=5, callbacks=django_capture_on_commit_callbacks
    )
    unrelated = newsroom["unrelated_story"].get_absolute_url()
    for name, url in [*pages(newsroom).items(), ("unrelated", unrelated)]:
        response = client.get(url)
        assert timezone.now() < article.published_at, "too slow: the embargo passed already"
        assert response["X-Page-Cache"] == "miss", name
        assert "Zeppelinworks" not in response.text, name
    assert searched_for(client, "Zepelinworks") == "Zepelinworks"  # not a known word yet

    time.sleep(max(0.0, (article.published_at - timezone.now()).total_seconds()) + 0.1)
    # Nothing was written: without the lift the hidden copies would be served for the
    # page cache's whole lifetime.
    assert all(client.get(url)["X-Page-Cache"] == "hit" for url in pages(newsroom).values())
    with django_capture_on_commit_callbacks(execute=True):
        assert lift_embargo.call(
            article_id=article.pk, published_at=article.published_at.isoformat()
        )

    for name, url in pages(newsroom).items():
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", name
        assert "Zeppelinworks" in response.text, name
    assert client.get(unrelated)["X-Page-Cache"] == "hit"
    story = Story.objects.get(pk=newsroom["story"].pk)
    assert story.last_updated_at == article.published_at
    assert searched_for(client, "Zepelinworks") == "Zeppelinworks"


def test_a_lift_queued_for_an_earlier_time_does_nothing_once_the_article_moved(
    client, newsroom, django_capture_on_commit_callbacks
):
    article = publish_embargoed(
        newsroom["draft"], seconds=3600, callbacks=django_capture_on_commit_callbacks
    )
    first_time = article.published_at
    article.published_at = first_time + dt.timedelta(days=1)  # the embargo was extended
    article.save(update_fields=["published_at"])
    story_url = newsroom["story"].get_absolute_url()
    client.get(story_url)

    with django_capture_on_commit_callbacks(execute=True):
        lifted = workflow.article_embargo_lift(
            article_id=article.pk,
            published_at=first_time,
            now=first_time + dt.timedelta(seconds=1),
        )

    assert lifted is False
    assert client.get(story_url)["X-Page-Cache"] == "hit"
    assert "Zeppelinworks" not in client.get(story_url).text
