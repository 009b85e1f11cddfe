"""Demo staff accounts log in wherever a person would try: /admin/ and /accounts/login/."""

import io

import pytest
from django.urls import reverse

from accounts.services import staff_account_ensure
from demo.management.commands.load_demo import DEMO_PASSWORD, Command

pytestmark = pytest.mark.django_db


def test_demo_moderator_logs_in_with_email_on_the_site_login_page(client):
    Command(stdout=io.StringIO()).ensure_demo_editor()
    response = client.post(
        reverse("account_login"), {"login": "moderator@example.com", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "confirm-email" not in response.url
    assert client.session["_auth_user_id"]


def test_demo_editor_logs_in_to_the_admin_with_username(client):
    Command(stdout=io.StringIO()).ensure_demo_editor()
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_ensuring_a_staff_account_twice_keeps_one_verified_primary_address():
    user = staff_account_ensure(username="desk", role="editor", password="x")
    staff_account_ensure(username="desk", role="editor", password="changed")
    address = user.emailaddress_set.get()
    assert (address.verified, address.primary) == (True, True)
    user.refresh_from_db()
    assert user.check_password("x")
