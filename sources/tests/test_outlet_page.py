"""The outlet page: its stories, its articles, JSON-LD, and a fixed number of queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.tests.factories import ArticleFactory
from sources.models import Outlet

pytestmark = pytest.mark.django_db


def test_outlet_page_lists_its_stories_and_articles_with_json_ld(client, seed_demo):
    outlet = Outlet.objects.get(name="Modern Tokyo Times")
    response = client.get(outlet.get_absolute_url())
    assert response.status_code == 200
    assert "Stories it covered" in response.text
    assert "Russia Offers to Mediate in Kashmir Crisis" in response.text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "NewsMediaOrganization"
    assert data["name"] == "Modern Tokyo Times"


def test_outlet_page_query_count_does_not_grow_with_articles(client):
    first = ArticleFactory()
    outlet = first.outlet
    with CaptureQueriesContext(connection) as few:
        client.get(outlet.get_absolute_url())
    ArticleFactory.create_batch(25, outlet=outlet, bylines=["A", "B"])
    with CaptureQueriesContext(connection) as many:
        client.get(outlet.get_absolute_url())
    assert len(many) == len(few)


def test_unknown_outlet_is_404(client):
    assert client.get("/outlets/no-such-outlet/").status_code == 404
