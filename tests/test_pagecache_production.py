"""Page parts in production: nginx, two gunicorn workers and the task worker, with the
page cache and its parts on (production settings), as an operator starts them.

Each worker keeps the parts it found fresh in its own memory until the cache's clock
moves (pagecache/parts.py); a write made elsewhere (here, this process, as the admin's
own process would) must reach every worker's next render of the page.
"""

import pytest

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import comment_approve
from comments.tests.factories import CommentFactory
from newsroom.tests.production import (
    collected_static,  # noqa: F401 - fixture
    running_site,
    site_dir,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db(transaction=True)

# Enough requests that both gunicorn workers answer some of them.
REQUESTS = 6


@pytest.fixture
def site(site_dir, collected_static, settings):  # noqa: F811
    with running_site(site_dir, collected_static) as running:
        # This process writes as the admin's would: its invalidations go to the site's.
        location = running.env["PAGE_CACHE_URL"].removeprefix("filecache://")
        settings.CACHES = {
            **settings.CACHES,
            "pages": {"BACKEND": "newsroom.caches.FileCache", "LOCATION": location},
        }
        yield running


def pages(site, path: str) -> list[tuple[str, str]]:
    """What readers get from ``REQUESTS`` requests: (X-Page-Cache, HTML)."""
    answers = []
    for _ in range(REQUESTS):
        status, headers, body = site.get(path)
        assert status == 200
        answers.append((headers.get("X-Page-Cache", ""), body.decode()))
    return answers


def test_every_worker_shows_an_edit_and_an_approved_comment_at_the_next_request(site):
    article = ArticleFactory(headline="Ferry strike called off")
    path = article.get_absolute_url()
    before = pages(site, path)
    assert all("Ferry strike called off</h1>" in html for _, html in before)
    assert "hit" in {state for state, _ in before}

    article.headline = "Ferry strike called off at dawn"
    workflow.article_save(
        article=article, by=UserFactory(role="editor"), changed_fields=["headline"]
    )
    after_edit = pages(site, path)
    assert all("Ferry strike called off at dawn</h1>" in html for _, html in after_edit)

    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="Good news.")
    comment_approve(comment=pending, by=UserFactory(role="moderator"))
    after_comment = pages(site, path)
    assert all("Good news." in html for _, html in after_comment)
    assert all("Ferry strike called off at dawn</h1>" in html for _, html in after_comment)
