"""Caching of public pages: in our shared cache, and by browsers and CDNs.

PageCacheMiddleware serves anonymous readers' GET pages from the shared cache.

Only what is the same for every anonymous reader is cached: 200 responses to GET
requests without a session, for paths outside the admin, previews, accounts and
moderation. Keys carry the generation (see generation.py) and the full path with
query string; entries also expire after PAGE_TTL as a safety net.

A page whose CSP carries a nonce is stored with a placeholder in place of the nonce,
in the header and the body alike, and every hit gets a fresh nonce: a nonce shared by
every visitor would be one an attacker could read and reuse.

PublicCacheControlMiddleware tells browsers and CDNs: anonymous readers get
`Cache-Control: public, max-age=60` (a minute of staleness downstream is acceptable
for news) and, with ConditionalGetMiddleware, an ETag so that a reload answers 304.
Anything personal (a logged-in reader, the admin, a preview, a response setting a
cookie) is `private, no-cache`.
"""

import hashlib

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP, generate_nonce

from .generation import cache, current_generation

PAGE_TTL = 600
PUBLIC_MAX_AGE = 60
NEVER_PUBLIC_PREFIXES = ("/admin/", "/preview/", "/accounts/", "/moderation/")
CSP_HEADERS = (str(CSP.HEADER_ENFORCE), str(CSP.HEADER_REPORT_ONLY))
# As long as a nonce, so that Content-Length stays true when one replaces the other.
NONCE_PLACEHOLDER = "csp-nonce-placeholder-".ljust(len(generate_nonce()), "x")


def cache_key(request, generation: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{generation}:{request.get_host()}:{digest}"


def is_cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(NEVER_PUBLIC_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = cache_key(request, current_generation())
        cached = cache().get(key)
        if cached is not None:
            _replace_nonce(cached, NONCE_PLACEHOLDER, generate_nonce())
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            nonce = getattr(request, "_csp_nonce", None)
            if nonce:  # a LazyNonce is true once a template or the header used it
                _replace_nonce(response, str(nonce), NONCE_PLACEHOLDER)
                cache().set(key, response, PAGE_TTL)  # pickled now, with the placeholder
                _replace_nonce(response, NONCE_PLACEHOLDER, str(nonce))
            else:
                cache().set(key, response, PAGE_TTL)
            response["X-Page-Cache"] = "miss"
        return response


def _replace_nonce(response, old: str, new: str) -> None:
    """Swap one nonce for another (of the same length) in the CSP headers and the body."""
    for header in CSP_HEADERS:
        if header in response:
            response[header] = response[header].replace(old, new)
    if old.encode() in response.content:
        length = response.get("Content-Length")
        response.content = response.content.replace(old.encode(), new.encode())
        if length is not None:
            response["Content-Length"] = str(len(response.content))


class PublicCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or "Cache-Control" in response:
            return response
        personal = (
            request.path.startswith(NEVER_PUBLIC_PREFIXES)
            or getattr(request, "user", None) is not None
            and request.user.is_authenticated
            or "csrftoken" in response.cookies
            or response.status_code != 200
        )
        if personal:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response
