"""Wire copy on the story page: the verdicts sources decides on import, as coverage's
story page (and the API) shows them. Moved from sources' tests: the page is coverage's."""

import pytest

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article
from coverage.models import Story, StoryArticle
from coverage.services import story_refresh
from sources.models import WireCopyVerdict
from sources.tests.builders import LOREM, SECOND, jsonl_record, write_jsonl
from sources.tests.test_wire_copy import publish_all, run_import, story

pytestmark = pytest.mark.django_db


def story_of(*articles):
    """A story holding ``articles``, as clustering would group them."""
    story = Story.objects.create(title="Bridge", slug="bridge", is_title_edited=True)
    for article in articles:
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    story_refresh(story=story)
    return Story.objects.get(pk=story.pk)


def test_an_agency_credited_article_is_marked_on_its_story_page(tmp_path, client):
    credited = jsonl_record(1, outlet="Town Post", published="2024-03-05")
    credited["authors"] = ["Reuters"]
    run_import(write_jsonl(tmp_path / "a.jsonl", [credited, story(2, "Harbour Times")]))
    publish_all()
    article = Article.objects.get(outlet__name="Town Post")
    verdict = WireCopyVerdict.objects.get(article=article)
    assert (verdict.is_wire, verdict.reason, verdict.agency) == (True, "agency", "Reuters")
    page = client.get(story_of(*Article.objects.all()).get_absolute_url()).text
    wires = page.split('<h3 id="wire-heading">Wire copies (1)</h3>', 1)[1].split("</section>")[0]
    assert article.headline in wires
    assert "Wire copy: credited to Reuters" in wires


def test_a_copy_under_another_masthead_is_marked_with_the_originals_outlet(tmp_path, client):
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    publish_all()
    copy = Article.objects.get(outlet__name="Town Post")
    verdict = WireCopyVerdict.objects.get(article=copy)
    assert verdict.reason == "same_text"
    assert verdict.original.outlet.name == "Wire Agency"
    page = client.get(story_of(*Article.objects.all()).get_absolute_url()).text
    assert "Wire copies (1)" in page
    assert "Wire copy: same text as Wire Agency&#x27;s article" in page
    api = client.get(f"/api/v1/stories/{copy.stories.get().pk}").json()
    marks = {m["article"]["headline"]: m["wire_reason"] for m in api["members"] if m["is_wire"]}
    assert marks == {copy.headline: "same text as Wire Agency's article"}


def test_the_copy_of_an_original_in_another_story_is_still_marked(tmp_path, client):
    """The page used to compare an article only with the earlier members of its story;
    the verdict compares it with every earlier article, whichever story holds it."""
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    publish_all()
    copy = Article.objects.get(outlet__name="Town Post")
    page = client.get(story_of(copy).get_absolute_url()).text
    assert "Wire copy: same text as Wire Agency&#x27;s article" in page


def test_an_outlet_republishing_its_own_text_is_not_marked_on_the_story_page(tmp_path, client):
    """The page's read-time TF-IDF check marked the later of two identical texts from one
    outlet "same text as Town Post's article"; MinHash skips the same outlet: a
    republication is not wire copy."""
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Town Post"), story(2, "Town Post", published="2024-03-07")],
        )
    )
    publish_all()
    page = client.get(story_of(*Article.objects.all()).get_absolute_url()).text
    assert "Wire copies (" not in page
    assert WireCopyVerdict.objects.filter(is_wire=True).count() == 0


def test_an_editors_rewrite_of_the_body_clears_the_mark(
    tmp_path, client, django_capture_on_commit_callbacks
):
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    publish_all()
    story_url = story_of(*Article.objects.all()).get_absolute_url()
    assert "Wire copies (1)" in client.get(story_url).text
    copy = Article.objects.get(outlet__name="Town Post")
    copy.body = (
        "<p>Town Post went to the river crossing itself. Shopkeepers said trade had fallen "
        "by a third since work stopped, and a petition calling for the contractor to be "
        "replaced has gathered more than two thousand signatures in a week, organisers "
        "said on Wednesday evening at the library.</p>"
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(
            article=copy,
            by=UserFactory(role="editor"),
            expected_version=copy.version,
            changed_fields=["body"],
        )
    verdict = WireCopyVerdict.objects.get(article=copy)
    assert (verdict.is_wire, verdict.reason, verdict.original) == (False, "", None)
    assert "Wire copies (" not in client.get(story_url).text


def test_an_excerpt_of_an_earlier_text_under_another_masthead_is_marked(tmp_path, client):
    """An excerpt that stops where the original goes on has a Jaccard similarity of only
    the ratio of the lengths; the share of it found in the original decides. (13 of the
    dev sets' neus excerpts are cut this way from allsides ones.)"""
    excerpt = f"{LOREM}\n\n{' '.join(SECOND.split()[:14])}"
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", text=excerpt, published="2024-03-06")],
        )
    )
    publish_all()
    copy = Article.objects.get(outlet__name="Town Post")
    verdict = WireCopyVerdict.objects.get(article=copy)
    assert verdict.similarity < 0.7
    assert verdict.original.outlet.name == "Wire Agency"
    page = client.get(story_of(*Article.objects.all()).get_absolute_url()).text
    assert "Wire copy: same text as Wire Agency&#x27;s article" in page
