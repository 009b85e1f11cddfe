"""Public pages under load: requests/s and latency, cached and uncached, vs a static file.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/pages.py
    ... bench/pages.py --articles 100000 --duration 10 --connections 16
    ... bench/pages.py --search-only --repeat 30
    ... bench/pages.py --pages story      # only the story pages (typical and largest)
    ... bench/pages.py --pages article,story,api   # the API's article and stories beside them
    ... bench/pages.py --profile [--json] [--pages home,article]   # CPU ms per request
    ... bench/pages.py --profile --no-fragments   # the same, every cached fragment a miss
    ... bench/pages.py --profile --pages home --bump list:articles   # the miss after a publish

Uses the benchmark corpus database (`newsroom_bench`, or --database; made by
bench/admin_changelist.py or here with --articles), production settings (DEBUG off,
gunicorn with 2 workers, whitenoise) and wrk (Debian package `wrk`) on 127.0.0.1.
Stories come from `manage.py generate_stories`, run here when the corpus has none.
For each page: one run with the page cache off and one with it on, and a run
against a static file served by whitenoise in the same server. The story page is
measured twice: a typical story (about 10 articles) and the largest one. The read
API's article and story operations (/api/v1/articles/<id>, /api/v1/stories/<id>) are
measured on the same article and stories ("api …" rows; the API's per-client rate
limit is lifted for the run, its counter still kept).

With --profile, nothing under load: CPU time of this process per request
(`time.process_time`), in-process through Django's full handler and middleware with the
page cache off, for every page type, beside the floor: a minimal view rendering a
one-line template through the same middleware, measured in the same run, interleaved
with the pages (each round measures the floor, then each page), so that load from
elsewhere on the machine weighs on both. Per page: the median over --rounds rounds of
--requests requests, after warm-up requests, and its ratio to the floor's median.
Page parts (pagecache/parts.py) are kept between requests, as after a write that
changed none of them; --bump KEY[,KEY] invalidates those keys (expanded, as a write's
commit does, through ``pagecache.invalidation.flush``) before every measured request,
the floor's included, so that the parts showing them render again (``--bump
list:articles``: what a publish leaves of the home page); the invalidation itself is
not counted.
Settings are dev's with DEBUG off (cached template loader, no query log); the database
server's CPU is not counted. With --json, one JSON object per line per page type:
page, cpu_ms, floor_cpu_ms, ratio.

Then search latency in-process (the selector, as the view calls it, page 1 with
snippets and facets): per query, the median and p95 of --repeat runs after one
warm-up, and the same over all queries. The queries are QUERIES plus one word per
band of document frequency (about 50 %, 10 %, 3 %, 1 %, 0.3 % and 0.05 % of articles,
taken from the search vocabulary), so that common, middling and rare words are all
measured, then a common word with each filter (section, outlet, last week, person).
The share of articles each matches is printed beside it (of the corrected query when
the spelling was corrected).
"""

from __future__ import annotations

import argparse
import json
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

QUERIES = [
    "harbour", "council budget", "ferry strike", "minister", "flood", "Lavorv", "treaty",
    "said",
]  # fmt: skip
BANDS = (0.5, 0.1, 0.03, 0.01, 0.003, 0.0005)


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
        "API_RATE_PER_MINUTE": str(10**9),
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
    # The latency distribution's own lines ("    50%    3.21ms"), not a "+/- Stdev" column.
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE).group(1)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE).group(1)
    timeouts = re.search(r"timeout (\d+)", output)
    if timeouts and int(timeouts.group(1)):
        p99 += f" ({timeouts.group(1)} timed out)"
    return rate, p50, p99


