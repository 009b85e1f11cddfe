"""Which admin pages each role opens: the grants of every app's roles module, applied by
``migrate``. The browser tests (tests/test_browser_roles.py) walk the same matrix by hand;
these pin it for every page cheaply."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "article add": "admin:articles_article_add",
    "image add": "admin:articles_image_add",
    "person add": "admin:entities_person_add",
    "outlets": "admin:sources_outlet_changelist",
    "outlet add": "admin:sources_outlet_add",
    "import runs": "admin:sources_importrun_changelist",
    "import upload": "admin:sources_importrun_add",
    "wire copy": "admin:sources_articlefingerprint_changelist",
    "wire-copy verdicts": "admin:sources_wirecopyverdict_changelist",
    "source keys": "admin:sources_articlesource_changelist",
    "stories": "admin:coverage_story_changelist",
    "memberships": "admin:coverage_storyarticle_changelist",
    "people": "admin:entities_person_changelist",
    "entity merges": "admin:entities_entitymerge_changelist",
    "new names": "admin:discovery_entitycandidate_changelist",
    "audit log": "admin:audit_editoriallogentry_changelist",
    "comment word rules": "admin:comments_wordrule_changelist",
}
OPENS = {
    "reporter": {"article add", "image add", "person add", "people"},
    "editor": {
        "article add", "image add", "person add", "outlets", "outlet add", "import runs",
        "import upload", "wire copy", "wire-copy verdicts", "source keys", "stories",
        "memberships", "people", "entity merges", "new names", "audit log",
    },
    "moderator": {"audit log", "comment word rules"},
    "admin": set(PAGES),
}  # fmt: skip


@pytest.mark.parametrize("role", list(OPENS))
def test_each_role_opens_exactly_its_admin_pages(client, role):
    client.force_login(UserFactory(role=role))
    opened = {name for name, url in PAGES.items() if client.get(reverse(url)).status_code == 200}
    assert opened == OPENS[role]


def outlet_autocomplete(client, term):
    query = {"term": term, "app_label": "articles", "model_name": "article", "field_name": "outlet"}
    return client.get(reverse("admin:autocomplete"), query)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_outlet_autocomplete_in_the_article_form_answers_editors(client, role):
    client.force_login(UserFactory(role=role))
    article = ArticleFactory(outlet__name="The Hindu", outlet__slug="the-hindu")
    response = outlet_autocomplete(client, "hindu")
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [str(article.outlet)]


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_outlet_autocomplete_refuses_roles_without_outlets(client, role):
    """Reporters leave the outlet to the editor who publishes; moderators write nothing."""
    client.force_login(UserFactory(role=role))
    ArticleFactory(outlet__name="The Hindu", outlet__slug="the-hindu")
    assert outlet_autocomplete(client, "hindu").status_code == 403


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_merge_and_undo_actions_are_offered_to_editors_and_admins(client, role):
    client.force_login(UserFactory(role=role))
    people = client.get(reverse("admin:entities_person_changelist"))
    assert "merge_selected" in dict(people.context["action_form"].fields["action"].choices)
    merges = client.get(reverse("admin:entities_entitymerge_changelist"))
    assert "undo_selected" in dict(merges.context["action_form"].fields["action"].choices)
    stories = client.get(reverse("admin:coverage_story_changelist"))
    assert "merge_selected" in dict(stories.context["action_form"].fields["action"].choices)
