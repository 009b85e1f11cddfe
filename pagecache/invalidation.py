"""Writes invalidate the keys of what they changed, once, after they commit.

Each app says what its writes change in one module, ``<app>/invalidation.py``: receivers
of its models' post_save, post_delete and m2m_changed, and of its own signals, connected
in ``AppConfig.ready``. Writes that send no signal (``QuerySet.update``, ``bulk_create``,
``bulk_update``) call :func:`invalidate_on_commit` themselves in the service.

All keys named during one transaction are merged into one callback, run on commit: a
batch of a thousand imported articles writes the pages cache once and sends one purge.
A rolled-back change invalidates nothing (or, for keys named inside a savepoint that
rolled back while others stayed, a little too much: harmless).

Expanders turn a key into the keys of the pages that show it, in bulk and at commit:
``article:<id>`` becomes its stories (coverage), its outlet's list (articles), the
lists of the entities it names (mentions). Apps register them for the kinds they know,
so that a lower app never imports a higher one. A ``virtual`` kind (``articles-of-
person:<id>``) is only a question for the expanders and is never bumped itself.

When ``HTTP_CACHE_PURGE_URLS`` is set, the same keys are sent to the HTTP cache in front
(Varnish with the xkey vmod, deploy/varnish/newsroom.vcl): ``PURGE`` with an
``xkey-purge`` header, or ``xkey-purge: all`` to ban everything. A purge that fails is
logged and never fails the write; the page then lasts at most its max-age there.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_init

from .generation import bump_keys, bump_now
from .keys import EVERYTHING, UNKEYED, of_distinct

logger = logging.getLogger(__name__)

Expander = Callable[[set[int]], Iterable[str]]
_expanders: dict[str, list[Expander]] = defaultdict(list)
_virtual: set[str] = set()

# Past this many keys in one transaction (a re-clustering of everything), bumping the
# global generation is cheaper than bumping each key, and as correct.
MAX_KEYS = 5000
PURGE_TIMEOUT_SECONDS = 2
PURGE_HEADER_LENGTH = 4000


def register_expander(kind: str, expander: Expander, *, virtual: bool = False) -> None:
    """``expander(ids)`` answers the keys of pages that show ``<kind>:<id>`` for ``ids``.

    Called once per commit with every id of that kind named in the transaction; it may
    query the database (the change has committed) and answer keys of other kinds, which
    are expanded in turn.
    """
    if expander not in _expanders[kind]:
        _expanders[kind].append(expander)
    if virtual:
        _virtual.add(kind)


def rows_expander(kind: str, model: Any, *, where: str, field: str) -> Expander:
    """An expander answering ``<kind>:<field>`` for each ``model`` row whose ``where``
    is among the ids: ``rows_expander("story", StoryArticle, where="article_id",
    field="story_id")`` gives the stories of the articles named."""

    def expand(ids: set[int]) -> list[str]:
        rows = model.objects.filter(**{f"{where}__in": ids}).values_list(field, flat=True)
        return of_distinct(kind, rows)

    return expand


class PendingInvalidation:
    """The keys one transaction has named so far; called once, on commit."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        keys, self.keys = self.keys, set()  # run once, even if called again
        if keys:
            flush(keys)


def invalidate_on_commit(*keys: str) -> None:
    """Invalidate ``keys`` once the current transaction commits (at once outside one).

    Keys are merged into the callback this transaction already has, if it still has
    one: Django drops a callback with a savepoint that rolled back, and then a new one
    is registered. The merged keys move to a callback at the end of the queue (the old
    one is left empty), under the savepoints the first was registered in: a change
    made later is inside them, or they were released. It then runs after the other
    callbacks of the changes it covers, and a test capturing the callbacks of one
    service call sees it.
    """
    keys = {key for key in keys if key and not key.endswith(":None")}
    if not keys:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        queue = connection.run_on_commit
        for savepoints, callback, robust in queue:
            if isinstance(callback, PendingInvalidation) and callback.keys:
                pending = PendingInvalidation()
                pending.keys, callback.keys = callback.keys | keys, set()
                queue.append((savepoints, pending, robust))
                return
    pending = PendingInvalidation()
    pending.keys |= keys
    transaction.on_commit(pending)


