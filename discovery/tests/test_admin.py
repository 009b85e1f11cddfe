"""The queue in the admin, the suggestions endpoint and the article form's "Add" links."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles.models import Article
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry
from discovery.models import EntityCandidate
from discovery.services import candidates_collect
from entities.models import Alias, Person
from entities.services import entity_upsert
from mentions.models import Mention

pytestmark = pytest.mark.django_db

QUEUE = "admin:discovery_entitycandidate_changelist"
SUGGEST = "admin:articles_article_entity_suggestions"
MUNIR = "Army chief General Asim Munir said the border was calm on Monday."
LAWROW = "Foreign Minister Sergej Lawrow said Moscow was ready to help."


@pytest.fixture
def lavrov():
    return entity_upsert(kind="person", name="Sergey Lavrov")[0]


@pytest.fixture
def queued(lavrov):
    """Two articles: one names a new person, the other a variant of a known one."""
    articles = [
        ArticleFactory(headline="Border", dek="", body=f"<p>{text}</p>") for text in (MUNIR, LAWROW)
    ]
    for article in articles:
        candidates_collect(article=article)
    return articles


def logged_in(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


def test_the_queue_shows_counts_sentences_and_the_variant_suggestion(client, queued):
    logged_in(client, "editor")
    page = client.get(reverse(QUEUE))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Asim Munir" in html and MUNIR in html
    assert "Sergej Lawrow → Sergey Lavrov? 9" in html


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_roles_without_review_neither_open_the_queue_nor_decide(client, queued, role):
    logged_in(client, role)
    munir = EntityCandidate.objects.get(key="asim munir")
    assert client.get(reverse(QUEUE)).status_code == 403
    change = reverse("admin:discovery_entitycandidate_change", args=[munir.pk])
    assert client.post(change, {"decision": "reject", "new_name": ""}).status_code == 403
    munir.refresh_from_db()
    assert munir.status == EntityCandidate.Status.OPEN


def test_accept_action_creates_the_person_and_links_the_article(
    client, queued, django_capture_on_commit_callbacks
):
    """The editor is told the articles are being linked: a task does it after the commit."""
    editor = logged_in(client, "editor")
    munir = EntityCandidate.objects.get(key="asim munir")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(QUEUE), {"action": "accept_selected", "_selected_action": [munir.pk]}
        )
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["Accepted 1 name(s). Their articles are being linked."]
    person = Person.objects.get(name="Asim Munir")
    assert Mention.objects.filter(person=person, article=queued[0]).exists()
    assert EditorialLogEntry.objects.get(action="candidate.accept").actor == editor


def test_merging_from_the_change_form_into_the_suggested_person(
    client, queued, lavrov, django_capture_on_commit_callbacks
):
    logged_in(client, "editor")
    lawrow = EntityCandidate.objects.get(key="sergej lawrow")
    url = reverse("admin:discovery_entitycandidate_change", args=[lawrow.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["decision"] == "merge"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "merge", "new_name": "", "person": lavrov.pk})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Sergej Lawrow” is now a name of “Sergey Lavrov”. Its 1 article(s) are being"
        " linked; they show it within a minute or so."
    ]
    assert Alias.objects.filter(person=lavrov, normalized="sergej lawrow").exists()
    assert Mention.objects.filter(person=lavrov, article=queued[1]).exists()


def test_a_merge_without_an_entity_is_refused_beside_the_field(client, queued):
    logged_in(client, "editor")
    munir = EntityCandidate.objects.get(key="asim munir")
    url = reverse("admin:discovery_entitycandidate_change", args=[munir.pk])
    page = client.post(url, {"decision": "merge", "new_name": "Asim Munir"})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["person"] == [
        "Choose the person that “Asim Munir” is."
    ]


def test_rejecting_from_the_change_form(client, queued):
    logged_in(client, "admin")
    munir = EntityCandidate.objects.get(key="asim munir")
    url = reverse("admin:discovery_entitycandidate_change", args=[munir.pk])
    assert client.post(url, {"decision": "reject", "new_name": ""}).status_code == 302
    munir.refresh_from_db()
    assert munir.status == EntityCandidate.Status.REJECTED


def test_accepting_a_name_an_entity_already_has_is_a_message_not_a_500(client, queued, lavrov):
    logged_in(client, "editor")
    munir = EntityCandidate.objects.get(key="asim munir")
    url = reverse("admin:discovery_entitycandidate_change", args=[munir.pk])
    response = client.post(url, {"decision": "accept", "new_name": "Sergey Lavrov"}, follow=True)
    assert "already answers to" in response.content.decode()
    munir.refresh_from_db()
    assert munir.status == EntityCandidate.Status.OPEN


# --- while typing


def suggest(client, **fields):
    return client.post(reverse(SUGGEST), fields)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_the_endpoint_answers_known_names_variants_and_new_names(client, lavrov, role):
    logged_in(client, role)
    entity_upsert(kind="place", name="Rawalpindi")
    body = f"<p>{MUNIR} He flew to Rawalpindi.</p><p>{LAWROW}</p>"
    answer = suggest(client, headline="Talks", body=body).json()
    assert [k["name"] for k in answer["known"]] == ["Rawalpindi"]
    assert [v["known_name"] for v in answer["variants"]] == ["Sergey Lavrov"]
    assert "Asim Munir" in [n["name"] for n in answer["new"]]
    assert answer["can_create"] is True


def test_the_endpoint_is_for_staff_who_write_articles_only(client):
    assert suggest(client, body="x").status_code == 302  # to the admin login
    client.force_login(UserFactory())  # a reader
    assert suggest(client, body="x").status_code == 302
    logged_in(client, "moderator")
    assert suggest(client, body="x").status_code == 403


def test_reporters_are_shown_names_but_only_known_ones_can_be_added(client, lavrov):
    """Reporters confirm mentions of known entities; new names are an editor's call."""
    logged_in(client, "reporter")
    answer = suggest(client, body=f"<p>{MUNIR} Sergey Lavrov agreed.</p>").json()
    assert answer["can_create"] is False
    assert [k["name"] for k in answer["known"]] == ["Sergey Lavrov"]


