"""The alias dictionary and the matcher: normal forms, word boundaries, bylines.

How a shared name becomes a choice in an article is in mentions/tests/test_ambiguity.py."""

import pytest
from django.core.exceptions import ValidationError

from entities.matcher import Matcher, matcher_current
from entities.normalize import normalize_name
from entities.services import alias_add, entities_for_alias, person_for_byline
from entities.tests.factories import PersonFactory, PlaceFactory


def test_normal_form_folds_case_accents_punctuation_and_initials():
    assert normalize_name("S. Jaishankar") == "s jaishankar"
    assert normalize_name("S Jaishankar") == "s jaishankar"
    assert normalize_name("  SÉRGEI   Lávrov ") == "sergei lavrov"
    assert normalize_name("Russia’s") == normalize_name("Russia's") == "russia s"
    assert normalize_name("Lashkar-e-Taiba") == "lashkar e taiba"


def test_matcher_finds_whole_words_only():
    matcher = Matcher([("dar", "Dar", ("person", 1))])
    result = matcher.find("Darjeeling tea, Dar es Salaam, Dar.")
    assert result.entities[("person", 1)].count == 2
    assert matcher.find("Darjeeling and Kandar").entities == {}


def test_matcher_reads_possessives_with_curly_and_straight_apostrophes():
    matcher = Matcher([("russia", "Russia", ("place", 1))])
    assert matcher.find("Russia’s offer and Russia's reply").entities[("place", 1)].count == 2


def test_matcher_prefers_the_longest_name_and_reports_the_first_offset():
    matcher = Matcher(
        [
            ("narendra modi", "Narendra Modi", ("person", 1)),
            ("modi", "Modi", ("person", 1)),
            ("modi", "Modi", ("person", 2)),
        ]
    )
    text = "Prime Minister Narendra Modi spoke."
    result = matcher.find(text)
    assert list(result.entities) == [("person", 1)]
    assert result.ambiguous == {}
    assert text[result.entities[("person", 1)].first_position :].startswith("Narendra Modi")


def test_adjacent_names_are_both_found():
    matcher = Matcher([("india", "India", ("place", 1)), ("pakistan", "Pakistan", ("place", 2))])
    result = matcher.find("India-Pakistan tensions")
    assert set(result.entities) == {("place", 1), ("place", 2)}


@pytest.mark.django_db
def test_alias_look_up_ignores_dots_after_initials():
    person = PersonFactory(name="Subrahmanyam Jaishankar")
    alias_add(entity=person, name="S Jaishankar")
    assert entities_for_alias(name="S. Jaishankar") == [person]
    assert entities_for_alias(name="s jaishankar", kind="person") == [person]


@pytest.mark.django_db
def test_alias_without_letters_is_refused():
    with pytest.raises(ValidationError):
        alias_add(entity=PersonFactory(), name="—")


@pytest.mark.django_db
def test_adding_an_alias_changes_what_is_matched():
    place = PlaceFactory(name="Bombay")
    alias_add(entity=place, name="Bombay")
    assert matcher_current().find("Flights to Mumbai resumed.").entities == {}

    alias_add(entity=place, name="Mumbai")

    assert ("place", place.pk) in matcher_current().find("Flights to Mumbai resumed.").entities


@pytest.mark.django_db
def test_matcher_is_built_once_while_aliases_do_not_change():
    alias_add(entity=PlaceFactory(name="Lahore"), name="Lahore")
    assert matcher_current() is matcher_current()


@pytest.mark.django_db
def test_byline_resolves_to_the_person_through_an_alias():
    person = PersonFactory(name="Sergey Lavrov")
    alias_add(entity=person, name="Sergei Lavrov")
    assert person_for_byline(name="Sergei  Lavrov") == person


@pytest.mark.django_db
def test_byline_with_a_new_name_creates_a_person_findable_by_that_name():
    person = person_for_byline(name="K N Mishra")
    assert person_for_byline(name="K. N. Mishra") == person
    assert entities_for_alias(name="K N Mishra") == [person]


@pytest.mark.django_db
def test_byline_sharing_an_alias_with_two_people_is_not_guessed():
    for name in ("Narendra Modi", "Nirav Modi"):
        alias_add(entity=PersonFactory(name=name), name="Modi")
    person = person_for_byline(name="Modi")
    assert person.name == "Modi"
