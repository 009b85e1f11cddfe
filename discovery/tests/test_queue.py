"""The review queue: new names collected per article, accepted, merged or rejected."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory, OutletFactory
from audit.models import EditorialLogEntry
from audit.services import SYSTEM_USERNAME
from discovery.models import CandidateOccurrence, EntityCandidate
from discovery.services import (
    candidate_accept,
    candidate_merge,
    candidate_queue,
    candidate_reject,
    candidates_collect,
    suggestions_for_text,
)
from discovery.tasks import link_candidate_articles
from entities.matcher import matcher_current
from entities.models import Alias, Person
from entities.services import entity_upsert
from mentions.models import Mention
from mentions.services import mentions_suggest
from pagecache.generation import generations_now

pytestmark = pytest.mark.django_db

MUNIR = "Army chief General Asim Munir said the border was calm on Monday."
LAWROW = "Foreign Minister Sergej Lawrow said Moscow was ready to help."


@pytest.fixture
def lavrov():
    person, _ = entity_upsert(kind="person", name="Sergey Lavrov", aliases=("Sergei Lavrov",))
    return person


@pytest.fixture
def editor():
    return UserFactory(role="editor")


def article_with(text, outlet=None):
    outlet = outlet or OutletFactory()
    return ArticleFactory(headline="Border report", dek="", body=f"<p>{text}</p>", outlet=outlet)


def candidate(name, kind="person"):
    return EntityCandidate.objects.get(kind=kind, name=name)


def test_new_names_are_counted_across_articles_and_outlets_with_example_sentences():
    first, second = article_with(MUNIR), article_with(MUNIR)
    same_outlet = article_with(f"Later, {MUNIR}", outlet=second.outlet)
    for article in (first, second, same_outlet):
        candidates_collect(article=article)
    munir = candidate_queue().get(key="asim munir")
    assert (munir.kind, munir.name) == ("person", "Asim Munir")
    assert (munir.outlet_count, munir.article_count) == (2, 3)
    assert munir.occurrences.first().sentence == MUNIR
    assert candidate_queue().first().key == "asim munir"  # the most widely named first


def test_collecting_an_article_again_replaces_its_occurrences():
    article = article_with(MUNIR)
    candidates_collect(article=article)
    candidates_collect(article=article)
    assert CandidateOccurrence.objects.filter(article=article).count() == 1
    article.body_text = "Nobody was named today."
    article.save()
    candidates_collect(article=article)
    assert not CandidateOccurrence.objects.filter(article=article).exists()


def test_a_variant_spelling_is_suggested_with_its_score_and_never_linked(lavrov):
    article = article_with(LAWROW)
    mentions_suggest(article=article)
    candidates_collect(article=article)
    lawrow = candidate("Sergej Lawrow")
    assert lawrow.variant_of in {"Sergey Lavrov", "Sergei Lavrov"}
    assert lawrow.variant_score >= 88
    assert lawrow.person == lavrov  # offered for the merge, not linked
    assert not Mention.objects.filter(article=article, person=lavrov).exists()
    typed = suggestions_for_text(text=LAWROW, user=UserFactory(role="editor"))
    assert [(v["name"], v["score"] >= 88) for v in typed["variants"]] == [("Sergej Lawrow", True)]
    assert typed["known"] == []


def test_accepting_creates_the_entity_at_once_and_links_every_article_once_it_commits(
    editor, django_capture_on_commit_callbacks
):
    """The editor's request creates the person, its aliases and the audit row and decides
    the name; the articles are linked by a task enqueued on commit (a name in the news
    is named by hundreds of articles), which audits how many as the system user."""
    articles = [article_with(MUNIR), article_with("Pakistan's army chief Asim Munir said so.")]
    for article in articles:
        candidates_collect(article=article)
    with django_capture_on_commit_callbacks() as queued:
        person = candidate_accept(candidate=candidate("Asim Munir"), by=editor)
    assert isinstance(person, Person) and person.name == "Asim Munir"
    assert set(person.aliases.values_list("normalized", flat=True)) >= {"asim munir"}
    assert candidate("Asim Munir").status == EntityCandidate.Status.ACCEPTED
    entry = EditorialLogEntry.objects.get(action="candidate.accept")
    assert (entry.actor, entry.payload["entity_id"]) == (editor, person.pk)
    assert entry.payload["articles_to_link"] == 2
    assert not Mention.objects.filter(person=person).exists()  # not in the request

    for callback in queued:  # the commit: the immediate backend runs the task
        callback()
    linked = Mention.objects.filter(person=person).values_list("article_id", flat=True)
    assert sorted(linked) == sorted(a.pk for a in articles)
    link = EditorialLogEntry.objects.get(action="candidate.link")
    assert link.actor.username == SYSTEM_USERNAME
    assert link.payload["articles_linked"] == 2
    assert sorted(link.payload["article_ids"]) == sorted(a.pk for a in articles)

    next_article = article_with("Asim Munir met the prime minister.")
    assert ("person", person.pk) in matcher_current().find(next_article.body_text).entities
    mentions_suggest(article=next_article)
    assert Mention.objects.filter(article=next_article, person=person).exists()


def test_linking_again_changes_nothing_and_writes_no_second_audit_row(
    editor, django_capture_on_commit_callbacks
):
    """A task run twice (a worker died after linking, say) leaves one mention per
    article, and a name still open or rejected has nothing to link."""
    article = article_with(MUNIR)
    candidates_collect(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        person = candidate_accept(candidate=candidate("Asim Munir"), by=editor)
    assert link_candidate_articles.call(candidate_id=candidate("Asim Munir").pk) == 1
    assert Mention.objects.filter(person=person).count() == 1
    assert EditorialLogEntry.objects.filter(action="candidate.link").count() == 1

    candidates_collect(article=article_with(LAWROW))
    assert link_candidate_articles.call(candidate_id=candidate("Sergej Lawrow").pk) is None
    assert link_candidate_articles.call(candidate_id=0) is None


def test_every_article_is_linked_when_they_take_several_transactions(
    editor, django_capture_on_commit_callbacks, monkeypatch
):
    """Articles are matched LINK_BATCH to a transaction (100; here 2, for three)."""
    monkeypatch.setattr("discovery.services.LINK_BATCH", 2)
    articles = [article_with(MUNIR) for _ in range(3)]
    for article in articles:
        candidates_collect(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        person = candidate_accept(candidate=candidate("Asim Munir"), by=editor)
    linked = Mention.objects.filter(person=person).values_list("article_id", flat=True)
    assert sorted(linked) == sorted(a.pk for a in articles)


def test_the_articles_pages_are_invalidated_when_the_task_links_them(
    editor, django_capture_on_commit_callbacks, page_cache_on
):
    article = article_with(MUNIR)
    candidates_collect(article=article)
    with django_capture_on_commit_callbacks() as queued:
        candidate_accept(candidate=candidate("Asim Munir"), by=editor)
    key = f"article:{article.pk}"
    before = generations_now([key]).get(key, 0)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert generations_now([key])[key] > before


def test_a_rejected_name_is_never_proposed_again(editor):
    article = article_with(MUNIR)
    candidates_collect(article=article)
    candidate_reject(candidate=candidate("Asim Munir"), by=editor)
    candidates_collect(article=article)  # re-saved or re-imported
    candidates_collect(article=article_with(MUNIR))  # another article
    assert not CandidateOccurrence.objects.exists()
    assert not candidate_queue().exists()
    assert candidate("Asim Munir").status == EntityCandidate.Status.REJECTED
    assert suggestions_for_text(text=MUNIR, user=editor)["new"] == []
    entry = EditorialLogEntry.objects.get(action="candidate.reject")
    assert entry.actor == editor and entry.payload["key"] == "asim munir"


def test_merging_adds_the_spelling_as_an_alias_and_links_the_article(
    lavrov, editor, django_capture_on_commit_callbacks
):
    article = article_with(LAWROW)
    candidates_collect(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        candidate_merge(candidate=candidate("Sergej Lawrow"), into=lavrov, by=editor)
    assert Alias.objects.filter(person=lavrov, normalized="sergej lawrow").exists()
    assert Mention.objects.filter(article=article, person=lavrov).exists()
    entry = EditorialLogEntry.objects.get(action="candidate.merge")
    assert entry.payload["aliases_added"] == ["Sergej Lawrow"]
    assert candidate("Sergej Lawrow").status == EntityCandidate.Status.MERGED
    assert EditorialLogEntry.objects.get(action="candidate.link").payload["articles_linked"] == 1


def test_a_decided_name_cannot_be_decided_twice(editor):
    candidates_collect(article=article_with(MUNIR))
    munir = candidate("Asim Munir")
    candidate_reject(candidate=munir, by=editor)
    with pytest.raises(Exception, match="already decided"):
        candidate_accept(candidate=munir, by=editor)


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_reporters_and_moderators_cannot_decide_on_new_names(role, lavrov):
    candidates_collect(article=article_with(LAWROW))
    lawrow = candidate("Sergej Lawrow")
    user = UserFactory(role=role)
    for decide in (
        lambda: candidate_accept(candidate=lawrow, by=user),
        lambda: candidate_merge(candidate=lawrow, into=lavrov, by=user),
        lambda: candidate_reject(candidate=lawrow, by=user),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    assert candidate("Sergej Lawrow").status == EntityCandidate.Status.OPEN


def test_a_surname_in_the_dictionary_does_not_hide_a_new_full_name(editor):
    entity_upsert(kind="person", name="Lavrov")
    candidates_collect(article=article_with("Foreign Minister Sergey Lavrov said no."))
    full = candidate("Sergey Lavrov")
    assert (full.variant_of, full.variant_score) == ("Lavrov", 100.0)


def test_publication_and_reimport_collect_names_and_a_rejected_one_stays_out(
    editor, django_capture_on_commit_callbacks
):
    """Publishing (the article_published receiver and its task) collects; announcing the
    article again, as a re-import does, proposes nothing an editor rejected."""
    from articles.models import Article
    from articles.workflow import article_publish, articles_announce

    article = article_with(MUNIR)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=article, by=editor)
    assert candidate_queue().get(key="asim munir").article_count == 1
    candidate_reject(candidate=candidate("Asim Munir"), by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        articles_announce(article_ids=[article.pk])
    assert not CandidateOccurrence.objects.exists()
    assert candidate("Asim Munir").status == EntityCandidate.Status.REJECTED
