"""The article page's miss after one write, by what the write touched (page parts).

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/article_misses.py
    ... bench/article_misses.py --requests 40 --database newsroom_bench

CPU ms of this process per request (`time.process_time`, median of --requests), for the
newest published article of the benchmark corpus (made by bench/pages.py --articles),
with the page cache off and page parts kept (pagecache/parts.py), as bench/pages.py
--profile measures. Before each request (not timed) the write's keys are invalidated
through `pagecache.invalidation.flush`, as a committed write does: none; an unrelated
key (the clock moves, every part is checked again); the article's comment thread; its
story; the article itself. Dev settings with DEBUG off.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _scratch import setup_django, use_scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="newsroom_bench")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    use_scratch_database(args.database, fresh=False)
    setup_django()
    from django.conf import settings
    from django.test import Client

    from articles.models import Article
    from pagecache.invalidation import flush

    settings.PAGE_CACHE_ENABLED = False
    settings.PAGE_PARTS_ENABLED = True
    article = Article.objects.published().latest_first().first()
    if article is None:
        raise SystemExit("No published article: run bench/pages.py --articles 20000 first.")
    path = article.get_absolute_url()
    membership = article.story_memberships.first()
    writes = {
        "none (parts warm)": [],
        "an unrelated key (the clock moved)": ["story:999999999"],
        "a comment on it (thread)": [f"thread:{article.pk}"],
        "its story (story)": [f"story:{membership.story_id}"] if membership else None,
        "the article itself (article)": [f"article:{article.pk}"],
    }
    client = Client()
    print(f"{path}: CPU ms per request, median of {args.requests}")
    for name, keys in writes.items():
        if keys is None:
            continue
        timings = []
        for run in range(args.requests + 5):  # the first 5 warm up
            if keys:
                flush(keys)
            started = time.process_time()
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            if run >= 5:
                timings.append((time.process_time() - started) * 1000)
        print(f"{name:<40} {statistics.median(timings):>7.2f}", flush=True)


if __name__ == "__main__":
    main()
