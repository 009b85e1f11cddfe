"""Stories for the benchmark corpus: every generated article in one story, sizes spread."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.tests.factories import ArticleFactory
from coverage.models import ArticleFacts, Story, StoryArticle

pytestmark = pytest.mark.django_db


def run(command: str, **options) -> str:
    output = io.StringIO()
    call_command(command, stdout=output, stderr=io.StringIO(), **options)
    return output.getvalue()


def test_every_generated_article_joins_exactly_one_story_of_consecutive_articles(client):
    run("generate_corpus", articles=600, people=20, places=10)
    ArticleFactory(headline="Not generated")
    report = run("generate_stories")
    generated = Article.objects.filter(source__key__startswith="corpus:")
    assert StoryArticle.objects.count() == generated.count() == 600
    assert not StoryArticle.objects.filter(article__headline="Not generated").exists()
    sizes = sorted(Story.objects.values_list("member_count", flat=True))
    assert sum(sizes) == 600 and sizes[0] == 1 and sizes[-1] > 10  # a few large stories
    assert f"into {len(sizes)} stories" in report
    # Written with COPY, announced to no one: their facts are stored as an import's are.
    assert "Stored the facts of 600 articles" in report
    assert ArticleFacts.objects.filter(article__in=generated).count() == 600
    largest = Story.objects.order_by("-member_count").first()
    dates = largest.articles.values_list("published_at", flat=True)
    assert (largest.first_reported_at, largest.last_updated_at) == (min(dates), max(dates))
    assert client.get(largest.get_absolute_url()).status_code == 200


def test_a_dry_run_writes_nothing_and_a_second_run_groups_only_new_articles():
    run("generate_corpus", articles=100, people=20, places=10)
    assert "Dry run (rolled back): would group 100 articles" in run(
        "generate_stories", dry_run=True
    )
    assert not Story.objects.exists()
    run("generate_stories")
    stories = Story.objects.count()
    run("generate_corpus", articles=40, people=20, places=10)
    second = run("generate_stories")
    assert "Grouped 40 articles" in second and "Stored the facts of 40 articles" in second
    assert StoryArticle.objects.count() == 140
    assert Story.objects.count() > stories