def band_words(total: int) -> list[tuple[str, int]]:
    """One vocabulary word per band of BANDS: of the words full-text search keeps (not
    "the" or "have"), the one whose document count is nearest the band's."""
    from django.db import connection

    from search.models import SearchTerm

    def kept(word: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT numnode(plainto_tsquery('english', %s)) > 0", [word])
            return cursor.fetchone()[0]

    picked: list[tuple[str, int]] = []
    for share in BANDS:
        target = round(total * share)
        above = SearchTerm.objects.filter(documents__gte=target).order_by("documents")[:20]
        below = SearchTerm.objects.filter(documents__lt=target).order_by("-documents")[:20]
        nearest = sorted([*above, *below], key=lambda term: abs(term.documents - target))
        for term in nearest:
            if term.word not in {w for w, _ in picked} and kept(term.word):
                picked.append((term.word, term.documents))
                break
    return picked


def filtered_searches() -> list[tuple[str, dict]]:
    """Each filter once, on a common word: a section, an outlet, a week, a person."""
    import datetime as dt

    from django.utils import timezone

    from articles.models import Section
    from entities.models import Person
    from sources.models import Outlet

    today = timezone.localdate()
    searches = [("minister", {"date_from": today - dt.timedelta(days=7), "date_to": today})]
    if section := Section.objects.order_by("pk").first():
        searches.append(("harbour", {"section": section.slug}))
    if outlet := Outlet.objects.order_by("pk").first():
        searches.append(("ferry", {"outlet": outlet.slug}))
    if person := Person.objects.filter(slug__startswith="corpus-person-").order_by("pk").first():
        searches.append(("said", {"person": person.slug}))
    return searches


def search_latency(total: int, repeat: int) -> None:
    from search.selectors import SearchFilters, _allowed, _search_query, article_search

    bands = [word for word, _ in band_words(total) if word not in QUERIES]
    searches = [(query, {}) for query in [*QUERIES, *bands]]
    searches += filtered_searches()
    print(f"search over {total:,} articles, {repeat} runs per query after a warm-up")
    print(f"{'query':<34} {'matches':>8} {'shown':>6} {'median ms':>10} {'p95 ms':>8}")
    everything = []
    for query, filters in searches:
        timings = []
        for run in range(repeat + 1):
            started = time.perf_counter()
            results = article_search(query=query, filters=SearchFilters(**filters))
            list(results.page.object_list)
            if run:  # the first run warms the caches
                timings.append((time.perf_counter() - started) * 1000)
        everything += timings
        p95 = statistics.quantiles(timings, n=20)[-1]
        matches = _allowed(SearchFilters(**filters)).filter(
            search_vector=_search_query(results.searched_for)
        )
        label = query if not results.was_corrected else f"{query} → {results.searched_for}"
        label += "".join(f" {key}={value}" for key, value in filters.items())
        shown = f"{results.count}{'+' if results.is_capped else ''}"
        print(
            f"{label:<34} {matches.count() / total:>8.2%} {shown:>6} "
            f"{statistics.median(timings):>10.1f} {p95:>8.1f}",
            flush=True,
        )
    p95 = statistics.quantiles(everything, n=20)[-1]
    print(
        f"{'all queries':<34} {'':>8} {'':>6} {statistics.median(everything):>10.1f} {p95:>8.1f}"
        f"  ({len(everything)} searches)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="grow the corpus to this")
    parser.add_argument("--database", default="newsroom_bench")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=20, help="runs per search query")
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="CPU ms per uncached request, vs the floor"
    )
    parser.add_argument("--json", action="store_true", help="with --profile: JSON lines")
    parser.add_argument(
        "--no-fragments",
        action="store_true",
        help="with --profile: every cached fragment and page part a miss (a render whose "
        "parts all changed)",
    )
    parser.add_argument(
        "--bump",
        default="",
        metavar="KEY[,KEY]",
        help="with --profile: invalidate these page keys before every measured request "
        "(e.g. list:articles: a page's miss after a publish, its other parts kept)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="with --profile")
    parser.add_argument("--requests", type=int, default=10, help="per round, with --profile")
    parser.add_argument(
        "--pages",
        default="",
        help="only these pages under load, no search latency (e.g. story or home,article)",
    )
    args = parser.parse_args()

    use_scratch_database(args.database, fresh=False)
    setup_django()
    from django.core.management import call_command

    from articles.models import Article
    from coverage.models import Story
    from search.models import SearchTerm
    from search.services import search_terms_rebuild

    call_command("migrate", verbosity=0)
    if Article.objects.count() < args.articles:
        call_command("generate_corpus", articles=args.articles - Article.objects.count())
    if not args.search_only and not Story.objects.exists():
        call_command("generate_stories")
    if not SearchTerm.objects.exists():
        search_terms_rebuild()
    total = Article.objects.count()
    if args.profile:
        profile(args, total)
        return
    if not args.search_only:
        pages_under_load(args, total)
    if not args.pages:
        search_latency(total, args.repeat)


def story_pages(*, api: bool = False) -> dict[str, str]:
    """A typical story (about ten articles, the most recent such) and the largest; with
    ``api``, the same stories from the read API."""
    from coverage.models import Story

    pages = {}
    typical = Story.objects.filter(member_count__range=(8, 12)).order_by("-last_updated_at").first()
    largest = Story.objects.order_by("-member_count", "pk").first()
    for story in (typical, largest):
        if story and api:
            pages[f"api story {story.member_count}"] = f"/api/v1/stories/{story.pk}"
        elif story:
            pages[f"story {story.member_count}"] = story.get_absolute_url()
    return pages


def listing_pages() -> dict[str, str]:
    """A section front, a tag, an outlet, a person and a place page, each one with
    articles."""
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Section
    from entities.models import Person, Place
    from sources.models import Outlet

    published = Article.objects.published()
    pages = {}
    if section := Section.objects.filter(articles__in=published).order_by("pk").first():
        pages["section"] = reverse("articles:section", kwargs={"slug": section.slug})
    if tag := Tag.objects.order_by("pk").first():
        pages["tag"] = reverse("articles:tag", kwargs={"slug": tag.slug})
    if outlet := Outlet.objects.order_by("pk").first():
        pages["outlet"] = outlet.get_absolute_url()
    if person := Person.objects.filter(slug__startswith="corpus-person-").order_by("pk").first():
        pages["person"] = person.get_absolute_url()
    if place := Place.objects.filter(slug__startswith="corpus-place-").order_by("pk").first():
        pages["place"] = place.get_absolute_url()
    return pages


def page_list(args) -> dict[str, str]:
    from articles.models import Article

    article = Article.objects.published().latest_first().first()
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        **story_pages(),
        "search": "/search/?q=harbour",
        "api article": f"/api/v1/articles/{article.pk}",
        **story_pages(api=True),
    }
    if args.profile:
        pages.update(listing_pages())
    if args.pages:
        kinds = tuple(args.pages.split(","))
        pages = {name: path for name, path in pages.items() if name.startswith(kinds)}
    return pages


