"""The plans search runs at scale: EXPLAIN (ANALYZE, BUFFERS) of its candidate query.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/search_explain.py
    ... bench/search_explain.py --database newsroom_bench --brief

For one search of each kind (a common word, a word in a few per cent of articles, a
rare word, two words, and a common word with each filter) on the benchmark corpus:
how search.selectors collected the candidates (reading the newest articles, a window
of dates, or every match through the GIN index), the planner's estimates that chose
it, and the plan PostgreSQL ran, with timings and buffers. --brief prints only the
plan's node lines with their actual times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

from _scratch import setup_django, use_scratch_database

SEARCHES = [
    ("said", {}, "very common word"),
    ("harbour", {}, "common word"),
    ("doalin", {}, "word in about 3 % of articles"),
    ("ferry strike", {}, "two words"),
    ("vizime", {}, "rare word"),
    ("harbour", {"section": "world"}, "section filter"),
    ("ferry", {"outlet": "corpus-outlet-0"}, "outlet filter"),
    ("minister", {"days": 7}, "last week"),
    ("said", {"person": "corpus-person-0"}, "most named person"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="newsroom_bench")
    parser.add_argument("--brief", action="store_true")
    args = parser.parse_args()

    use_scratch_database(args.database, fresh=False)
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from search import selectors

    for query, options, what in SEARCHES:
        options = dict(options)
        if days := options.pop("days", None):
            today = timezone.localdate()
            options |= {"date_from": today - dt.timedelta(days=days), "date_to": today}
        filters = selectors.SearchFilters(**options)
        selectors.article_search(query=query, filters=filters)  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            results = selectors.article_search(query=query, filters=filters)
        allowed = selectors._allowed(filters)
        matching = allowed.filter(search_vector=selectors._search_query(query))
        estimate = selectors._estimated_count(matching)
        window = selectors.candidate_window(allowed, matching)
        how = (
            f"window from {window:%Y-%m-%d %H:%M}"
            if window
            else "no window (few matches)"
            if estimate <= selectors.SCAN_LIMIT
            else "no window (newest articles tested in turn)"
        )
        label = " ".join([query, *(f"{k}={v}" for k, v in options.items())])
        print(f"\n=== {what}: {label}")
        print(f"    planner expects {estimate:,} matches; {how}; {len(queries)} queries")
        print(f"    shown: {results.count}{'+' if results.is_capped else ''}")
        candidate_sql = [q["sql"] for q in queries if "c.pk" in q["sql"]][-1]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + candidate_sql)
            plan = [row[0] for row in cursor.fetchall()]
        for line in plan:
            if args.brief and not re.search(r"->|actual time|Execution Time|^\S", line):
                continue
            if args.brief:
                line = re.sub(r"\(cost=[^)]*\) ", "", line)
            print("    " + line[:160])


if __name__ == "__main__":
    main()
