"""What the logs say about refused requests."""

import logging

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_403_is_logged_as_one_line_without_a_traceback(client, caplog):
    client.force_login(UserFactory())  # a reader: the moderation queue is not theirs
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("comments:queue"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /moderation/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