FLOOR_PATH = "/__bench_floor__/"
# Not a page type: the site's base.html with an empty content block, to show how much
# of each page is the chrome every page shares (header, navigation, footer).
CHROME_PATH = "/__bench_chrome__/"


def install_floor_view() -> None:
    """Serve FLOOR_PATH from a minimal view (a one-line template, rendered with the
    request as every page is) in front of the site's own URLs, through the same
    middleware."""
    import types

    from django.conf import settings
    from django.template import engines
    from django.template.response import TemplateResponse
    from django.urls import clear_url_caches, include, path

    template = engines["django"].from_string("<p>{{ greeting }}</p>\n")
    chrome_template = engines["django"].from_string('{% extends "base.html" %}')

    def floor(request):
        return TemplateResponse(request, template, {"greeting": "Hello"})

    def chrome(request):
        return TemplateResponse(request, chrome_template, {})

    urls = types.ModuleType("bench_profile_urls")
    urls.urlpatterns = [
        path(FLOOR_PATH.strip("/") + "/", floor),
        path(CHROME_PATH.strip("/") + "/", chrome),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()


def cpu_ms_per_request(client, path: str, requests: int, bump: tuple[str, ...] = ()) -> float:
    """CPU ms of one request to ``path``, the mean of ``requests``; with ``bump``, those
    page keys are invalidated before each one (as a write's commit does, expanded), and
    the invalidation's own time is not counted."""
    from pagecache.invalidation import flush

    spent = 0.0
    for _ in range(requests):
        if bump:
            flush(bump)
        started = time.process_time()
        response = client.get(path)
        spent += time.process_time() - started
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return spent * 1000 / requests


def profile(args, total: int) -> None:
    from django.conf import settings
    from django.test import Client

    settings.PAGE_CACHE_ENABLED = False
    # Parts of pages are kept (pagecache/parts.py) unless --no-fragments: a page's miss
    # after one thing it shows changed, the rest unchanged.
    settings.PAGE_PARTS_ENABLED = not args.no_fragments
    settings.API_RATE_PER_MINUTE = 10**9  # lifted, its counter still kept, as under load
    if args.no_fragments:
        from django.core.cache.backends.dummy import DummyCache

        from articles import fragments

        nothing_kept = DummyCache("no-fragments", {})
        fragments.fragment_cache = lambda: nothing_kept
    pages = page_list(args)
    install_floor_view()
    client = Client()
    pages = {**pages, "empty base.html": CHROME_PATH}
    everything = {"floor": FLOOR_PATH, **pages}
    for path in everything.values():  # warm-up: imports, template loader, connections
        cpu_ms_per_request(client, path, 3)
    bump = tuple(key for key in args.bump.split(",") if key)
    timings: dict[str, list[float]] = {name: [] for name in everything}
    for _ in range(args.rounds):
        for name, path in everything.items():
            timings[name].append(cpu_ms_per_request(client, path, args.requests, bump))
    floor = statistics.median(timings["floor"])
    if not args.json:
        print(
            f"{total:,} articles; CPU ms per uncached request, median of {args.rounds} "
            f"rounds of {args.requests}; load average {os.getloadavg()[0]:.2f}"
            + (f"; {', '.join(bump)} invalidated before each request" if bump else "")
        )
        print(f"{'page':<16} {'cpu ms':>8} {'floor ms':>9} {'ratio':>7}")
    for name in pages:
        cpu_ms = statistics.median(timings[name])
        row = {
            "page": name,
            "cpu_ms": round(cpu_ms, 2),
            "floor_cpu_ms": round(floor, 2),
            "ratio": round(cpu_ms / floor, 1),
        }
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{name:<16} {cpu_ms:>8.1f} {floor:>9.2f} {cpu_ms / floor:>6.1f}×", flush=True)


def pages_under_load(args, total: int) -> None:
    pages = page_list(args)
    port = free_port()
    print(f"{total:,} articles; wrk -t2 -c{args.connections} -d{args.duration}s")
    print(f"{'page':<14} {'cache':<6} {'req/s':>9} {'p50':>9} {'p99':>9}")
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
                print(f"{'static':<14} {'-':<6} {rate:>9.0f} {p50:>9} {p99:>9}", flush=True)
            for name, path in pages.items():
                rate, p50, p99 = wrk(
                    f"http://127.0.0.1:{port}{path}", args.duration, args.connections
                )
                print(
                    f"{name:<14} {'on' if cache else 'off':<6} {rate:>9.0f} {p50:>9} {p99:>9}",
                    flush=True,
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()


if __name__ == "__main__":
    main()
