"""What a cached page shows, as keys: the page goes stale when one of them is invalidated.

Views (and the template tags and context processors that read data for them) register
the keys of what they show on the request, in Python::

    pagecache.keys.add(request, f"article:{article.pk}", f"thread:{article.pk}")

The key scheme (README, "Page cache"):

- ``<kind>:<id>``: one object as readers see it: ``article``, ``story``, ``outlet``,
  ``section``, ``tag``, ``person``, ``place``, ``event``. ``thread:<article id>`` is an
  article's comments. ``article-stories:<article id>``: which stories an article is in
  (grouping names it instead of ``article:<id>``, so the lists of cards stay).
- ``list:<what>``: pages that list things by recency or breadth: ``list:articles`` (home,
  sections, tags, search, feeds, sitemaps), ``list:stories`` (home's top stories, story
  sitemaps), ``list:sections`` (the section navigation in every page's header),
  ``list:outlet:<id>`` and ``list:<kind>:<id>`` (an outlet's or an entity's articles).
- ``home``: the home page.

A page showing many articles names their container (``story:<id>``, bumped when a
member changes) rather than each article, so that the header stays short. A page that
registers nothing gets ``unkeyed``, which every invalidation bumps: such a page is as
stale as it was under the single global generation, never staler.
"""

from __future__ import annotations

import time

ATTRIBUTE = "_pagecache_keys"
# Every invalidation bumps it: the safe default for a page that named nothing.
UNKEYED = "unkeyed"
# The whole site: deploys, template changes, and renames shown on every page.
EVERYTHING = "all"
# Varnish refuses response headers over 8 KB by default; past this, one coarse key.
MAX_HEADER_LENGTH = 4000
HEADER = "xkey"


def add(request, *keys: str) -> None:
    """Record that the page being rendered for ``request`` shows these objects."""
    if request is None:
        return
    registered = request.__dict__.setdefault(ATTRIBUTE, {})
    for key in keys:
        if not key.endswith(":None"):  # an article without a section, say
            registered[key] = None


def of(request) -> list[str]:
    """The page's keys in the order they were added, or ``[UNKEYED]`` when it named none,
    or when they would make a header longer than a proxy accepts (a 500-tag page)."""
    keys = list(request.__dict__.get(ATTRIBUTE, ()))
    if not keys or len(" ".join(keys)) > MAX_HEADER_LENGTH:
        return [UNKEYED]
    return keys


def mark_started(request) -> None:
    """Note when the request began, before anything it shows was read (the page cache's
    middleware, first thing)."""
    request.__dict__["_pagecache_started_ns"] = time.time_ns()


def started_ns(request) -> int:
    """When the request began: what a part of its page shows may have been read from
    then on, even by another part (a value read once and shared), so a key invalidated
    since then may be missing from it (parts.py)."""
    return request.__dict__.get("_pagecache_started_ns") or time.time_ns()


def created(request) -> dict[str, int]:
    """Keys given their first generation while this request rendered, with it: a part
    (parts.py) stored before its page may have given them (generation.py)."""
    return request.__dict__.setdefault("_pagecache_created_keys", {})


def of_articles(kind: str, ids) -> list[str]:
    return [f"{kind}:{pk}" for pk in ids if pk is not None]


def of_distinct(kind: str, ids) -> list[str]:
    """``<kind>:<id>`` once for each id a ``values_list(<field>, flat=True)`` query
    finds: what an invalidation expander answers (unordered, the keys are a set)."""
    return [f"{kind}:{pk}" for pk in ids.order_by().distinct()]
