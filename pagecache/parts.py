"""Parts of public pages, cached like pages: the piece a miss need not render again.

A page goes stale when one thing it shows changes: a comment approved under an article
makes its page a miss, though the article's text, its related coverage and the site's
navigation are what they were. A *part* is such a piece (an article's own content, a
story's coverage, the header), rendered once and kept in the pages cache with the keys
(keys.py) that were registered while it rendered and their generations, exactly as a
whole page is kept (middleware.py): it is fresh while those generations and the global
one are unchanged, and it expires after PAGE_TTL. A miss then renders only the parts
whose keys moved, and stitches the rest; the same writes that invalidate pages
(invalidation.py) invalidate parts, and a deploy's ``pagecache_purge`` both.

A part is shared by every anonymous reader and every process, so it is used only for
requests the page cache would serve (anonymous public GETs); for anyone else, it is
rendered as before. What a part renders must not depend on the reader; a render that
asked for a CSRF token or used the CSP nonce is returned but not kept.

A process keeps the parts it last used in memory with the clock value (generation.py's
``CLOCK_KEY``, moved after every invalidation) at which it found them fresh: while the
clock has not moved, a part costs no read but the clock's, once a request.

The keys a part registered are added to the page's own keys on a hit as on a miss, so
the page's entry and its ``xkey`` header name the same keys either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

from . import keys as page_keys
from .generation import cache, current_clock, current_generation, generations_for_entry
from .middleware import PAGE_TTL, is_fresh, is_public_request

# Part key -> (clock, entry): parts this process found fresh at that clock value, least
# recently used first (a dict keeps insertion order; a hit moves its part to the end).
_kept: dict[str, tuple[int, dict[str, Any]]] = {}
KEPT_LIMIT = 2_000
# Per request: (parts enabled for it, its host, the clock), worked out once.
_REQUEST_ATTRIBUTE = "_pagecache_parts"


def enabled_for(request) -> bool:
    return request is not None and _of(request)[0]


def _of(request) -> tuple[bool, str, int | None]:
    known = request.__dict__.get(_REQUEST_ATTRIBUTE)
    if known is None:
        enabled = getattr(settings, "PAGE_PARTS_ENABLED", False) and is_public_request(request)
        known = (enabled, request.get_host(), current_clock()) if enabled else (False, "", None)
        request.__dict__[_REQUEST_ATTRIBUTE] = known
    return known


def cached_part[T](request, name: str, render: Callable[[], T], *, static: bool = False) -> T:
    """``render()``'s value (HTML, or a dict of HTML pieces), or the one kept under ``name``
    while what it showed is unchanged. ``name`` says which object and which variant
    (``article-main:42``); the value must be picklable.

    A render that registers no keys is kept as ``unkeyed`` (stale on every write, as a
    page naming nothing), unless ``static``: then it shows no data at all (links to
    static files, fixed text) and only a deploy's purge or PAGE_TTL renews it.
    """
    if request is None:
        return render()
    enabled, host, clock = _of(request)
    if not enabled:
        return render()
    # The host as in a page's key: a part may hold absolute URLs.
    key = f"part:{host}:{name}"
    kept = _kept.pop(key, None)
    if kept is not None and kept[0] == clock and time.time() - kept[1]["started_at"] < PAGE_TTL:
        _kept[key] = kept
        page_keys.add(request, *kept[1]["keys"])
        return kept[1]["value"]
    try:
        entry = cache().get(key)
    except Exception:  # noqa: BLE001 - stored by other code (a deploy moved a class): a miss
        entry = None
    if is_fresh(key, entry, clock=clock):
        _keep(key, clock, entry)
        page_keys.add(request, *entry["keys"])
        return entry["value"]
    generation = current_generation()
    # From the request's start, not the part's: data shared between parts (read once,
    # lazily) may have been read before this part began, and a key invalidated since
    # then must leave the part stale.
    started_at, started_ns = time.time(), page_keys.started_ns(request)
    page_keys_so_far = request.__dict__.pop(page_keys.ATTRIBUTE, {})
    csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    nonce = getattr(request, "_csp_nonce", None)
    nonce_before = bool(nonce) if nonce is not None else False
    try:
        value = render()
        part_keys = list(request.__dict__.get(page_keys.ATTRIBUTE, ()))
    finally:
        registered = request.__dict__.pop(page_keys.ATTRIBUTE, {})
        request.__dict__[page_keys.ATTRIBUTE] = {**page_keys_so_far, **registered}
    personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != csrf_before or (
        nonce is not None and bool(nonce) != nonce_before
    )
    if not part_keys and not static:
        part_keys = [page_keys.UNKEYED]
        page_keys.add(request, page_keys.UNKEYED)
    if not personal:
        part: dict[str, Any] = {
            "generation": generation,
            "keys": generations_for_entry(
                part_keys, started_ns=started_ns, created=page_keys.created(request)
            ),
            "started_at": started_at,
            "value": value,
        }
        cache().set(key, part, PAGE_TTL)
        if all(part["keys"].values()):  # none changed while it rendered
            _keep(key, clock, part)
    return value


def _keep(key: str, clock: int | None, entry: dict[str, Any]) -> None:
    if clock is None:
        return
    _kept.pop(key, None)
    while len(_kept) >= KEPT_LIMIT:
        del _kept[next(iter(_kept))]  # the least recently used
    _kept[key] = (clock, entry)


# Data a part shows, read only when a part renders it: a view passes this callable to
# the template instead of the data. The value is read once a request; the page keys it
# stands for are registered at every call, so that each part showing it names them
# (a part names the keys registered while it rendered), whether the value was read
# for this part or an earlier one.
_UNREAD = object()


def read_when_shown[T](request, *keys: str, load: Callable[[], T]) -> Callable[[], T]:
    """A callable for a template context: ``load()``'s value, read at the first call;
    ``keys`` registered for the page at every call."""
    value: object = _UNREAD

    def shown() -> T:
        nonlocal value
        page_keys.add(request, *keys)
        if value is _UNREAD:
            value = load()
        return value  # type: ignore[return-value]  # load()'s, once read

    return shown
