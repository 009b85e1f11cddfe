"""The per-client rate limit of the read API, ahead of the page cache; and HEAD.

It sits before PageCacheMiddleware so that every request counts, cached or not: a
client that polls as fast as it can is refused before it costs anything else. Clients
are told apart as django-axes does (behind a proxy, X-Forwarded-For as
AXES_PROXY_COUNT says). A request with a valid API key (``Authorization: Bearer
<key>`` or ``X-API-Key``) is not limited.

HEAD is answered as GET without the body (django-ninja routes GET only), so that the
headers, ETag included, are the GET's and the page cache keeps serving both.
"""

import json

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import set_response_etag

from accounts.throttling import requests_this_minute

from .services import api_key_lookup

API_PREFIX = "/api/"


def presented_key(request) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-API-Key", "").strip()


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
            return self.get_response(request)
        if request.method == "HEAD":
            request.method = "GET"
            return _without_body(self(request))
        raw = presented_key(request)
        if raw:
            if api_key_lookup(raw) is None:
                return _refusal(401, "Unknown or revoked API key.")
            return self.get_response(request)
        count, retry_after = requests_this_minute(
            "api-rate", get_client_ip_address(request) or "unknown"
        )
        if count > settings.API_RATE_PER_MINUTE:
            response = _refusal(
                429,
                f"More than {settings.API_RATE_PER_MINUTE} requests a minute; "
                "ask for an API key to lift the limit.",
            )
            response["Retry-After"] = str(retry_after)
            return response
        return self.get_response(request)


def _refusal(status: int, message: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"detail": message}), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


def _without_body(response: HttpResponse) -> HttpResponse:
    if not response.streaming:
        if response.status_code == 200 and not response.has_header("ETag"):
            set_response_etag(response)  # as ConditionalGetMiddleware would for the GET
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response
