"""The story page's cached pieces (why grouped, comparison table, timeline chart) follow
every change to what they show."""

import pytest

from articles.models import Article
from coverage.models import Story, StoryArticle
from entities.models import Person

pytestmark = pytest.mark.django_db


def test_a_renamed_person_shows_in_why_grouped_at_once(client, seed_demo):
    story = Story.objects.get()
    assert "Sergey Lavrov" in client.get(story.get_absolute_url()).text
    Person.objects.filter(name="Sergey Lavrov").update(name="Sergei Lavrov")
    page = client.get(story.get_absolute_url()).text
    assert "Sergei Lavrov" in page
    assert "Sergey Lavrov" not in page


def test_a_pinned_article_shows_as_pinned_at_once(client, seed_demo):
    story = Story.objects.get()
    client.get(story.get_absolute_url())
    StoryArticle.objects.filter(story=story).update(joined_by=StoryArticle.JoinedBy.PINNED)
    page = client.get(story.get_absolute_url()).text
    assert page.count("Pinned to this story by an editor.") == 5


def test_an_edited_body_changes_the_comparison_table_at_once(client, seed_demo):
    story = Story.objects.get()
    assert "Treaty of Harbourtown" not in client.get(story.get_absolute_url()).text
    article = story.articles.order_by("pk").first()
    Article.objects.filter(pk=article.pk).update(
        body_text=article.body_text + "\n\nBoth sides invoked the Harbourtown Treaty (1931)."
    )
    assert "Harbourtown Treaty (1931)" in client.get(story.get_absolute_url()).text


def test_a_story_page_rendered_from_cached_pieces_reads_as_the_first_rendering(client, seed_demo):
    url = Story.objects.get().get_absolute_url()
    assert client.get(url).content == client.get(url).content


def test_a_retitled_story_shows_on_the_home_page_at_once(client, seed_demo):
    story = Story.objects.get()
    assert story.title in client.get("/").text
    Story.objects.filter(pk=story.pk).update(title="Talks resume in Moscow")
    assert "Talks resume in Moscow" in client.get("/").text  # the only story: the lead


def test_an_outlet_renamed_shows_in_the_top_stories_chips_at_once(client, seed_demo):
    client.get("/")
    outlet = Story.objects.get().articles.exclude(outlet=None).first().outlet
    outlet.name = "The Renamed Courier"
    outlet.save()
    assert "The Renamed Courier" in client.get("/").text


def test_a_corrected_headline_shows_in_related_coverage_at_once(client, seed_demo):
    story = Story.objects.get()
    article, other = story.articles.exclude(outlet=None).order_by("published_at", "pk")[:2]
    assert other.outlet_id != article.outlet_id
    assert other.headline in client.get(article.get_absolute_url()).text
    Article.objects.filter(pk=other.pk).update(headline="Mediation offer, corrected")
    assert "Mediation offer, corrected" in client.get(article.get_absolute_url()).text
