"""Malformed ids posted to the article change form are field errors, never a 500."""

import pytest

from articles.tests.factories import ArticleFactory
from articles.tests.test_admin import change_url, form_data, logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("section", "abc"),
        ("outlet", "abc"),
        ("section", "1.5"),
        ("outlet", "9" * 30),
        ("bylines-0-person", "x"),
        ("bylines-0-id", "x"),
        ("bylines-0-position", "x"),
        ("bylines-TOTAL_FORMS", "x"),
        ("version_opened", "x"),
        ("version_opened", "9" * 30),
    ],
)
def test_a_malformed_id_in_the_article_form_is_answered_without_a_server_error(
    client, field, value
):
    logged_in(client, "editor")
    article = ArticleFactory(bylines=["Ada Reporter"])
    response = client.post(change_url(article), form_data(client, article, **{field: value}))
    assert response.status_code in (200, 302, 400), response.status_code
