"""The audit log in the admin: read-only, split by readership, filterable, readable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.actions import action_label, entry_label
from audit.models import EditorialLogEntry
from audit.services import editorial_log

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_editoriallogentry_changelist")


@pytest.fixture
def entries():
    """One editorial and one moderation entry, by different people."""
    editor, moderator = UserFactory(username="eddie"), UserFactory(username="mo")
    published = editorial_log(actor=editor, action="article.publish", target=editor)
    approved = editorial_log(actor=moderator, action="comment.approve", target=moderator)
    return published, approved


def rows(client, query=""):
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return {entry.action for entry in response.context["cl"].result_list}


def test_editor_reads_editorial_entries_only(client, entries):
    client.force_login(UserFactory(role="editor"))
    assert rows(client) == {"article.publish"}


def test_moderator_reads_moderation_entries_only(client, entries):
    client.force_login(UserFactory(role="moderator"))
    assert rows(client) == {"comment.approve"}
    published, _ = entries
    url = reverse("admin:audit_editoriallogentry_change", args=[published.pk])
    assert client.get(url).status_code == 302  # not in their queryset: "doesn't exist"


def test_admin_role_reads_every_entry(client, entries):
    client.force_login(UserFactory(role="admin"))
    assert rows(client) == {"article.publish", "comment.approve"}


def test_reporter_cannot_open_the_log(client, entries):
    client.force_login(UserFactory(role="reporter"))
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.parametrize("role", ["editor", "moderator", "admin"])
def test_log_is_read_only_for_every_role_that_reads_it(client, entries, role):
    client.force_login(UserFactory(role=role))
    published, approved = entries
    entry = approved if role == "moderator" else published
    change = reverse("admin:audit_editoriallogentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert client.get(reverse("admin:audit_editoriallogentry_add")).status_code == 403
    delete = reverse("admin:audit_editoriallogentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert EditorialLogEntry.objects.count() == 2


def test_log_filters_by_actor_action_type_and_date_and_searches_targets(client, entries):
    client.force_login(UserFactory(role="admin"))
    published, approved = entries
    assert rows(client, f"?actor={published.actor_id}") == {"article.publish"}
    assert rows(client, "?action=comment.approve") == {"comment.approve"}
    assert rows(client, f"?target_type={published.target_type_id}") == {
        "article.publish",
        "comment.approve",
    }
    day = published.created_at
    assert rows(client, f"?created_at__year={day.year}&created_at__month={day.month}") == {
        "article.publish",
        "comment.approve",
    }
    assert rows(client, "?q=mo") == {"comment.approve"}


def test_log_shows_readable_action_names_beside_the_codes(client, entries):
    client.force_login(UserFactory(role="admin"))
    page = client.get(CHANGELIST).text
    assert "Published article" in page and "article.publish" in page
    assert "Approved comment" in page


def test_unknown_codes_still_read_as_words():
    assert action_label("article.publish") == "Published article"
    assert action_label("outlet.rename") == "Rename outlet"
    assert entry_label("article.update", {"text": "Now 12 dead."}) == "Added update note"
    assert entry_label("article.update", {"before": {}, "after": {}}) == "Edited article"


def test_log_changelist_query_count_does_not_grow_with_rows(client):
    client.force_login(UserFactory(role="admin"))
    actors = [UserFactory() for _ in range(3)]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        return len(queries)

    editorial_log(actor=actors[0], action="article.publish", target=actors[0])
    few = count()
    for n in range(60):
        actor = actors[n % 3]
        editorial_log(actor=actor, action="story.merge", target=actors[(n + 1) % 3])
    assert count() == few


def test_action_and_type_filters_offer_only_what_the_reader_may_see(client, entries):
    client.force_login(UserFactory(role="moderator"))
    page = client.get(CHANGELIST).text
    assert "?action=comment.approve" in page
    assert "?action=article.publish" not in page
    assert ">comment</a>" in page
    assert ">import run</a>" not in page
