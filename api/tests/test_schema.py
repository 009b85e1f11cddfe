"""The OpenAPI document is valid 3.1, the docs are served from our own static files, and
every operation keeps to the document under property-based testing (Schemathesis)."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from openapi_spec_validator import validate
from schemathesis import checks as st_checks

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Section
from articles.tests.factories import ArticleFactory
from coverage.services import article_cluster
from coverage.tests.factories import topical_article
from entities.tests.factories import AliasFactory, EventFactory, PlaceFactory
from mentions.tests.factories import MentionFactory

SCHEMA_URL = "/api/v1/schema"
# Per operation; 16 operations × 25 examples run in about 25 s on the 2-core machine.
EXAMPLES_PER_OPERATION = 25


def test_the_schema_is_valid_openapi_3_1(client, db):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    operations = [(path, method) for path, item in document["paths"].items() for method in item]
    assert len(operations) == 16


def test_the_docs_load_their_assets_from_our_own_origin(client, db):
    page = client.get("/api/v1/docs").text
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


@pytest.fixture
def newsroom(db, settings):
    """A small newsroom behind the API; no rate limit (the fuzzer is one fast client)."""
    settings.API_RATE_PER_MINUTE = 1_000_000
    settings.PAGE_CACHE_ENABLED = False
    newsroom_content()
    # As Django's test client does: a request's end must not close the connection that
    # holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def newsroom_content():
    """Real rows for every operation to find: a story with two articles, sections, tags,
    people with aliases, a place, an event, and an entry in the change feed."""
    editor = UserFactory(role="editor")
    world = Section.objects.create(name="World", slug="world")
    first = topical_article("bridge", section=world)
    second = topical_article("bridge", variant=1)
    first.tags.add("Bridges")
    article_cluster(article=first)
    article_cluster(article=second)
    alias = AliasFactory(name="Harbour Minister")
    MentionFactory(article=first, person=alias.person)
    MentionFactory(article=first, person=None, place=PlaceFactory(wikidata_id="Q649"))
    MentionFactory(article=second, person=None, event=EventFactory())
    workflow.correction_append(article=first, text="An earlier version misdated it.", by=editor)
    ArticleFactory(published_at=None)


# Requests go through the whole WSGI stack (middleware included), in the test's thread
# and so inside its transaction.
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.usefixtures("newsroom")
def test_every_operation_keeps_to_its_schema(case):
    """No server errors; status codes, content types, headers and bodies as documented."""
    response = case.call_and_validate(
        checks=[
            st_checks.not_a_server_error,
            st_checks.status_code_conformance,
            st_checks.content_type_conformance,
            st_checks.response_schema_conformance,
            st_checks.response_headers_conformance,
        ]
    )
    if response.status_code == 200:
        json.loads(response.content)
