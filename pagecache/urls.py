"""``cached_reverse``: ``reverse()`` once per process for each URL a page shows.

A story page of 30 articles reversed about 110 URLs on each render (its articles, their
outlets and the people and places they name, for the cards and the JSON-LD): an eighth
of its CPU. A URL depends on the view's name and arguments, the URLconf and the script
prefix, and nothing else here (no language prefixes): all of them are the key. The
models' ``get_absolute_url`` and the header's ``{% site_url %}`` read through it. It
sits in the lowest layer so that every app's models can.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=8192)
def _reversed(urlconf: str, prefix: str, viewname: str, args: tuple, kwargs: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def cached_reverse(viewname: str, *, args: tuple = (), kwargs: dict | None = None) -> str:
    """What ``reverse(viewname, args=args, kwargs=kwargs)`` gives, from memory after the
    first time."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    items = tuple(sorted(kwargs.items())) if kwargs else ()
    return _reversed(urlconf, get_script_prefix(), viewname, tuple(args), items)
