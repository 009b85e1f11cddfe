"""Mail names the site by SITE_NAME and links to SITE_URL, whatever address served the request."""

import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.services import comment_post
from comments.tests.factories import CommentFactory, trusted_reader

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = "https://news.example.com"
    settings.SITE_NAME = "The Daily Example"


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def test_signup_mail_names_the_site_and_links_to_site_url(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "ana@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Ana Lima",
        },
        HTTP_HOST="127.0.0.1",
    )
    (message,) = mail.outbox
    assert message.subject.startswith("[The Daily Example] ")
    assert "Hello from The Daily Example!" in message.body
    assert links(message)
    assert all(link.startswith("https://news.example.com/") for link in links(message))
    assert "127.0.0.1" not in message.body
    assert "user " not in message.body  # not "user ana" (an internal username)


def test_password_reset_mail_links_to_site_url(client):
    user = UserFactory(email="ed@example.com")
    user.emailaddress_set.create(email="ed@example.com", verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": "ed@example.com"})
    (message,) = mail.outbox
    assert message.subject.startswith("[The Daily Example] ")
    assert any(
        link.startswith("https://news.example.com/accounts/password/reset/key/")
        for link in links(message)
    )
    assert "testserver" not in message.body


def test_reply_mail_names_the_site_and_links_to_site_url(
    settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 1000
    parent = CommentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(
            article=parent.article,
            author=trusted_reader(),
            body="Good point.",
            parent=parent,
            idempotency_key=uuid.uuid4(),
        )
    (message,) = mail.outbox
    assert message.subject.startswith("[The Daily Example] ")
    assert links(message)
    assert all(link.startswith("https://news.example.com/") for link in links(message))
