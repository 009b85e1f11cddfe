"""Finding entity names in article text: one Aho–Corasick automaton over every alias.

The automaton holds each normalised alias padded with spaces (" sergei lavrov "),
so a hit is always whole words, and is run over the normalised article text
(``entities.normalize``). Where names overlap, the leftmost, then longest, wins:
"Narendra Modi" is one mention of one person, not also a mention of "Modi", and
"Tashkent Declaration" is the event, not also the city. Adjacent names both count
("India-Pakistan" names India and Pakistan).

An alias shared by several entities is reported as ambiguous with all of them as
candidates; the matcher never picks one.

Each process keeps one automaton, built on first use and rebuilt when the
``AliasVersion`` token in the database changes (every alias write renews it), so a
task worker sees an alias added in the admin on its next article.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import ahocorasick

from .models import ENTITY_KINDS, Alias, AliasVersion
from .normalize import NormalizedText

EntityKey = tuple[str, int]  # ("person", 12)


@dataclass
class Found:
    count: int = 0
    first_position: int | None = None


@dataclass
class AmbiguousFound(Found):
    surface: str = ""
    candidates: tuple[EntityKey, ...] = ()


@dataclass
class MatchResult:
    entities: dict[EntityKey, Found] = field(default_factory=dict)
    ambiguous: dict[str, AmbiguousFound] = field(default_factory=dict)


class Matcher:
    """An automaton over (normalised alias, display name, entity key) entries."""

    def __init__(self, entries: Iterable[tuple[str, str, EntityKey]]):
        groups: dict[str, tuple[str, set[EntityKey]]] = {}
        for normalized, name, key in entries:
            if not normalized:
                continue
            groups.setdefault(normalized, (name, set()))[1].add(key)
        self.automaton = ahocorasick.Automaton()
        for normalized, (name, keys) in groups.items():
            self.automaton.add_word(f" {normalized} ", (len(normalized), tuple(sorted(keys)), name))
        self.alias_count = len(groups)
        if self.alias_count:
            self.automaton.make_automaton()

    def find(self, text: str) -> MatchResult:
        result = MatchResult()
        if not self.alias_count:
            return result
        normalized = NormalizedText(text)
        hits = []
        for end, (length, keys, name) in self.automaton.iter(normalized.text):
            # The key is " alias " and ``end`` is the index of its closing space.
            hits.append((end - length, end, keys, name))
        hits.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
        taken_until = -1
        for start, end, keys, name in hits:
            if start < taken_until:
                continue  # inside or overlapping a longer, earlier name
            taken_until = end
            if len(keys) == 1:
                found = result.entities.get(keys[0])
                if found is None:
                    found = result.entities[keys[0]] = Found()
            else:
                alias = normalized.text[start:end]
                found = result.ambiguous.get(alias)
                if found is None:
                    found = result.ambiguous[alias] = AmbiguousFound(surface=name, candidates=keys)
            if found.count == 0:
                found.first_position = normalized.original_offset(start)
            found.count += 1
        return result


def alias_version() -> uuid.UUID | None:
    return AliasVersion.objects.values_list("version", flat=True).first()


def alias_entries() -> Iterable[tuple[str, str, EntityKey]]:
    rows = Alias.objects.order_by("pk").values_list("normalized", "name", *_kind_ids())
    for normalized, name, *ids in rows.iterator(chunk_size=5000):
        for kind, entity_id in zip(ENTITY_KINDS, ids, strict=True):
            if entity_id is not None:
                yield normalized, name, (kind, entity_id)


def _kind_ids() -> list[str]:
    return [f"{kind}_id" for kind in ENTITY_KINDS]


class PerAliasVersion[T]:
    """A value built from the alias dictionary, kept per process and rebuilt first when
    any alias changed since it was built (the version row says so). One build at a time:
    the other threads wait for it rather than each building their own."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._cached: tuple[uuid.UUID | None, T] | None = None

    def current(self) -> T:
        version = alias_version()
        cached = self._cached
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            if self._cached is None or self._cached[0] != version:
                self._cached = (version, self._build())
            return self._cached[1]


_matcher = PerAliasVersion(lambda: Matcher(alias_entries()))


def matcher_current() -> Matcher:
    """This process's automaton, rebuilt first if any alias changed since it was built."""
    return _matcher.current()