def test_the_endpoint_needs_the_csrf_token_and_post():
    client = Client(enforce_csrf_checks=True)
    logged_in(client, "editor")
    assert client.post(reverse(SUGGEST), {"body": "x"}).status_code == 403
    assert client.get(reverse(SUGGEST)).status_code == 405


def test_the_endpoint_is_rate_limited(client, settings):
    settings.ENTITY_SUGGESTIONS_PER_MINUTE = 2
    logged_in(client, "editor")
    codes = [suggest(client, body="Hello").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_too_long_a_text_is_a_clear_400(client):
    logged_in(client, "editor")
    response = suggest(client, body="a " * 60_000)
    assert response.status_code == 400
    assert "At most 100,000 characters" in response.json()["error"]


# --- "Add" in the article form, applied on save


def add_form(**extra):
    return {
        "headline": "Army chief visits",
        "slug": "army-chief-visits",
        "dek": "",
        "body": f"<p>{MUNIR}</p><p>{LAWROW}</p>",
        "key_points": "",
        "version_opened": "",
        **{f"{p}-{k}": v for p in ("bylines", "images", "corrections", "mentions",
           "ambiguous_mentions") for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        **extra,
    }  # fmt: skip


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_saving_with_added_names_links_them_and_collects_the_rest(client, lavrov, role):
    logged_in(client, role)
    links = f"variant:person:{lavrov.pk}:Sergej Lawrow\nnew:person::Asim Munir"
    response = client.post(reverse("admin:articles_article_add"), add_form(entity_links=links))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="army-chief-visits")
    munir = Person.objects.get(name="Asim Munir")
    confirmed = Mention.objects.filter(article=article, state=Mention.State.CONFIRMED)
    assert {m.person for m in confirmed} == {lavrov, munir}
    assert Alias.objects.filter(person=lavrov, normalized="sergej lawrow").exists()
    actions = set(EditorialLogEntry.objects.values_list("action", flat=True))
    assert {"candidate.merge", "candidate.accept", "mention.confirm"} <= actions


def test_a_reporter_cannot_add_new_names_the_error_is_shown_in_the_form(client):
    logged_in(client, "reporter")
    response = client.post(
        reverse("admin:articles_article_add"), add_form(entity_links="new:person::Asim Munir")
    )
    assert response.status_code == 200
    assert "Only editors can add new names or spellings." in response.content.decode()
    assert not Article.objects.exists()


def test_a_malformed_link_is_an_error_not_a_500(client):
    logged_in(client, "editor")
    response = client.post(
        reverse("admin:articles_article_add"), add_form(entity_links="known:planet:x")
    )
    assert response.status_code == 200
    assert "is not a person, place or event to link" in response.content.decode()


def test_the_queue_costs_the_same_queries_for_one_name_or_many(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logged_in(client, "editor")

    def queries_for_queue():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(QUEUE)).status_code == 200
        return len(captured)

    candidates_collect(article=ArticleFactory(body=f"<p>{MUNIR}</p>"))
    one = queries_for_queue()
    for name in ("Ana Lima", "Rui Costa", "Zara Khan", "Omar Sheikh", "Li Wei"):
        text = f"<p>Spokesperson {name} said it twice. Minister {name} said so.</p>"
        for _ in range(2):
            candidates_collect(article=ArticleFactory(body=text))
    assert EntityCandidate.objects.count() >= 6
    assert queries_for_queue() == one


def test_a_decided_name_opens_read_only(client, queued):
    editor = logged_in(client, "editor")
    from discovery.services import candidate_reject

    munir = EntityCandidate.objects.get(key="asim munir")
    candidate_reject(candidate=munir, by=editor)
    url = reverse("admin:discovery_entitycandidate_change", args=[munir.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Rejected" in page.content.decode()
    assert client.post(url, {"decision": "accept", "new_name": ""}).status_code == 403


@pytest.mark.parametrize(
    "token",
    ["known:person:99999999999999999999", "known:person:²", "variant:place:1:", "new:event::…"],
)
def test_odd_links_are_refused_in_the_form(client, token):
    logged_in(client, "editor")
    response = client.post(reverse("admin:articles_article_add"), add_form(entity_links=token))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["entity_links"]
