"""Each article's facts are extracted when its text is written, stored, and read by the
story page's comparison as data; a missing or stale row is extracted again."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article
from articles.tests.factories import ArticleFactory
from coverage import facts
from coverage.models import ArticleFacts, Story, StoryArticle
from coverage.selectors import story_page
from sources.models import Outlet
from sources.services import outlet_get_or_create, read_records, records_import
from sources.tests.builders import jsonl_record, write_jsonl

pytestmark = pytest.mark.django_db

BLAST = "<p>The blast near the market killed 26 people, the police said.</p>"
BACKFILL = importlib.import_module("coverage.migrations.0006_article_facts")


def story_of(*articles: Article) -> Story:
    story = Story.objects.create(title="Market blast", slug="market-blast")
    for article in articles:
        StoryArticle.objects.create(story=story, article=article)
    story.member_count = len(articles)
    story.save(update_fields=["member_count"])
    return story


def comparison_table(client, story: Story) -> str:
    html = client.get(story.get_absolute_url()).text
    return html.split('<table class="comparison">', 1)[1].split("</table>", 1)[0]


def stored(article: Article) -> list[list[str]]:
    row = ArticleFacts.objects.get(article=article)
    assert row.text_hash == facts.text_hash(headline=article.headline, body=article.body_text)
    return row.facts


def test_an_edited_body_s_new_figure_shows_in_the_comparison_at_the_next_render(
    client, django_capture_on_commit_callbacks
):
    editor = UserFactory(role="editor")
    article = ArticleFactory(headline="Blast at the market", body=BLAST, created_by=editor)
    story = story_of(article, ArticleFactory(headline="Market blast", body=BLAST))
    assert "26 killed" in comparison_table(client, story)

    article = Article.objects.get(pk=article.pk)
    article.body = "<p>The blast near the market killed 41 people, the hospital said.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(
            article=article, by=editor, expected_version=article.version, changed_fields=["body"]
        )

    assert ["figure", "41 killed", "41 killed"] in stored(article)
    table = comparison_table(client, story)
    assert "41 killed" in table and "26 killed" in table  # the other outlet still says 26


def test_the_comparison_reads_stored_facts_while_they_match_the_text_and_extracts_otherwise():
    article = ArticleFactory(headline="Blast at the market", body=BLAST)
    story = story_of(article)
    text = {"headline": article.headline, "body": article.body_text}
    ArticleFacts.objects.create(
        article=article,
        facts=[["figure", "7 killed", "7 killed (as stored)"]],
        text_hash=facts.text_hash(**text),
    )
    page = story_page(story=Story.objects.get(pk=story.pk))
    page.shown  # noqa: B018 - the members, with their stored facts
    with CaptureQueriesContext(connection) as queries:
        labels = [row.label for row in page.comparison]
    assert labels == ["7 killed (as stored)"]
    assert len(queries) == 1  # the entities the articles name; the facts came with them

    # A row extracted from another text (a write that announced nothing) is not shown.
    ArticleFacts.objects.filter(article=article).update(text_hash="stale")
    page = story_page(story=Story.objects.get(pk=story.pk))
    assert [row.label for row in page.comparison] == ["26 killed"]
    ArticleFacts.objects.filter(article=article).delete()
    page = story_page(story=Story.objects.get(pk=story.pk))
    assert [row.label for row in page.comparison] == ["26 killed"]


def test_an_imported_batch_has_its_facts_stored_in_one_insert(
    tmp_path, django_capture_on_commit_callbacks
):
    outlet_get_or_create(name="Example Gazette")
    Outlet.objects.update(is_trusted=True)  # published on import, and so announced
    records = [
        jsonl_record(n, text=f"A blast killed {20 + n} people in the old town. " + "x " * 60)
        for n in (1, 2, 3)
    ]
    path = write_jsonl(tmp_path / "blast.jsonl", records)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = records_import(read_records([path], format="jsonl"))

    assert report.created == 3
    for article in Article.objects.order_by("pk"):
        figure = 20 + int(article.headline.rsplit("(", 1)[1].rstrip(")"))
        assert ["figure", f"{figure} killed", f"{figure} killed"] in stored(article)
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "coverage_articlefacts"')]
    assert len(inserts) == 1


def test_the_migration_backfills_every_article_and_reverses_by_dropping_the_rows():
    articles = [ArticleFactory(body=BLAST), ArticleFactory(body="<p>Nothing counted.</p>")]
    assert not ArticleFacts.objects.exists()  # the saves' callbacks never ran
    editor = SimpleNamespace(connection=connection)
    BACKFILL.backfill(apps, editor)
    assert ["figure", "26 killed", "26 killed"] in stored(articles[0])
    assert stored(articles[1]) == []
    BACKFILL.backfill(apps, editor)  # again: the rows it wrote are kept
    assert ArticleFacts.objects.count() == 2
    BACKFILL.drop_rows(apps, editor)
    assert not ArticleFacts.objects.exists()