def invalidate_all_on_commit() -> None:
    """Every page: the global generation, and a ban of everything in the HTTP cache."""
    invalidate_on_commit(EVERYTHING)


def expand_now(keys: Iterable[str]) -> set[str]:
    """``keys`` with the keys of every page that shows them (see ``register_expander``).

    For deletes, call it before the rows go (in pre_delete), while their relations can
    still be read; the answer, without virtual keys, is then named for the commit.
    """
    result: set[str] = set()
    todo = set(keys)
    while todo:
        result |= todo
        by_kind: dict[str, set[int]] = defaultdict(set)
        for key in todo:
            kind, _, pk = key.rpartition(":")
            if kind in _expanders and pk.isdigit():
                by_kind[kind].add(int(pk))
        found: set[str] = set()
        for kind, ids in by_kind.items():
            for expander in _expanders[kind]:
                found.update(expander(ids))
        todo = found - result
        if len(result) > MAX_KEYS:
            return {EVERYTHING}
    return {key for key in result if key.rpartition(":")[0] not in _virtual}


def flush(keys: Iterable[str]) -> None:
    """Bump the keys' generations and purge them from the HTTP cache. Never raises."""
    try:
        expanded = expand_now(keys)
    except Exception:  # the write has committed: stale pages are worse than a full purge
        logger.exception("page cache: expanding keys failed; invalidating every page")
        expanded = {EVERYTHING}
    if EVERYTHING in expanded or len(expanded) > MAX_KEYS:
        expanded = {EVERYTHING}
    else:
        expanded.add(UNKEYED)
    try:
        if EVERYTHING in expanded:
            bump_now()
        else:
            bump_keys(sorted(expanded))
    except Exception:  # the cache is down: its pages expire within PAGE_TTL
        logger.exception("page cache: invalidating %d keys failed", len(expanded))
    purge(expanded)


def purge(keys: Iterable[str]) -> None:
    """PURGE requests carrying ``xkey-purge`` to each HTTP cache; failures are logged."""
    urls = settings.HTTP_CACHE_PURGE_URLS
    if not urls:
        return
    for chunk in _chunks(sorted(keys)):
        for url in urls:
            try:
                _send(url, chunk)
            except (OSError, HTTPException, ValueError) as error:
                logger.warning(
                    "page cache: purge of %d keys at %s failed: %s", len(chunk), url, error
                )


def _chunks(keys: list[str]):
    chunk: list[str] = []
    length = 0
    for key in keys:
        if chunk and length + len(key) + 1 > PURGE_HEADER_LENGTH:
            yield chunk
            chunk, length = [], 0
        chunk.append(key)
        length += len(key) + 1
    if chunk:
        yield chunk


def _send(url: str, keys: list[str]) -> None:
    parts = urllib.parse.urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    connection = connection_class(parts.netloc, timeout=PURGE_TIMEOUT_SECONDS)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
        response = connection.getresponse()
        response.read()
        if response.status >= 400:
            logger.warning("page cache: purge at %s answered %s", url, response.status)
    finally:
        connection.close()


# Receivers' helpers ----------------------------------------------------------------

_INITIAL = "_pagecache_initial"


def remember_fields(model, fields: tuple[str, ...], *, dispatch_uid: str) -> None:
    """Keep the values ``fields`` had when each ``model`` instance was loaded, so that a
    receiver can tell a rename (shown on many pages) from another change, without a
    query. Deferred fields are not loaded for this: they count as unknown, i.e. changed.
    """

    def stash(sender, instance, **kwargs):
        instance.__dict__[_INITIAL] = {name: instance.__dict__.get(name) for name in fields}

    post_init.connect(stash, sender=model, weak=False, dispatch_uid=dispatch_uid)


def initial(instance, name: str):
    return instance.__dict__.get(_INITIAL, {}).get(name)


def changed_fields(instance, fields: tuple[str, ...]) -> set[str]:
    """Which of ``fields`` differ from what was loaded (all of them for a new instance)."""
    loaded = instance.__dict__.get(_INITIAL, {})
    return {name for name in fields if loaded.get(name) != instance.__dict__.get(name)}
