"""Readers' accounts: sign-up with a verified email and a display name, login throttling."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import Profile
from accounts.services import profile_for, profile_update
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def sign_up(client, email="ana@example.com", display_name="Ana Lima"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": display_name,
        },
    )


def verification_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_signup_mails_a_verification_link_and_asks_for_a_display_name(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="ana@example.com")
    assert Profile.objects.get(user=user).display_name == "Ana Lima"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.com"]
    assert "_auth_user_id" not in client.session  # not logged in until verified


def test_following_the_verification_link_logs_the_reader_in(client):
    sign_up(client)
    link = verification_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    client.post(link)
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get().pk)


def test_unverified_reader_cannot_log_in(client):
    sign_up(client)
    client.logout()
    client.post(reverse("account_login"), {"login": "ana@example.com", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_signup_without_display_name_is_a_field_error(client):
    response = sign_up(client, display_name="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_verified_reader_logs_in_with_email(client):
    user = UserFactory(email="bo@example.com")
    user.emailaddress_set.create(email="bo@example.com", verified=True, primary=True)
    client.post(reverse("account_login"), {"login": "bo@example.com", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_five_failed_logins_lock_the_account_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(email="cy@example.com")
    user.emailaddress_set.create(email="cy@example.com", verified=True, primary=True)
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "cy@example.com", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "cy@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock_the_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(email="di@example.com")
    user.emailaddress_set.create(email="di@example.com", verified=True, primary=True)
    for _ in range(4):
        client.post(reverse("account_login"), {"login": "di@example.com", "password": "wrong"})
    client.post(reverse("account_login"), {"login": "di@example.com", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_mails_a_link(client):
    user = UserFactory(email="ed@example.com")
    user.emailaddress_set.create(email="ed@example.com", verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": "ed@example.com"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_reader_turns_off_reply_emails_in_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Fay", "notify_on_rejection": "on"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.notify_on_reply, profile.notify_on_rejection) == (
        "Fay",
        False,
        True,
    )


def test_admin_login_by_username_still_works(client):
    UserFactory(username="ed", role="editor")
    response = client.post(
        reverse("admin:login"), {"username": "ed", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302


def verified_reader(email):
    user = UserFactory(email=email)
    user.emailaddress_set.create(email=email, verified=True, primary=True)
    return user


def log_in(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_six_failed_logins_for_one_account_do_not_lock_a_colleague_on_the_same_address(
    client, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    verified_reader("target@example.com")
    colleague = verified_reader("colleague@example.com")
    for _ in range(6):
        log_in(client, "target@example.com", "wrong")
    log_in(client, "colleague@example.com", PASSWORD)
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_attacked_account_still_logs_in_from_another_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = verified_reader("target@example.com")
    for _ in range(6):
        log_in(client, "target@example.com", "wrong", address="203.0.113.9")
    assert log_in(client, "target@example.com", PASSWORD, address="203.0.113.9").status_code == 429
    log_in(client, "target@example.com", PASSWORD, address="198.51.100.7")
    assert client.session["_auth_user_id"] == str(user.pk)


# --- display names


@pytest.mark.parametrize("name", ["Moderator", "the editor", "ADMIN", "Newsroom Staff", "Sÿstem"])
def test_signup_refuses_a_reserved_display_name_with_a_field_error(client, name):
    response = sign_up(client, display_name=name)
    assert response.status_code == 200
    [error] = response.context["form"].errors["display_name"]
    assert "is reserved for the newsroom" in error
    assert not get_user_model().objects.filter(email="ana@example.com").exists()


@pytest.mark.parametrize("copy", ["Ana Lima", "ana lima", "ÁNA  LIMA"])
def test_signup_refuses_another_readers_name_whatever_its_case_or_accents(client, copy):
    profile_update(user=UserFactory(), display_name="Ana Lima")
    response = sign_up(client, email="impostor@example.com", display_name=copy)
    assert response.context["form"].errors["display_name"] == [
        "Another reader already uses this name; choose another."
    ]


def test_profile_form_refuses_a_taken_name_and_keeps_the_readers_own(client):
    profile_update(user=UserFactory(), display_name="Zoë Müller")
    reader = UserFactory()
    profile_update(user=reader, display_name="Bo")
    client.force_login(reader)
    response = client.post(reverse("accounts:profile"), {"display_name": "zoe muller"})
    assert response.context["form"].errors["display_name"] == [
        "Another reader already uses this name; choose another."
    ]
    assert client.post(reverse("accounts:profile"), {"display_name": "BO"}).status_code == 302
    assert Profile.objects.get(user=reader).display_name == "BO"


def test_the_database_refuses_two_readers_with_one_name():
    profile_update(user=UserFactory(), display_name="Ana Lima")
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(
            user=UserFactory(), display_name="ana lima", display_name_key="ana lima"
        )


def test_a_default_display_name_never_copies_another_reader_or_a_reserved_word():
    profile_update(user=UserFactory(), display_name="ana")
    assert profile_for(user=UserFactory(username="ana")).display_name.startswith("Reader ")
    assert profile_for(user=UserFactory(username="moderator")).display_name.startswith("Reader ")


@pytest.mark.django_db(transaction=True)
def test_migration_renames_existing_duplicate_and_reserved_display_names():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0003_profile_display_name_key")])
    old = executor.loader.project_state([("accounts", "0003_profile_display_name_key")]).apps
    OldProfile = old.get_model("accounts", "Profile")
    users = [UserFactory() for _ in range(4)]
    for user, name in zip(users, ["Ana Lima", "ana lima", "Ána Lima", "Moderator"], strict=True):
        OldProfile.objects.create(user_id=user.pk, display_name=name)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    names = [Profile.objects.get(user=user).display_name for user in users]
    assert names == ["Ana Lima", "ana lima 2", "Ána Lima 3", f"Reader {users[3].pk}"]
