"""Querysets built and compiled once per process, then run with new values.

Why: on an uncached page most of the CPU is the ORM turning a queryset into SQL
(building ``Q`` trees, resolving joins, compiling expressions): 0.5–1.5 ms of Python a
query, for queries whose SQL is the same on every request but for an id and the current
time. The section navigation was the first such query (``context_processors``); this is
the same idea for any queryset, still read through the ORM, so that ``select_related``,
``only``, annotations and ``prefetch_related`` hydrate as before.

A ``PreparedQuery`` is declared with a function that builds the queryset from keyword
arguments, and the types of those arguments (its *slots*)::

    ARTICLE_ENTITIES = PreparedQuery(
        lambda article_id: Mention.objects.filter(article_id=article_id, ...),
        article_id=int,
    )
    mentions = ARTICLE_ENTITIES.run(article_id=article.pk)   # a list

The first run builds the queryset with stand-in values (negative ids, moments in
1970 that no real value has), compiles it, and finds where each stand-in landed in the
SQL's parameters; every later run reuses the SQL and its compiler with the real values
in those places. Only values that are query parameters can be slots (ids, times, text, a list of
ids through ``ids_in``):
anything that changes the SQL's shape (a list's length, a ``LIMIT``, a condition
present or not) must be fixed in the build function, or be a different
``PreparedQuery``. Results are lists, never querysets, so that nothing can be chained
onto SQL that would not change.

With ``settings.PREPARED_QUERIES_CHECKED`` (on in tests), every run also builds and
compiles the queryset with the real values and fails if the SQL or the parameters
differ: each page test then checks its prepared queries against the ORM.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# Stand-ins: a real id is positive and a real time is after 1970's first minute.
_INT_STAND_IN = -1_999_999_000
_TIME_STAND_IN = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class PreparedQueryError(RuntimeError):
    """The queryset does not compile to the same SQL for every value of its slots."""


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_STAND_IN - index
    if kind is dt.datetime:
        return _TIME_STAND_IN + dt.timedelta(seconds=index + 1)
    if kind is list:  # of ids, one array parameter: see ``ids_in``
        return [_INT_STAND_IN - index]
    if kind is str:  # text passed as it is (a search query), never part of the SQL
        return f"\x1fprepared slot {index}\x1f"
    raise TypeError(f"A slot is an int, a datetime, a str or a list of ids, not {kind}.")


def ids_in(ids) -> RawSQL:
    """For ``pk__in=ids_in(ids)``: a list of ids as one array parameter, so that the
    SQL is the same however many there are (``pk__in=ids`` has a placeholder each)."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def _same(param: Any, stand_in: Any) -> bool:
    return type(param) is type(stand_in) and param == stand_in


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], **slots: type) -> None:
        self.build = build
        self.stand_ins = {name: _stand_in(kind, i) for i, (name, kind) in enumerate(slots.items())}
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self._model = None

    def _compile(self, alias: str) -> tuple:
        queryset = self.build(**self.stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        places: list[str | None] = []
        for param in params:
            names = [name for name, value in self.stand_ins.items() if _same(param, value)]
            places.append(names[0] if names else None)
        missing = set(self.stand_ins) - set(places)
        if missing:
            raise PreparedQueryError(f"Slots {sorted(missing)} are not parameters of the SQL.")
        return queryset, compiler, sql, tuple(params), tuple(places)

    def _compiled_for(self, alias: str) -> tuple:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        return compiled

    def run(self, **values: Any) -> list:
        """The queryset's rows for these slot values (with its prefetches), as a list."""
        if values.keys() != self.stand_ins.keys():
            raise TypeError(f"Slots are {sorted(self.stand_ins)}, given {sorted(values)}.")
        if self._model is None:
            self._model = self.build(**self.stand_ins).model
        alias = router.db_for_read(self._model)
        template_queryset, base, sql, params, places = self._compiled_for(alias)
        params = tuple(
            values[place] if place is not None else param
            for param, place in zip(params, places, strict=True)
        )
        if getattr(settings, "PREPARED_QUERIES_CHECKED", False):
            self._check(alias, sql, params, values)
        compiler = copy.copy(base)
        compiler.connection = connections[alias]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = template_queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _check(self, alias: str, sql: str, params: tuple, values: dict) -> None:
        fresh_sql, fresh_params = self.build(**values).query.get_compiler(using=alias).as_sql()
        if (fresh_sql, tuple(fresh_params)) != (sql, params):
            raise PreparedQueryError(
                f"Prepared SQL differs from the queryset's own.\n{sql}\n{params}\n"
                f"{fresh_sql}\n{tuple(fresh_params)}"
            )


def attach(instance, name: str, rows: list) -> None:
    """Keep ``rows`` where ``prefetch_related(name)`` would (a reverse foreign key):
    ``instance.<name>.all()`` then reads them without a query, as after a prefetch."""
    queryset = getattr(instance, name).all()  # the relation's filter, not run
    queryset._result_cache = rows
    queryset._prefetch_done = True
    cache_name = instance._meta.get_field(name).cache_name
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = queryset
