"""Names suggested as readers type: people and places by any spelling, as inert JSON."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities.services import entity_upsert

pytestmark = pytest.mark.django_db
SUGGEST = reverse("search:suggest")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The rate limit counts in the default cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lavrov():
    person, _ = entity_upsert(
        kind="person",
        name="Sergey Lavrov",
        role="Foreign Minister of Russia",
        aliases=("Sergei Lavrov", "Lavrov"),
    )
    return person


def suggestions(client, query, **extra):
    response = client.get(SUGGEST, {"q": query}, **extra)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_first_letters_of_a_surname_suggest_the_person_and_their_page(client, lavrov):
    [lavrov_suggestion] = suggestions(client, "lavr")
    assert lavrov_suggestion == {
        "name": "Sergey Lavrov",
        "kind": "person",
        "description": "Foreign Minister of Russia",
        "also": "",
        "url": "/people/sergey-lavrov/",
    }


def test_another_spelling_finds_the_person_and_says_which_spelling_matched(client, lavrov):
    [found] = suggestions(client, "Sergei La")
    assert found["name"] == "Sergey Lavrov"
    assert found["also"] == "Sergei Lavrov"


def test_accents_and_case_are_ignored_both_ways(client, lavrov):
    entity_upsert(kind="place", name="Bogotá", place_kind="city")
    assert [s["name"] for s in suggestions(client, "LAVRÓV")] == ["Sergey Lavrov"]
    assert [s["name"] for s in suggestions(client, "bogo")] == ["Bogotá"]


def test_a_person_is_suggested_once_however_many_of_their_names_match(client, lavrov):
    assert [s["name"] for s in suggestions(client, "lav")] == ["Sergey Lavrov"]


def test_names_that_start_with_what_was_typed_come_first(client):
    entity_upsert(kind="person", name="Ana Mendes")
    entity_upsert(kind="place", name="Mendoza", place_kind="city")
    entity_upsert(kind="person", name="Mendel Okafor")
    assert [s["name"] for s in suggestions(client, "mend")] == [
        "Mendoza",
        "Mendel Okafor",
        "Ana Mendes",
    ]


def test_at_most_eight_names_are_suggested(client):
    for n in range(12):
        entity_upsert(kind="person", name=f"Kim Number{n}")
    assert len(suggestions(client, "kim")) == 8


def test_events_are_not_suggested(client):
    entity_upsert(kind="event", name="Simla Agreement", event_kind="treaty")
    entity_upsert(kind="place", name="Simla", place_kind="city")
    assert [s["name"] for s in suggestions(client, "siml")] == ["Simla"]


def test_names_come_back_as_inert_json(client):
    entity_upsert(kind="person", name="<img src=x onerror=alert(1)> Smith")
    response = client.get(SUGGEST, {"q": "smith"})
    assert response["Content-Type"] == "application/json"
    assert "<img" not in response.text
    assert response.json()["results"][0]["name"] == "<img src=x onerror=alert(1)> Smith"


def test_fewer_than_two_letters_suggest_nothing_and_cost_no_query(client, lavrov):
    with CaptureQueriesContext(connection) as queries:
        assert suggestions(client, "l") == []
        assert suggestions(client, " .- ") == []
    assert len(queries) == 0


def test_a_query_longer_than_any_name_is_refused(client):
    response = client.get(SUGGEST, {"q": "a" * 101})
    assert response.status_code == 400
    assert "100 characters" in response.json()["error"]


def test_a_client_over_the_rate_limit_is_asked_to_wait_and_others_are_not(client, settings):
    settings.SEARCH_SUGGEST_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(SUGGEST, {"q": "lav"}, REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = client.get(SUGGEST, {"q": "lav"}, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert client.get(SUGGEST, {"q": "lav"}, REMOTE_ADDR="203.0.113.6").status_code == 200


def test_suggestions_take_one_query_however_many_names_match(client):
    entity_upsert(kind="person", name="Priya Novak", aliases=("P. Novak",))
    with CaptureQueriesContext(connection) as few:
        assert len(suggestions(client, "nov")) == 1
    for n in range(40):
        entity_upsert(kind="person", name=f"Novak Number{n}", aliases=(f"N. Novak {n}",))
        entity_upsert(kind="place", name=f"Novakovo {n}", place_kind="town")
    with CaptureQueriesContext(connection) as many:
        assert len(suggestions(client, "nov")) == 8
    assert len(many) == len(few) == 1


def test_the_words_index_answers_the_suggestion_query(lavrov):
    """With thousands of names, prefix matching reads alias_words_idx; a scan of every
    alias on each keystroke is what the index is there to avoid."""
    from entities.models import Alias, Person
    from entities.selectors import entity_suggestions

    people = Person.objects.bulk_create(
        Person(name=f"Reporter Number{n}", slug=f"reporter-{n}") for n in range(3000)
    )
    Alias.objects.bulk_create(
        Alias(person=p, name=p.name, normalized=p.name.lower()) for p in people
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE entities_alias")
        with CaptureQueriesContext(connection) as queries:
            entity_suggestions(query="lavr")
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "alias_words_idx" in plan, plan


def test_the_search_page_loads_the_suggestion_script_under_its_csp_nonce(client):
    response = client.get(reverse("search:search"))
    script = re.search(r'<script src="([^"]+suggest\.js)" nonce="([^"]+)" defer>', response.text)
    assert script, "no suggestion script on the search page"
    assert f"'nonce-{script.group(2)}'" in response["Content-Security-Policy"]
    assert 'data-suggest-url="/search/suggest"' in response.text
