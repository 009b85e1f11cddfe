"""Benchmark: building the alias automaton and matching articles against it; discovery.

    .venv/bin/python bench/entities.py [--aliases 100000] [--articles 10000] [--seed 42]
    .venv/bin/python bench/entities.py --discovery [--repeat 3]

Generates multi-word names (two or three words, from syllables, so they look like
the names and places in wire copy) as aliases of people, places and events, some
shared so that a share of hits is ambiguous, then ~400-word articles each naming
about ten of them (possessives with curly apostrophes, names split by punctuation,
initials). Times the automaton build (``Matcher(entries)``) and ``Matcher.find``
over every article, which is the work ``mentions_suggest`` does per article besides
its database reads and writes. No database is needed: Django is configured with
the apps only.

``--discovery`` instead runs ``entities.discovery.discover`` over every article of the
coverage development sets (``COVERAGE_DATA_DIR``, ../shared/data/coverage; headline and
text joined as ``article_document`` does), with the matcher's dictionary as ``known``
(the seed demo's names, so that look-ups happen as in production), ``--repeat`` times,
and reports articles per second. The gazetteer is built before timing starts (once per
process, reported separately).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

from newsroom.settings import base  # noqa: E402 - the app list only; no database

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=base.INSTALLED_APPS, MIDDLEWARE=base.MIDDLEWARE, DATABASES={}, USE_TZ=True
    )
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
django.setup()

from entities.matcher import Matcher  # noqa: E402
from entities.normalize import normalize_name  # noqa: E402

ONSETS = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "ch"]
ONSETS += ["kh", "br", "tr", "gr", "st", "j", "y", "w"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ia", "é", "ö"]
CODAS = ["", "", "n", "r", "s", "l", "v", "m", "d", "sk", "ng", "t"]
FILLER = (
    "the a of to in and said on for with as by at from that was were is it has have "
    "minister government talks officials week statement would could after before "
    "during over under between against about talks meeting border security trade "
    "agreement crisis report sources told reporters press spokesman added further "
    "region city country council people forces tension dialogue offer response "
    "attack treaty ceasefire vote budget bridge harbour market energy water"
).split()


def syllable_word(rng: random.Random, syllables: int) -> str:
    word = "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
    )
    return word.capitalize()


def generate_aliases(rng: random.Random, count: int) -> list[tuple[str, str, tuple[str, int]]]:
    """``count`` distinct names: people (2-3 words), places and events."""
    firsts = sorted({syllable_word(rng, rng.choice([1, 2])) for _ in range(3000)})
    lasts = sorted({syllable_word(rng, rng.choice([2, 3])) for _ in range(6000)})
    seen: set[str] = set()
    entries = []
    entity_id = 0
    while len(entries) < count:
        roll = rng.random()
        if roll < 0.7:
            parts = [rng.choice(firsts), rng.choice(lasts)]
            if rng.random() < 0.25:
                parts.insert(1, rng.choice(firsts))
            name, kind = " ".join(parts), "person"
        elif roll < 0.9:
            suffix = rng.choice(["", " Valley", " Province", " City"])
            name, kind = rng.choice(lasts) + suffix, "place"
        else:
            suffix = rng.choice(["Accord", "Summit", "Declaration", "attack"])
            name, kind = f"{rng.choice(lasts)} {suffix}", "event"
        normalized = normalize_name(name)
        if normalized in seen:
            continue
        seen.add(normalized)
        entity_id += 1
        entries.append((normalized, name, (kind, entity_id)))
    # About 1% of names are shared by a second entity (ambiguous surnames).
    for normalized, name, (kind, _) in rng.sample(entries, count // 100):
        entity_id += 1
        entries.append((normalized, name, (kind, entity_id)))
    return entries


def generate_articles(rng: random.Random, names: list[str], count: int, words: int) -> list[str]:
    articles = []
    for _ in range(count):
        tokens = [rng.choice(FILLER) for _ in range(words)]
        for _ in range(10):
            name = rng.choice(names)
            style = rng.random()
            if style < 0.2:
                name += "’s"
            elif style < 0.3:
                first, _, rest = name.partition(" ")
                name = f"{first[0]}. {rest}" if rest else name
            tokens[rng.randrange(words)] = name
        paragraphs = [" ".join(tokens[i : i + 60]) + "." for i in range(0, words, 60)]
        articles.append("\n\n".join(paragraphs))
    return articles


def print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def bench_discovery(repeat: int) -> None:
    import json

    from entities.discovery import discover
    from entities.gazetteer import gazetteer

    data_dir = Path(base.COVERAGE_DATA_DIR)
    documents = []
    for name in ("allsides-dev.jsonl", "neus-dev.jsonl", "basil-dev.jsonl"):
        with (data_dir / name).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                parts = (record["title"], record["text"])
                documents.append("\n\n".join(part for part in parts if part))
    known_names = ["Sergey Lavrov", "Narendra Modi", "Shehbaz Sharif", "Pakistan", "India"]
    known = Matcher(
        (normalize_name(name), name, ("person", number)) for number, name in enumerate(known_names)
    )

    started = time.perf_counter()
    places = gazetteer()
    gazetteer_seconds = time.perf_counter() - started

    timings = []
    counts: dict[str, int] = {}
    for _ in range(repeat):
        counts = {"person": 0, "place": 0, "event": 0}
        started = time.perf_counter()
        for text in documents:
            for candidate in discover(text, known=known):
                counts[candidate.kind] += 1
        timings.append(time.perf_counter() - started)
    best, worst = min(timings), max(timings)
    words = sum(len(text.split()) for text in documents)
    print_rows(
        [
            ("articles / words", f"{len(documents):,} / {words:,} (coverage dev sets)"),
            ("gazetteer build", f"{gazetteer_seconds:.2f} s ({len(places):,} names)"),
            ("discovery, per run", ", ".join(f"{t:.2f} s" for t in timings)),
            (
                "throughput",
                f"{len(documents) / worst:,.0f}–{len(documents) / best:,.0f} articles/s",
            ),
            ("per article", f"{1000 * best / len(documents):.2f} ms (best run)"),
            ("candidates per run", ", ".join(f"{k} {v:,}" for k, v in counts.items())),
            ("python", sys.version.split()[0]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aliases", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--discovery", action="store_true", help="time discovery instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.discovery:
        bench_discovery(args.repeat)
        return
    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets

    entries = generate_aliases(rng, args.aliases)
    articles = generate_articles(rng, [name for _, name, _ in entries], args.articles, args.words)
    total_words = sum(len(a.split()) for a in articles)

    started = time.perf_counter()
    matcher = Matcher(entries)
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    entities_found = ambiguous_found = 0
    for text in articles:
        result = matcher.find(text)
        entities_found += len(result.entities)
        ambiguous_found += len(result.ambiguous)
    match_seconds = time.perf_counter() - started

    rows = [
        ("aliases (distinct normal forms)", f"{len(entries):,} ({matcher.alias_count:,})"),
        ("articles / words", f"{len(articles):,} / {total_words:,}"),
        ("automaton build", f"{build_seconds:.2f} s"),
        ("matching", f"{match_seconds:.2f} s"),
        ("throughput", f"{len(articles) / match_seconds:,.0f} articles/s"),
        ("per article", f"{1000 * match_seconds / len(articles):.3f} ms"),
        ("entities found / ambiguous names", f"{entities_found:,} / {ambiguous_found:,}"),
        ("python", sys.version.split()[0]),
    ]
    print_rows(rows)


if __name__ == "__main__":
    main()
