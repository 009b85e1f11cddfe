"""Editorial admin changelist render time at 100k and 1M articles.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/admin_changelist.py
    ... bench/admin_changelist.py --sizes 100000 --repeat 20 --fresh

Builds the corpus with `manage.py generate_corpus` in a scratch database
(`newsroom_bench`, kept between runs so 1M rows are generated once; --fresh starts
over), then renders /admin/articles/article/ in-process as an editor: the default
list, a status filter and a search. Prints median and p95 per size, and the
number of queries (which must not grow with the number of rows). Goal: < 300 ms at 1M.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _scratch import bench_editor, setup_django, use_scratch_database

PAGES = {
    "list": "/admin/articles/article/",
    "filter status": "/admin/articles/article/?status__exact=published",
    "filter section": "/admin/articles/article/?section__id__exact=1",
    "search": "/admin/articles/article/?q=harbour+council",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    use_scratch_database("newsroom_bench", fresh=args.fresh)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    call_command("migrate", verbosity=0)
    editor = bench_editor()
    client = Client()
    client.force_login(editor)

    print(f"{'articles':>10} {'page':<15} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for size in [int(s) for s in args.sizes.split(",")]:
        have = Article.objects.count()
        if have < size:
            call_command("generate_corpus", articles=size - have, verbosity=0)
        for name, url in PAGES.items():
            client.get(url)  # warm caches
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{size:>10,} {name:<15} {statistics.median(timings):>10.1f} {p95:>8.1f} "
                f"{len(queries):>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
