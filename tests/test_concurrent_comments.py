"""200 comments posted at once against the live server: every one stored, exactly once.

Twenty readers, each with their own logged-in session, post ten comments each from a
pool of threads; twenty of the submissions are also sent a second time with the same
idempotency key, as a double-clicked button would. The per-user rate limit is lifted
for this test (settings), since it measures storage, not throttling.
"""

import http.client
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory
from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "c" * 32  # an unmasked CSRF secret: Django accepts it as cookie and form token


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def test_two_hundred_concurrent_comments_are_stored_exactly_once(live_server, settings):
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 1000
    article = ArticleFactory()
    readers = UserFactory.create_batch(20)
    sessions = {reader.pk: session_cookie(reader) for reader in readers}
    submissions = [
        (reader.pk, f"Comment {n} from reader {reader.pk}", uuid.uuid4())
        for reader in readers
        for n in range(10)
    ]
    # Every tenth submission is sent twice in a row, so both copies race each other.
    requests = []
    for number, submission in enumerate(submissions):
        requests += [submission, submission] if number % 10 == 0 else [submission]
    address = urlsplit(live_server.url)

    def submit(submission) -> int:
        return post(address, article, sessions[submission[0]], submission[1], submission[2])

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(submit, requests))

    assert statuses == [302] * 220
    stored = Comment.objects.filter(article=article)
    assert stored.count() == 200
    assert set(stored.values_list("idempotency_key", flat=True)) == {s[2] for s in submissions}
    assert sorted(stored.values_list("body", flat=True)) == sorted(s[1] for s in submissions)


def test_concurrent_posts_cannot_overshoot_the_rate_limit(live_server, settings):
    """Ten posts at once from one reader with a limit of five: exactly five are stored."""
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 5
    article, reader = ArticleFactory(), UserFactory()
    cookie = session_cookie(reader)
    address = urlsplit(live_server.url)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(
            pool.map(lambda n: post(address, article, cookie, f"Post {n}", uuid.uuid4()), range(10))
        )
    assert sorted(statuses) == [302] * 5 + [400] * 5
    assert Comment.objects.filter(article=article, author=reader).count() == 5


def post(address, article, session: str, body: str, key) -> int:
    """POST one comment form over a fresh connection, as a browser with that session would."""
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request(
        "POST",
        f"/comments/on/{article.pk}/",
        body=urlencode({"body": body, "idempotency_key": str(key), "csrfmiddlewaretoken": CSRF}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; "
            f"{django_settings.CSRF_COOKIE_NAME}={CSRF}",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status
