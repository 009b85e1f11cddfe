"""Merges keep Wikidata IDs (unique per kind), and the roles that may merge and undo."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.models import EditorialLogEntry
from entities.models import Person, Place
from entities.tests.factories import PersonFactory, PlaceFactory
from mentions.services import entity_merge, entity_merge_undo

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    """The admin role could merge before the role matrix, so these tests fail on the
    Wikidata behaviour alone."""
    return UserFactory(role="admin")


def test_kept_person_takes_the_duplicates_wikidata_id(editor):
    keep = PersonFactory(name="Sergey Lavrov")
    duplicate = PersonFactory(name="Sergei Lavrov", wikidata_id="Q150980")
    merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)
    assert Person.objects.get(pk=keep.pk).wikidata_id == "Q150980"
    entry = EditorialLogEntry.objects.get(action="person.merge")
    assert entry.payload["wikidata_id_taken"] == "Q150980"
    assert merge.snapshot["wikidata_id_taken"] is True


def test_undo_gives_the_wikidata_id_back_to_the_restored_duplicate(editor):
    keep = PersonFactory(name="Sergey Lavrov")
    duplicate = PersonFactory(name="Sergei Lavrov", wikidata_id="Q150980")
    merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)
    entity_merge_undo(merge=merge, by=editor)
    assert Person.objects.get(pk=keep.pk).wikidata_id == ""
    assert Person.objects.get(pk=duplicate.pk).wikidata_id == "Q150980"


def test_kept_wikidata_id_stays_when_the_duplicate_has_none(editor):
    keep = PlaceFactory(name="Moscow", wikidata_id="Q649")
    duplicate = PlaceFactory(name="Moskva")
    merge = entity_merge(keep=keep, duplicate=duplicate, by=editor)
    assert Place.objects.get(pk=keep.pk).wikidata_id == "Q649"
    entity_merge_undo(merge=merge, by=editor)
    assert Place.objects.get(pk=keep.pk).wikidata_id == "Q649"


def test_merging_two_different_wikidata_items_is_refused_with_a_reason(editor):
    keep = PersonFactory(name="Narendra Modi", wikidata_id="Q1058")
    duplicate = PersonFactory(name="Modi", wikidata_id="Q7777")
    with pytest.raises(ValidationError, match="two different items, so they are not duplicates"):
        entity_merge(keep=keep, duplicate=duplicate, by=editor)
    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_admin_merge_of_two_wikidata_items_shows_the_reason_and_keeps_both(client):
    client.force_login(UserFactory(role="editor"))
    keep = PersonFactory(name="Narendra Modi", wikidata_id="Q1058")
    other = PersonFactory(name="Modi", wikidata_id="Q7777")
    response = client.post(
        reverse("admin:entities_person_changelist"),
        {"action": "merge_selected", "_selected_action": [keep.pk, other.pk], "keep": keep.pk},
        follow=True,
    )
    assert "two different items, so they are not duplicates" in response.text
    assert Person.objects.filter(pk__in=[keep.pk, other.pk]).count() == 2


def test_two_people_cannot_share_a_wikidata_id():
    PersonFactory(wikidata_id="Q42")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(wikidata_id="Q42")


def test_people_without_a_wikidata_id_are_not_duplicates_of_each_other():
    PersonFactory(wikidata_id="")
    PersonFactory(wikidata_id="")
    assert Person.objects.filter(wikidata_id="").count() == 2


def test_duplicate_wikidata_id_is_a_field_error_in_full_clean():
    PersonFactory(wikidata_id="Q42")
    with pytest.raises(ValidationError, match="Another entry already has this Wikidata ID"):
        PersonFactory.build(name="Douglas", slug="douglas", wikidata_id="Q42").full_clean()


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editor_and_admin_roles_merge_and_undo(role):
    user = UserFactory(role=role)
    keep, duplicate = PersonFactory(), PersonFactory()
    merge = entity_merge(keep=keep, duplicate=duplicate, by=user)
    assert entity_merge_undo(merge=merge, by=user).pk == duplicate.pk


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_reporter_and_moderator_cannot_merge(role):
    with pytest.raises(PermissionDenied):
        entity_merge(keep=PersonFactory(), duplicate=PersonFactory(), by=UserFactory(role=role))


def test_reporter_cannot_undo_a_merge():
    merge = entity_merge(
        keep=PersonFactory(), duplicate=PersonFactory(), by=UserFactory(role="editor")
    )
    with pytest.raises(PermissionDenied):
        entity_merge_undo(merge=merge, by=UserFactory(role="reporter"))
