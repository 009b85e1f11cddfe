"""Services: suggestions keep editors' decisions; merges move everything and can be undone."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Byline
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry
from entities.models import Alias, EntityMerge, Person, SlugRedirect
from entities.services import alias_add, entity_upsert
from entities.tests.factories import PersonFactory, PlaceFactory
from mentions.models import AmbiguousMention, Mention
from mentions.services import (
    ambiguous_mention_resolve,
    entity_merge,
    entity_merge_undo,
    mention_confirm,
    mention_reject,
    mentions_suggest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return User.objects.create_superuser("chief", "chief@example.com", "x")


def article_with(text: str):
    return ArticleFactory(headline="Report", dek="", body=f"<p>{text}</p>")


def person_with_aliases(name, *aliases):
    person = PersonFactory(name=name)
    for alias in (name, *aliases):
        alias_add(entity=person, name=alias)
    return person


def test_wikidata_id_must_look_like_q_and_digits():
    with pytest.raises(ValidationError):
        entity_upsert(kind="place", name="Moscow", wikidata_id="649")
    with pytest.raises(ValidationError):
        entity_upsert(kind="place", name="Moscow", wikidata_id="Q0649")
    place, _ = entity_upsert(kind="place", name="Moscow", wikidata_id="Q649")
    assert place.wikidata_url == "https://www.wikidata.org/wiki/Q649"


def test_event_cannot_end_before_it_starts():
    import datetime as dt

    with pytest.raises(ValidationError):
        entity_upsert(
            kind="event",
            name="Talks",
            start_date=dt.date(2025, 5, 2),
            end_date=dt.date(2025, 5, 1),
        )


def test_suggestions_keep_rejected_and_confirmed_mentions_on_rerun(editor):
    lavrov = person_with_aliases("Sergey Lavrov", "Lavrov")
    dar = person_with_aliases("Ishaq Dar")
    article = article_with("Lavrov called Ishaq Dar. Lavrov spoke again.")
    mentions_suggest(article=article)
    mention_reject(mention=Mention.objects.get(person=dar), by=editor)
    mention_confirm(mention=Mention.objects.get(person=lavrov), by=editor)

    mentions_suggest(article=article)

    states = dict(Mention.objects.values_list("person__name", "state"))
    assert states == {"Sergey Lavrov": "confirmed", "Ishaq Dar": "rejected"}
    assert Mention.objects.get(person=lavrov).count == 2


def test_suggestion_no_longer_found_is_removed():
    person_with_aliases("Sergey Lavrov")
    article = article_with("Sergey Lavrov spoke.")
    mentions_suggest(article=article)
    article.body_text = "Nobody spoke."
    article.save()

    report = mentions_suggest(article=article)

    assert report.removed == 1
    assert not Mention.objects.exists()


def test_a_mention_whose_count_changed_says_when():
    person_with_aliases("Sergey Lavrov")
    article = article_with("Sergey Lavrov spoke.")
    mentions_suggest(article=article)
    first = Mention.objects.get()
    article.body_text = "Sergey Lavrov spoke. Later Sergey Lavrov spoke again."
    article.save()

    report = mentions_suggest(article=article)

    again = Mention.objects.get()
    assert (report.updated, again.count) == (1, 2)
    assert again.updated_at > first.updated_at


def test_confirming_needs_the_review_permission():
    person_with_aliases("Sergey Lavrov")
    article = article_with("Sergey Lavrov spoke.")
    mentions_suggest(article=article)
    reader = User.objects.create_user("reader")
    with pytest.raises(PermissionDenied):
        mention_confirm(mention=Mention.objects.get(), by=reader)


def test_confirming_writes_an_audit_record(editor):
    person_with_aliases("Sergey Lavrov")
    mentions_suggest(article=article_with("Sergey Lavrov spoke."))
    mention_confirm(mention=Mention.objects.get(), by=editor)
    assert EditorialLogEntry.objects.filter(action="mention.confirm", actor=editor).count() == 1


def test_resolving_a_shared_name_confirms_the_chosen_person_and_survives_reruns(editor):
    narendra = person_with_aliases("Narendra Modi", "Modi")
    person_with_aliases("Nirav Modi", "Modi")
    article = article_with("Modi spoke. Narendra Modi left.")
    mentions_suggest(article=article)
    choice = AmbiguousMention.objects.get()

    ambiguous_mention_resolve(ambiguous=choice, entity=narendra, by=editor)
    mentions_suggest(article=article)

    mention = Mention.objects.get()
    assert (mention.person, mention.state, mention.count) == (narendra, "confirmed", 2)
    assert AmbiguousMention.objects.get().state == "resolved"


def test_resolving_to_a_non_candidate_is_refused(editor):
    person_with_aliases("Narendra Modi", "Modi")
    person_with_aliases("Nirav Modi", "Modi")
    article = article_with("Modi spoke.")
    mentions_suggest(article=article)
    with pytest.raises(ValidationError):
        ambiguous_mention_resolve(
            ambiguous=AmbiguousMention.objects.get(), entity=PersonFactory(), by=editor
        )


@pytest.fixture
def duplicate_people(editor):
    """Sergey Lavrov twice, as importers create him: each with mentions and a byline."""
    keep = person_with_aliases("Sergey Lavrov", "Lavrov")
    duplicate = person_with_aliases("Sergei Lavrov", "Lavrov S")
    alias_add(entity=duplicate, name="Lavrov")  # shared: makes "Lavrov" ambiguous
    both = article_with("Sergey Lavrov met Sergei Lavrov's deputy.")
    only_duplicate = article_with("Sergei Lavrov flew to Delhi.")
    shared_name = article_with("Lavrov spoke.")
    for article in (both, only_duplicate, shared_name):
        mentions_suggest(article=article)
    Byline.objects.create(
        article=only_duplicate, position=1, name="Sergei Lavrov", person=duplicate
    )
    mention_confirm(mention=Mention.objects.get(article=both, person=duplicate), by=editor)
    return keep, duplicate, {"both": both, "only": only_duplicate, "shared": shared_name}


def test_merge_moves_mentions_aliases_and_bylines(editor, duplicate_people):
    keep, duplicate, articles = duplicate_people

    entity_merge(keep=keep, duplicate=duplicate, by=editor)

    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert sorted(keep.aliases.values_list("normalized", flat=True)) == [
        "lavrov",
        "lavrov s",
        "sergei lavrov",
        "sergey lavrov",
    ]
    combined = Mention.objects.get(article=articles["both"])
    assert (combined.person, combined.count, combined.state) == (keep, 2, "confirmed")
    assert Mention.objects.get(article=articles["only"]).person == keep
    assert Byline.objects.get(article=articles["only"], position=1).person == keep
    assert list(AmbiguousMention.objects.get().candidate_people.all()) == [keep]


def test_merged_persons_old_url_answers_301(client, editor, duplicate_people):
    keep, duplicate, _ = duplicate_people
    old_url = duplicate.get_absolute_url()

    entity_merge(keep=keep, duplicate=duplicate, by=editor)

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()


def test_merge_writes_an_audit_record(editor, duplicate_people):
    keep, duplicate, _ = duplicate_people

    merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)

    entry = EditorialLogEntry.objects.get(action="person.merge")
    assert (entry.actor, entry.target_id, entry.payload["merge_id"]) == (
        editor,
        str(keep.pk),
        merge.pk,
    )
    assert entry.payload["duplicate_slug"] == "sergei-lavrov"


def test_merge_undo_restores_both_people(client, editor, duplicate_people):
    keep, duplicate, articles = duplicate_people
    before = everything_about_the_people()
    merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)

    restored = entity_merge_undo(merge=merge, by=editor)

    assert (restored.pk, restored.slug, restored.name) == (
        duplicate.pk,
        duplicate.slug,
        duplicate.name,
    )
    assert everything_about_the_people() == before
    assert Byline.objects.get(article=articles["only"], position=1).person == restored
    assert not SlugRedirect.objects.exists()
    assert client.get(restored.get_absolute_url()).status_code == 200
    assert EntityMerge.objects.get().undone_at is not None
    assert EditorialLogEntry.objects.filter(action="person.merge_undo").count() == 1


def everything_about_the_people():
    return {
        "mentions": sorted(Mention.objects.values_list("pk", "person_id", "count", "state")),
        "aliases": sorted(Alias.objects.values_list("pk", "person_id", "normalized")),
        "candidates": list(AmbiguousMention.objects.get().candidate_people.order_by("pk")),
    }


def test_merge_undo_cannot_run_twice(editor, duplicate_people):
    keep, duplicate, _ = duplicate_people
    merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)
    entity_merge_undo(merge=merge, by=editor)
    with pytest.raises(ValidationError):
        entity_merge_undo(merge=merge, by=editor)


def test_merging_a_place_moves_its_child_places(editor):
    kashmir = PlaceFactory(name="Kashmir")
    duplicate = PlaceFactory(name="Kashmir Valley")
    pahalgam = PlaceFactory(name="Pahalgam", parent=duplicate)
    merge = entity_merge(keep=kashmir, duplicate=duplicate, by=editor)
    pahalgam.refresh_from_db()
    assert pahalgam.parent == kashmir
    entity_merge_undo(merge=merge, by=editor)
    pahalgam.refresh_from_db()
    assert pahalgam.parent_id == duplicate.pk


def test_merging_needs_the_delete_permission(duplicate_people):
    keep, duplicate, _ = duplicate_people
    with pytest.raises(PermissionDenied):
        entity_merge(keep=keep, duplicate=duplicate, by=User.objects.create_user("intern"))


def test_an_entity_cannot_be_merged_into_another_kind(editor):
    with pytest.raises(ValidationError):
        entity_merge(keep=PersonFactory(), duplicate=PlaceFactory(), by=editor)


def test_after_a_merge_a_name_only_the_duplicate_shared_links_to_the_kept_person(
    editor, duplicate_people, django_capture_on_commit_callbacks
):
    keep, duplicate, articles = duplicate_people
    with django_capture_on_commit_callbacks(execute=True):
        entity_merge(keep=keep, duplicate=duplicate, by=editor)

    assert not AmbiguousMention.objects.exists()
    assert Mention.objects.get(article=articles["shared"]).person == keep


def test_undoing_that_merge_makes_the_shared_name_a_choice_again(
    editor, duplicate_people, django_capture_on_commit_callbacks
):
    keep, duplicate, articles = duplicate_people
    with django_capture_on_commit_callbacks(execute=True):
        merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        entity_merge_undo(merge=merge, by=editor)

    choice = AmbiguousMention.objects.get(article=articles["shared"])
    assert set(choice.candidate_people.all()) == {keep, Person.objects.get(pk=duplicate.pk)}
    assert not Mention.objects.filter(article=articles["shared"]).exists()
