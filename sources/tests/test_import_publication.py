"""Who publishes an import, and who announces it: sources decides, the core announces.

Sources' policy (a trusted outlet, nothing flagged) is passed to the core as an explicit
``publish``; the core publishes and sends ``article_published`` itself, after commit.
No module of sources sends, or even imports, the core's signals.
"""

import ast
from pathlib import Path

import pytest

from articles.models import Article
from articles.signals import article_published
from sources.tests.builders import jsonl_record, run_import, write_jsonl
from sources.tests.factories import OutletFactory

SOURCES = Path(__file__).resolve().parents[1]


@pytest.fixture
def announced():
    """The article ids ``article_published`` was sent for, in order."""
    ids: list[int] = []

    def receiver(sender, *, article_id, **kwargs):
        ids.append(article_id)

    article_published.connect(receiver, dispatch_uid="test_import_publication.announced")
    yield ids
    article_published.disconnect(dispatch_uid="test_import_publication.announced")


@pytest.mark.django_db
def test_an_untrusted_outlets_import_waits_in_review_and_is_not_announced(
    tmp_path, announced, django_capture_on_commit_callbacks
):
    OutletFactory(name="Example Gazette", slug="example-gazette", is_trusted=False)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)]))
    assert Article.objects.get().status == Article.Status.IN_REVIEW
    assert announced == []


@pytest.mark.django_db
def test_a_trusted_outlets_import_is_published_and_announced_once(
    tmp_path, announced, django_capture_on_commit_callbacks
):
    OutletFactory(name="Example Gazette", slug="example-gazette", is_trusted=True)
    path = write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)])
    with django_capture_on_commit_callbacks(execute=True):
        run_import(path)
        run_import(path)  # unchanged: nothing new to announce
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert announced == [article.pk]


@pytest.mark.django_db
def test_a_trusted_outlets_flagged_item_waits_in_review_and_is_not_announced(
    tmp_path, announced, django_capture_on_commit_callbacks
):
    OutletFactory(name="Example Gazette", slug="example-gazette", is_trusted=True)
    undated = jsonl_record(1)
    del undated["published"]
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_jsonl(tmp_path / "a.jsonl", [undated]))
    article = Article.objects.get()
    assert (article.status, article.needs_review) == (Article.Status.IN_REVIEW, True)
    assert announced == []


@pytest.mark.django_db
def test_a_dry_run_announces_nothing(tmp_path, announced, django_capture_on_commit_callbacks):
    OutletFactory(name="Example Gazette", slug="example-gazette", is_trusted=True)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_jsonl(tmp_path / "a.jsonl", [jsonl_record(1)]), "--dry-run")
    assert announced == []
    assert not Article.objects.exists()


def test_no_module_of_sources_sends_the_cores_signals():
    """The core announces its own publications; sources only decides whether to publish
    (it may listen, as every feature does: ``sources/receivers.py``)."""
    offenders = []
    for path in sorted(SOURCES.rglob("*.py")):
        if "tests" in path.relative_to(SOURCES).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"send", "send_robust"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "article_published"
            ):
                offenders.append(f"{path.relative_to(SOURCES)}:{node.lineno}")
    assert offenders == []
