"""The alias dictionary and the matcher: normal forms, word boundaries, ambiguity."""

import pytest
from django.core.exceptions import ValidationError

from articles.tests.factories import ArticleFactory
from entities.matcher import Matcher, matcher_current
from entities.models import AmbiguousMention, Mention
from entities.normalize import normalize_name
from entities.services import alias_add, entities_for_alias, mentions_suggest, person_for_byline
from entities.tests.factories import PersonFactory, PlaceFactory


def article_with(text: str, **kwargs):
    return ArticleFactory(headline="Report", dek="", body=f"<p>{text}</p>", **kwargs)


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
def test_two_people_sharing_a_surname_produce_a_choice_not_a_link():
    narendra = PersonFactory(name="Narendra Modi")
    nirav = PersonFactory(name="Nirav Modi")
    for person in (narendra, nirav):
        alias_add(entity=person, name=person.name)
        alias_add(entity=person, name="Modi")
    article = article_with("Modi said the talks would go on. Modi left.")

    mentions_suggest(article=article)

    assert not Mention.objects.filter(article=article).exists()
    choice = AmbiguousMention.objects.get(article=article)
    assert (choice.surface, choice.count, choice.state) == ("Modi", 2, "open")
    assert set(choice.candidate_people.all()) == {narendra, nirav}


@pytest.mark.django_db
def test_full_name_links_even_when_the_surname_is_shared():
    narendra = PersonFactory(name="Narendra Modi")
    nirav = PersonFactory(name="Nirav Modi")
    for person in (narendra, nirav):
        alias_add(entity=person, name=person.name)
        alias_add(entity=person, name="Modi")
    article = article_with("Narendra Modi said the talks would go on.")

    mentions_suggest(article=article)

    assert [m.person for m in Mention.objects.filter(article=article)] == [narendra]
    assert not AmbiguousMention.objects.filter(article=article).exists()


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
