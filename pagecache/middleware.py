"""Caching of public pages: in our shared cache, and by browsers and CDNs.

PageCacheMiddleware serves anonymous readers' GET pages from the shared cache.

Only what is the same for every anonymous reader is cached: 200 responses to GET
requests without a session, for paths outside the admin, previews, accounts and
moderation. Each page has one entry, keyed by host and full path with query string,
holding the last rendered copy, the keys of what it shows (keys.py) with their
generations at render time, the global generation, and when its render started. It is
fresh while all those generations are unchanged (one ``get_many``): a publish makes
stale only the pages that show what it changed (invalidation.py). Entries also expire
after PAGE_TTL as a safety net.

No stampede: when a hot page goes stale only one request renders it. A miss takes a
short per-page lock (``cache.add``, atomic on Redis, local memory and our file cache,
newsroom/caches.py; Django's file cache checks, then writes); the holder renders and
stores. Everyone else gets the stale copy ("X-Page-Cache:
stale") if its render started at most PAGE_STALE_SECONDS ago, else polls for the fresh
copy for up to PAGE_RENDER_WAIT_SECONDS while the lock is held, else renders the page
themselves.
The bound counts from the copy's render start, not from the publish that made it
stale, because that is an upper bound on how long the copy has been out of date: a
change it lacks was committed after its render began reading (see settings).

A page whose CSP carries a nonce is stored with a placeholder in place of the nonce,
in the header and the body alike, and every hit gets a fresh nonce: a nonce shared by
every visitor would be one an attacker could read and reuse.

PublicCacheControlMiddleware tells browsers and CDNs: anonymous readers get
`Cache-Control: public, max-age=60` (a minute of staleness downstream is acceptable
for news) and, with ConditionalGetMiddleware, an ETag so that a reload answers 304.
Public responses also carry the page's keys in an ``xkey`` header, for an HTTP cache in
front that purges by key (Varnish's xkey vmod; the VCL strips it from what readers get).
Anything personal (a logged-in reader, the admin, a preview, a response setting a
cookie) is `private, no-cache`.
"""

import hashlib
import time

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP, generate_nonce

from . import keys as page_keys
from .generation import (
    GENERATION_KEY,
    cache,
    current_clock,
    current_generation,
    generations_for_entry,
    generations_now,
)

PAGE_TTL = 600
PUBLIC_MAX_AGE = 60
NEVER_PUBLIC_PREFIXES = ("/admin/", "/preview/", "/accounts/", "/moderation/")
CSP_HEADERS = (str(CSP.HEADER_ENFORCE), str(CSP.HEADER_REPORT_ONLY))
# As long as a nonce, so that Content-Length stays true when one replaces the other.
NONCE_PLACEHOLDER = "csp-nonce-placeholder-".ljust(len(generate_nonce()), "x")


# A render that takes longer than this loses the lock; the next miss renders too.
RENDER_LOCK_SECONDS = 10
POLL_SECONDS = 0.05


def cache_key(request) -> str:
    """The page's entry, the same across generations: it holds the last copy rendered."""
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{request.get_host()}:{digest}"


def lock_key(key: str, generation: int) -> str:
    return f"lock:{generation}:{key}"


def is_cacheable_request(request) -> bool:
    return settings.PAGE_CACHE_ENABLED and is_public_request(request)


def is_public_request(request) -> bool:
    """A request whose answer is the same for every anonymous reader."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(NEVER_PUBLIC_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # A client that just wrote reads the primary for a while (newsroom/replicas.py):
        # it must not get a copy rendered before its write.
        and settings.DATABASE_PIN_COOKIE not in request.COOKIES
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page_keys.mark_started(request)
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = cache_key(request)
        entry = cache().get(key)
        if is_fresh(key, entry):
            return _serve(entry, "hit")
        generation = current_generation()
        lock = lock_key(key, generation)
        if cache().add(lock, 1, timeout=RENDER_LOCK_SECONDS):
            try:
                return self._render_and_store(request, key, generation)
            finally:
                cache().delete(lock)
        if entry is not None and time.time() - entry["started_at"] <= settings.PAGE_STALE_SECONDS:
            response = _serve(entry, "stale")
            # Not kept downstream: the fresh copy will be here in a moment.
            patch_cache_control(response, max_age=0)
            return response
        # Polls the small lock, not the page: the renderer stores the page, then unlocks.
        deadline = time.monotonic() + settings.PAGE_RENDER_WAIT_SECONDS
        while time.monotonic() < deadline and cache().get(lock) is not None:
            time.sleep(POLL_SECONDS)
        entry = cache().get(key)
        if is_fresh(key, entry):
            return _serve(entry, "hit")
        # The render stored nothing (a 404, a crash) or is taking too long: render here.
        return self._render_and_store(request, key, generation)

    def _render_and_store(self, request, key: str, generation: int):
        started_at = time.time()
        started_ns = time.time_ns()
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            keys = page_keys.of(request)
            entry = {
                "generation": generation,
                "keys": generations_for_entry(
                    keys, started_ns=started_ns, created=page_keys.created(request)
                ),
                "started_at": started_at,
                "response": response,
            }
            nonce = getattr(request, "_csp_nonce", None)
            if nonce:  # a LazyNonce is true once a template or the header used it
                _replace_nonce(response, str(nonce), NONCE_PLACEHOLDER)
                cache().set(key, entry, PAGE_TTL)  # pickled now, with the placeholder
                _replace_nonce(response, NONCE_PLACEHOLDER, str(nonce))
            else:
                cache().set(key, entry, PAGE_TTL)
            response["X-Page-Cache"] = "miss"
        return response


# Page key -> (render start of the entry, clock) at which this process found it fresh.
_verified: dict[str, tuple[float, int]] = {}
VERIFIED_LIMIT = 10_000


def is_fresh(key: str, entry, *, clock: int | None = None) -> bool:
    """The global generation and every key's are what they were when it was rendered
    (for a page's entry or a part's, parts.py).

    Checking a page's keys costs a read of each on a file cache (about 70 µs apiece
    here), so a process remembers which copy it found fresh at which clock value
    (generation.CLOCK_KEY, moved after every invalidation's keys are written) and
    reads the keys again only once the clock has moved: a hit then reads two cache
    entries, the page and the clock, as it did with the single generation. A caller that
    has just read the clock passes it.
    """
    if entry is None or "keys" not in entry:
        return False
    if clock is None:
        clock = current_clock()
    if clock is not None and _verified.get(key) == (entry["started_at"], clock):
        return True
    current = generations_now(entry["keys"])
    fresh = current.get(GENERATION_KEY) == entry["generation"] and all(
        generation and current.get(key) == generation for key, generation in entry["keys"].items()
    )
    if fresh and clock is not None:
        if len(_verified) >= VERIFIED_LIMIT:
            _verified.clear()
        _verified[key] = (entry["started_at"], clock)
    return fresh


def _serve(entry, state: str):
    response = entry["response"]
    _replace_nonce(response, NONCE_PLACEHOLDER, generate_nonce())
    response["X-Page-Cache"] = state
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
        if request.method not in ("GET", "HEAD"):
            return response
        if "Cache-Control" in response:
            if "public" in response["Cache-Control"] and response.status_code == 200:
                response[page_keys.HEADER] = " ".join(page_keys.of(request))
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
            response[page_keys.HEADER] = " ".join(page_keys.of(request))
        patch_vary_headers(response, ["Cookie"])
        return response
