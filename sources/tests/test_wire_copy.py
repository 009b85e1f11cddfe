"""Wire copy: the same text from another outlet is marked "same text as …", across runs."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article
from articles.workflow import articles_announce
from sources.models import ArticleFingerprint, WireCopyVerdict
from sources.selectors import wire_copies_for, wire_copy_of
from sources.tests.builders import LOREM, SECOND, jsonl_record, write_jsonl

pytestmark = pytest.mark.django_db

AGENCY_TEXT = (
    f"{LOREM}\n\n{SECOND}\n\nThe mayor said the city would seek damages from the contractor "
    "and promised a public inquiry into how the project had been managed from the start."
)


def run_import(*paths):
    call_command("import", *map(str, paths), "--verbosity", "0", stdout=io.StringIO())


def story(n, outlet, *, text=AGENCY_TEXT, published="2024-03-05", title=None):
    return jsonl_record(
        n,
        outlet=outlet,
        text=text,
        published=published,
        title=title or f"{outlet} on the bridge",
        url=f"https://{outlet.lower().replace(' ', '')}.example.com/{n}",
    )


def test_later_article_with_the_same_text_from_another_outlet_is_marked(tmp_path):
    original = story(1, "Wire Agency", published="2024-03-05")
    edited = AGENCY_TEXT + "\n\nTown Post readers can comment on the plans at the library."
    copy = story(2, "Town Post", published="2024-03-06", text=edited)
    run_import(write_jsonl(tmp_path / "a.jsonl", [original, copy]))

    first = Article.objects.get(outlet__name="Wire Agency")
    second = Article.objects.get(outlet__name="Town Post")
    mark = wire_copy_of(article=second)
    assert mark.original == first
    assert 0.7 <= mark.similarity < 1.0
    assert (
        str(mark) == f"same text as “Wire Agency on the bridge”, similarity {mark.similarity:.2f}"
    )
    assert wire_copy_of(article=first) is None


def test_wire_copy_is_found_across_separate_import_runs(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [story(1, "Wire Agency")]))
    run_import(write_jsonl(tmp_path / "b.jsonl", [story(2, "Town Post", published="2024-03-07")]))
    copy = Article.objects.get(outlet__name="Town Post")
    assert wire_copy_of(article=copy).original.outlet.name == "Wire Agency"


def test_an_original_imported_after_its_copy_still_marks_the_copy(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [story(2, "Town Post", published="2024-03-07")]))
    run_import(write_jsonl(tmp_path / "b.jsonl", [story(1, "Wire Agency")]))
    copy = Article.objects.get(outlet__name="Town Post")
    assert wire_copy_of(article=copy).original.outlet.name == "Wire Agency"
    assert wire_copy_of(article=Article.objects.get(outlet__name="Wire Agency")) is None


def test_same_outlet_republishing_its_own_text_is_not_wire_copy(tmp_path):
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Town Post"), story(2, "Town Post", published="2024-03-07")],
        )
    )
    assert ArticleFingerprint.objects.filter(same_text_as__isnull=False).count() == 0


def test_different_texts_on_the_same_story_are_not_marked(tmp_path):
    other = (
        "Shopkeepers near the river crossing said trade had fallen by a third since work "
        "stopped, and a petition calling for the contractor to be replaced has gathered "
        "more than two thousand signatures in a week, organisers said on Wednesday evening."
    )
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", text=other, published="2024-03-06")],
        )
    )
    assert ArticleFingerprint.objects.filter(same_text_as__isnull=False).count() == 0


def test_story_pages_read_every_mark_in_one_query(tmp_path, django_assert_num_queries):
    records = [story(1, "Wire Agency")] + [
        story(n, f"Outlet {n}", published="2024-03-08") for n in range(2, 12)
    ]
    run_import(write_jsonl(tmp_path / "a.jsonl", records))
    articles = list(Article.objects.all())
    with django_assert_num_queries(1):
        marks = wire_copies_for(articles=articles)
        outlets = {mark.original.outlet.name for mark in marks.values()}
    assert len(marks) == 10
    assert outlets == {"Wire Agency"}


def test_wire_copy_admin_shows_the_mark_with_similarity(tmp_path, admin_client):
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    response = admin_client.get(reverse("admin:sources_articlefingerprint_changelist"))
    assert response.status_code == 200
    assert "same text as <a href=" in response.text
    assert "similarity 1.00" in response.text


# The verdict: decided on write, read by the story page and the API.


def publish_all():
    Article.objects.update(status=Article.Status.PUBLISHED)


def test_an_edit_that_leaves_text_and_credits_alone_decides_nothing_again(
    tmp_path, django_capture_on_commit_callbacks
):
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    publish_all()
    copy = Article.objects.get(outlet__name="Town Post")
    decided_at = WireCopyVerdict.objects.get(article=copy).decided_at
    copy.headline = "Town Post on the bridge, updated"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_save(
            article=copy,
            by=UserFactory(role="editor"),
            expected_version=copy.version,
            changed_fields=["headline"],
        )
    verdict = WireCopyVerdict.objects.get(article=copy)
    assert verdict.decided_at == decided_at
    assert verdict.original.outlet.name == "Wire Agency"


def test_the_backfill_decides_articles_written_before_verdicts_were_stored(tmp_path):
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    WireCopyVerdict.objects.all().delete()
    out = io.StringIO()
    call_command("wire_copy_backfill", "--dry-run", stdout=out)
    assert "Would decide wire copy for 2 articles." in out.getvalue()
    assert WireCopyVerdict.objects.count() == 0
    call_command("wire_copy_backfill", stdout=out)
    copy = WireCopyVerdict.objects.get(article__outlet__name="Town Post")
    assert copy.original.outlet.name == "Wire Agency"
    call_command("wire_copy_backfill", stdout=out)
    assert "Decided wire copy for 0 articles." in out.getvalue()


def test_announcing_an_imported_article_does_not_decide_it_again(tmp_path):
    """The import decided the verdict in its batch; the announcement finds it current."""
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06")],
        )
    )
    publish_all()
    decided = dict(WireCopyVerdict.objects.values_list("article_id", "decided_at"))
    assert articles_announce(article_ids=list(decided)) == 2
    assert dict(WireCopyVerdict.objects.values_list("article_id", "decided_at")) == decided


def test_editors_read_every_verdict_in_the_admin_as_the_page_shows_it(tmp_path, client):
    credited = story(3, "Harbour Times", published="2024-03-07")
    credited["authors"] = ["Press Trust of India"]
    run_import(
        write_jsonl(
            tmp_path / "a.jsonl",
            [story(1, "Wire Agency"), story(2, "Town Post", published="2024-03-06"), credited],
        )
    )
    client.force_login(UserFactory(role="editor"))
    response = client.get(reverse("admin:sources_wirecopyverdict_changelist"))
    assert response.status_code == 200
    assert "same text as Wire Agency&#x27;s article" in response.text
    assert "credited to Press Trust Of India" in response.text
