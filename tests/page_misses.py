"""A page's miss as the page-parts tests make it: its own cache entry dropped after each
request, as a change elsewhere on the page would leave it stale (pagecache/parts.py)."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pagecache.generation import cache
from pagecache.middleware import cache_key


def miss(client, path: str, params=None):
    """The page as a reader gets it once its own entry went stale."""
    response = client.get(path, params)
    assert response.status_code == 200
    cache().delete(cache_key(response.wsgi_request))
    return response


def missed_with_queries(client, path: str, params=None):
    """``miss``, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = miss(client, path, params)
    return response, [query["sql"] for query in queries.captured_queries]


def without_nonce(response) -> str:
    """The page's HTML without its CSP nonce, which every response has anew."""
    return re.sub(r'nonce="[^"]+"', "", response.content.decode())
