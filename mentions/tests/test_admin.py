"""Admin: the merge action, mention review actions, the article inlines, alias edits."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry
from entities.matcher import matcher_current
from entities.models import EntityMerge, Event, Person, Place, SlugRedirect
from entities.services import alias_add
from entities.tests.factories import PersonFactory
from mentions.admin import AmbiguousMentionInline, MentionInline
from mentions.models import AmbiguousMention, Mention
from mentions.services import mentions_suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("chief", "chief@example.com", "x")
    client.force_login(user)
    return user


def suggested(text="Sergey Lavrov met Ishaq Dar."):
    for name in ("Sergey Lavrov", "Ishaq Dar"):
        alias_add(entity=PersonFactory(name=name), name=name)
    article = ArticleFactory(headline="Talks", dek="", body=f"<p>{text}</p>")
    mentions_suggest(article=article)
    return article


def test_merge_action_asks_which_person_to_keep(client, editor):
    people = [PersonFactory(name="Sergey Lavrov"), PersonFactory(name="Sergei Lavrov")]
    url = reverse("admin:entities_person_changelist")
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [p.pk for p in people]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'name="keep"' in response.text
    assert Person.objects.count() == 2


def test_merge_action_merges_into_the_chosen_person(client, editor):
    keep, duplicate = PersonFactory(name="Sergey Lavrov"), PersonFactory(name="Sergei Lavrov")
    url = reverse("admin:entities_person_changelist")
    data = {
        "action": "merge_selected",
        ACTION_CHECKBOX_NAME: [keep.pk, duplicate.pk],
        "keep": str(keep.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(Person.objects.all()) == [keep]
    assert SlugRedirect.objects.get().old_slug == duplicate.slug


def test_undo_action_restores_a_merged_person(client, editor):
    keep, duplicate = PersonFactory(name="Sergey Lavrov"), PersonFactory(name="Sergei Lavrov")
    client.post(
        reverse("admin:entities_person_changelist"),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [keep.pk, duplicate.pk],
            "keep": keep.pk,
        },
    )
    merge = EntityMerge.objects.get()
    client.post(
        reverse("admin:entities_entitymerge_changelist"),
        {"action": "undo_selected", ACTION_CHECKBOX_NAME: [merge.pk]},
    )
    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_confirm_action_confirms_and_logs_each_mention(client, editor):
    suggested()
    response = client.post(
        reverse("admin:mentions_mention_changelist"),
        {
            "action": "confirm_selected",
            ACTION_CHECKBOX_NAME: list(Mention.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert set(Mention.objects.values_list("state", flat=True)) == {"confirmed"}
    assert EditorialLogEntry.objects.filter(action="mention.confirm").count() == 2


def test_review_actions_are_hidden_without_the_permission(client):
    staff = User.objects.create_user("intern", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_mention"))
    client.force_login(staff)
    suggested()
    url = reverse("admin:mentions_mention_changelist")
    assert "confirm_selected" not in client.get(url).text
    client.post(
        url, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [Mention.objects.first().pk]}
    )
    assert set(Mention.objects.values_list("state", flat=True)) == {"suggested"}


def test_mention_inline_saves_a_state_change_through_the_service(editor):
    article = suggested()
    mention = Mention.objects.get(person__name="Ishaq Dar")
    request = RequestFactory().post("/")
    request.user = editor
    inline = MentionInline(Article, admin.site)
    formset_class = inline.get_formset(request, article)
    prefix = formset_class.get_default_prefix()
    forms = list(Mention.objects.filter(article=article).order_by("first_position", "pk"))
    data = {f"{prefix}-TOTAL_FORMS": str(len(forms)), f"{prefix}-INITIAL_FORMS": str(len(forms))}
    for i, row in enumerate(forms):
        data[f"{prefix}-{i}-id"] = str(row.pk)
        data[f"{prefix}-{i}-article"] = str(article.pk)
        data[f"{prefix}-{i}-state"] = "rejected" if row.pk == mention.pk else row.state
    formset = formset_class(data, instance=article, prefix=prefix)

    assert formset.is_valid(), formset.errors
    formset.save()

    mention.refresh_from_db()
    assert mention.state == "rejected"
    assert EditorialLogEntry.objects.get(action="mention.reject").actor == editor


def test_ambiguous_inline_lists_the_candidates(editor):
    for name in ("Narendra Modi", "Nirav Modi"):
        alias_add(entity=PersonFactory(name=name), name="Modi")
    article = ArticleFactory(body="<p>Modi spoke.</p>")
    mentions_suggest(article=article)
    request = RequestFactory().get("/")
    request.user = editor
    inline = AmbiguousMentionInline(Article, admin.site)
    ambiguous = inline.get_queryset(request).get()
    assert inline.candidate_list(ambiguous) == "Narendra Modi, Nirav Modi"


def test_choosing_a_candidate_in_the_admin_resolves_the_name(client, editor):
    narendra = PersonFactory(name="Narendra Modi")
    alias_add(entity=narendra, name="Modi")
    alias_add(entity=PersonFactory(name="Nirav Modi"), name="Modi")
    article = ArticleFactory(body="<p>Modi spoke.</p>")
    mentions_suggest(article=article)
    ambiguous = AmbiguousMention.objects.get()
    url = reverse("admin:mentions_ambiguousmention_change", args=[ambiguous.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"choice": f"person:{narendra.pk}"})

    assert response.status_code == 302
    assert Mention.objects.get(article=article).person == narendra
    assert AmbiguousMention.objects.get().state == "resolved"


def test_alias_added_in_the_admin_reaches_the_matcher(client, editor):
    person = PersonFactory(name="Subrahmanyam Jaishankar")
    alias_add(entity=person, name=person.name)
    before = matcher_current()
    url = reverse("admin:entities_person_change", args=[person.pk])
    data = {
        "name": person.name,
        "slug": person.slug,
        "role": "",
        "description": "",
        "wikidata_id": "",
        "aliases-TOTAL_FORMS": "2",
        "aliases-INITIAL_FORMS": "1",
        "aliases-0-id": str(person.aliases.get().pk),
        "aliases-0-person": str(person.pk),
        "aliases-0-name": person.name,
        "aliases-1-person": str(person.pk),
        "aliases-1-name": "S. Jaishankar",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.text
    assert matcher_current() is not before
    assert ("person", person.pk) in matcher_current().find("S Jaishankar said").entities


def test_changing_a_slug_in_the_admin_keeps_the_old_address(client, editor):
    person = PersonFactory(name="S Jaishankar", slug="s-jaishankar")
    url = reverse("admin:entities_person_change", args=[person.pk])
    data = {
        "name": person.name,
        "slug": "subrahmanyam-jaishankar",
        "role": "",
        "description": "",
        "wikidata_id": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    response = client.get("/people/s-jaishankar/")
    assert response.status_code == 301
    assert response["Location"] == "/people/subrahmanyam-jaishankar/"


ADMIN_MODELS = [Person, Place, Event, SlugRedirect, EntityMerge, Mention, AmbiguousMention]


@pytest.mark.parametrize("model_class", ADMIN_MODELS, ids=lambda m: m._meta.label_lower)
def test_admin_lists_and_forms_open(client, editor, seed_demo, model_class):
    app_label, model = model_class._meta.app_label, model_class._meta.model_name
    assert client.get(reverse(f"admin:{app_label}_{model}_changelist")).status_code == 200
    row = model_class.objects.first()
    if row is not None:
        url = reverse(f"admin:{app_label}_{model}_change", args=[row.pk])
        assert client.get(url).status_code == 200
    if model in {"person", "place", "event"}:
        assert client.get(reverse(f"admin:{app_label}_{model}_add")).status_code == 200
