"""Public pages under load: requests/s and latency, cached and uncached, vs a static file.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/pages.py
    ... bench/pages.py --articles 100000 --duration 10 --connections 16

Uses the benchmark corpus database (`newsroom_bench`, made by
bench/admin_changelist.py or here with --articles), production settings (DEBUG off,
gunicorn with 2 workers, whitenoise) and wrk (Debian package `wrk`) on 127.0.0.1.
For each page: one run with the page cache off and one with it on, and a run
against a static file served by whitenoise in the same server. Then search p95
latency in-process over a set of queries.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from _scratch import ROOT, setup_django, use_scratch_database

QUERIES = ["harbour", "council budget", "ferry strike", "minister", "flood", "Lavorv", "treaty"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, cache: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "consolemail://",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PAGE_CACHE_ENABLED": "true" if cache else "false",
        "PAGE_CACHE_URL": f"filecache://{ROOT / 'var' / 'cache' / 'bench-pages'}",
    }
    # Static files as production serves them: hashed names from a fresh manifest.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def wrk(url: str, duration: int, connections: int) -> tuple[float, str, str]:
    output = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+(\S+)", output).group(1)
    p99 = re.search(r"99%\s+(\S+)", output).group(1)
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="grow the corpus to this")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    use_scratch_database("newsroom_bench", fresh=False)
    setup_django()
    from django.core.management import call_command

    from articles.models import Article
    from coverage.models import Story
    from search.selectors import SearchFilters, article_search
    from search.services import search_terms_rebuild

    call_command("migrate", verbosity=0)
    if Article.objects.count() < args.articles:
        call_command("generate_corpus", articles=args.articles - Article.objects.count())
    total = Article.objects.count()
    article = Article.objects.published().latest_first().first()
    story = Story.objects.order_by("pk").first()
    pages = {"home": "/", "article": article.get_absolute_url(), "search": "/search/?q=harbour"}
    if story:
        pages["story"] = story.get_absolute_url()

    port = free_port()
    print(f"{total:,} articles; wrk -t2 -c{args.connections} -d{args.duration}s")
    print(f"{'page':<10} {'cache':<6} {'req/s':>9} {'p50':>9} {'p99':>9}")
    static_url = None
    for cache in (False, True):
        server = start_gunicorn(port, cache)
        try:
            if static_url is None:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()  # noqa: S310
                static_url = re.search(r'href="(/static/css/[^"]+)"', html).group(1)
                rate, p50, p99 = wrk(
                    f"http://127.0.0.1:{port}{static_url}", args.duration, args.connections
                )
                print(f"{'static':<10} {'-':<6} {rate:>9.0f} {p50:>9} {p99:>9}", flush=True)
            for name, path in pages.items():
                rate, p50, p99 = wrk(
                    f"http://127.0.0.1:{port}{path}", args.duration, args.connections
                )
                print(
                    f"{name:<10} {'on' if cache else 'off':<6} {rate:>9.0f} {p50:>9} {p99:>9}",
                    flush=True,
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()

    if not Article.objects.filter(pk__gt=0).exists():
        return
    search_terms_rebuild()
    timings = []
    for _ in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            results = article_search(query=query, filters=SearchFilters())
            list(results.page.object_list)
            timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"search over {total:,} articles: median {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms ({len(timings)} queries)"
    )


if __name__ == "__main__":
    main()
