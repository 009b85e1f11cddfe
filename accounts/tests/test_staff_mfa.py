"""Staff need a second factor in production (NEWSROOM_REQUIRE_STAFF_MFA, on in prod).

The production value is switched on per test; dev and test settings have it off so the
demo accounts and the other admin tests sign in with a password.
"""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def mfa_required(settings):
    settings.NEWSROOM_REQUIRE_STAFF_MFA = True


def staff_member(username="ed"):
    user = UserFactory(username=username, email=f"{username}@example.com", role="editor")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    return user


def current_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_admin_login_goes_through_allauths_login(client, mfa_required):
    response = client.get(reverse("admin:login") + "?next=/admin/articles/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Farticles%2F"


def test_staff_without_a_second_factor_cannot_reach_the_admin(client, mfa_required):
    staff_member()
    client.post(reverse("account_login"), {"login": "ed", "password": PASSWORD})
    assert "_auth_user_id" in client.session  # the password was right...
    response = client.get("/admin/")
    assert response.status_code == 302  # ...but the admin sends them to set up TOTP
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get("/admin/articles/article/").status_code == 302
    # allauth asks for the password again before any security change, then shows the QR code.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    assert setup.context["form"].__class__.__name__ == "ActivateTOTPForm"


def test_staff_with_totp_sign_in_with_a_code_and_reach_the_admin(client, mfa_required):
    user = staff_member()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post(
        reverse("account_login"), {"login": "ed", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # a password alone does not sign in
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_sign_staff_in(client, mfa_required):
    user = staff_member()
    TOTP.activate(user, generate_totp_secret())
    client.post(reverse("account_login"), {"login": "ed", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_readers_are_not_asked_for_a_second_factor(client, mfa_required):
    reader = UserFactory(email="ana@example.com")
    reader.emailaddress_set.create(email="ana@example.com", verified=True, primary=True)
    client.post(reverse("account_login"), {"login": "ana@example.com", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(reader.pk)
