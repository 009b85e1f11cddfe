"""Benchmark the related-coverage clustering on labelled JSONL sets, and at scale.

Run through the embedded PostgreSQL (a scratch database is created, used and dropped,
so the development database is never touched):

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/coverage.py
    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/coverage.py \
        ../shared/data/coverage/neus-dev.jsonl --json
    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/coverage.py \
        --scale 1000,10000,100000

Each file (format: ../shared/data/coverage/README.md) is imported into empty tables as
published articles, then every article goes through the real service,
``coverage.services.articles_cluster`` (batches of 100 in one transaction each, the
same grouping as ``article_cluster`` one by one), in time order (by ``published``,
then file order), with the windowed re-clustering pass
(``coverage.services.stories_recluster_window``) after every ``RECLUSTER_EVERY``
placements, then the merge pass and a last window pass, as the worker runs them.
Predicted stories are scored with ``../shared/tools/score_clusters.py``: BCubed and
pairwise P/R/F1, stories predicted and real, singletons, and two throughputs:
online placement alone, and amortised with the passes' time. ``--json`` adds the CPU
milliseconds an article's online placement costs this process and its PostgreSQL
backend (``online_cpu_ms_per_article``, ``online_db_cpu_ms_per_article``, from
/proc on Linux): on a shared machine the load moves them far less than the
throughputs. ``--no-dates`` drops the
dates (text-only figures), ``--shuffle SEED`` shuffles the order within each date
(order sensitivity), ``--no-passes`` measures online placement alone. Parameters live
in ``coverage/scoring.py`` and ``coverage/services/reclustering.py`` and are the same for every
file.

Scale mode generates dated synthetic articles (topic words drawn from a Zipf
vocabulary, 3-8 articles per story, 2,000 articles a day) and measures the mean time
per article of a batch clustered when 1k, 10k, 100k ... articles are stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR.parent / "shared" / "data" / "coverage"
SCORER = BASE_DIR.parent / "shared" / "tools" / "score_clusters.py"
# One scratch database per run, so that two runs at once cannot drop each other's.
BENCH_DATABASE = f"newsroom_bench_coverage_{os.getpid()}"
# Articles per call of coverage.services.articles_cluster (one transaction each), as an
# import run hands them over.
BATCH = 100


def scratch_database() -> str:
    """Create a fresh scratch database next to the one in DATABASE_URL; return its URL."""
    import psycopg

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("DATABASE_URL is unset: run me under `python -m newsroom.localdb run --`")
    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(parts._replace(path="/" + BENCH_DATABASE))


def drop_scratch_database(admin_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    os.environ["DEBUG"] = "false"  # no query log: it would cost memory and time
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def empty_tables() -> None:
    from django.db import connection

    from articles.models import Article
    from coverage.models import ArticleSignature, Story, StoryArticle, StoryTerm, TermStatistic
    from sources.models import Outlet

    tables = [
        m._meta.db_table
        for m in (StoryTerm, StoryArticle, ArticleSignature, TermStatistic, Story, Article, Outlet)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_clusters", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_records(records: list[dict], *, use_dates: bool) -> list[int]:
    """Published articles, one per record, created in bulk; returns ids in time order."""
    from django.utils.text import slugify

    from articles.models import Article
    from articles.sanitize import paragraphs_to_html
    from sources.models import ArticleSource, Outlet

    outlets = {}
    for name in sorted({r.get("outlet") or "unknown" for r in records}):
        slug = slugify(name)[:200] or "unknown"
        outlets[name] = Outlet.objects.get_or_create(slug=slug, defaults={"name": name})[0]
    articles = []
    for record in records:
        paragraphs = [p.strip() for p in (record.get("text") or "").split("\n\n") if p.strip()]
        published = record.get("published") if use_dates else None
        articles.append(
            Article(
                headline=(record.get("title") or "")[:300] or "(untitled)",
                slug=slugify(record.get("title") or "")[:200] or "article",
                body=paragraphs_to_html(paragraphs),
                body_text="\n\n".join(paragraphs),
                outlet=outlets[record.get("outlet") or "unknown"],
                status=Article.Status.PUBLISHED,
                published_at=(
                    dt.datetime.fromisoformat(published).replace(tzinfo=dt.UTC)
                    if published
                    else None
                ),
                is_imported=True,
            )
        )
    created = Article.objects.bulk_create(articles, batch_size=1000)
    # Each with its source identity, as an import would leave it.
    ArticleSource.objects.bulk_create(
        [
            ArticleSource(article=article, key=f"bench:{position}:{record['id']}"[:200])
            for position, (article, record) in enumerate(zip(created, records, strict=True))
        ],
        batch_size=1000,
    )
    return [a.pk for a in created]


def cluster(ids: list[int], *, passes: bool = True) -> dict:
    """Run the real services over ``ids`` in order, as production would under a steady
    stream; returns the seconds spent placing articles online and in the passes.

    Online placement goes in batches of ``BATCH``. The windowed re-clustering pass runs
    as the worker runs it while articles keep arriving: after every ``RECLUSTER_EVERY``
    placements. When the stream ends, the merge pass and then one last window pass run
    (the worker has both queued by then: ``RECLUSTER_INTERVAL`` after the last
    article). The passes' time is part of the amortised figure.
    """
    from django.db.models import Max

    from coverage.models import ArticleSignature
    from coverage.services import (
        articles_cluster,
        stories_merge_converging,
        stories_recluster_window,
    )
    from coverage.tasks import MERGE_PASS_DAYS, RECLUSTER_EVERY

    timing = {
        "online": 0.0,
        "passes": 0.0,
        "merge": 0.0,
        "pass_count": 0,
        "online_cpu": 0.0,
        "online_db_cpu": 0.0,
    }
    state = {"placed": 0}
    backend = backend_pid()

    def place(batch):
        cpu, db_cpu = time.process_time(), cpu_seconds(backend)
        started = time.perf_counter()
        articles_cluster(article_ids=batch)
        timing["online"] += time.perf_counter() - started
        timing["online_cpu"] += time.process_time() - cpu
        timing["online_db_cpu"] += cpu_seconds(backend) - db_cpu
        state["placed"] += len(batch)

    def window_pass():
        started = time.perf_counter()
        stories_recluster_window()
        timing["passes"] += time.perf_counter() - started
        timing["pass_count"] += 1
        state["placed"] = 0

    for start in range(0, len(ids), BATCH):
        place(ids[start : start + BATCH])
        if passes and state["placed"] >= RECLUSTER_EVERY:
            window_pass()
    started = time.perf_counter()
    # As the worker runs it (coverage.tasks.merge_converging_stories): over the stories
    # active in the last MERGE_PASS_DAYS, counted back from the newest article rather
    # than from now, since the sets replay the past.
    newest = ArticleSignature.objects.aggregate(newest=Max("clock_at"))["newest"]
    since = newest - dt.timedelta(days=MERGE_PASS_DAYS) if newest else None
    stories_merge_converging(since=since)
    timing["merge"] = time.perf_counter() - started
    timing["passes"] += timing["merge"]
    if passes:
        window_pass()
    return timing


def backend_pid() -> int:
    """The PostgreSQL backend serving this process's connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used, to the nanosecond (/proc/<pid>/schedstat, Linux;
    0 elsewhere): the cost of the work whatever the machine's load, unlike wall time."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def predictions(ids_by_record: dict[str, int]) -> dict[str, str]:
    from coverage.models import StoryArticle

    story_of = dict(StoryArticle.objects.current().values_list("article_id", "story_id"))
    return {rid: str(story_of.get(pk, f"none-{pk}")) for rid, pk in ids_by_record.items()}


def fill_background(count: int) -> dict:
    """Store ``count`` generated articles already clustered, as a site that has been
    running for a while has: ``manage.py generate_corpus`` (two years of dates, Zipf
    words, people and places with mentions), their signatures and term statistics made
    by the real service code in publication order, ``manage.py generate_stories`` (runs
    in time, power-law sizes), then each story's profile and index entries
    (``stories_refresh``) and one window pass. Not the online path (that would take as long as the
    benchmark itself): the stored state it leaves is what matters for what follows."""
    from django.core.management import call_command

    from articles.models import Article
    from coverage import evidence
    from coverage.models import ArticleSignature, Story
    from coverage.services import stories_refresh
    from coverage.services.placement import _signatures_with_stats

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("generate_corpus", articles=count, stdout=quiet, stderr=quiet)
    ids = list(
        Article.objects.filter(source__key__startswith="corpus:")
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        by_pk = (
            Article.objects.select_related("signature")
            .prefetch_related(evidence.public_mentions())
            .in_bulk(chunk)
        )
        signed = _signatures_with_stats([by_pk[pk] for pk in chunk])
        ArticleSignature.objects.bulk_create([signature for signature, _ in signed.values()])
    with open(os.devnull, "w") as quiet:
        call_command("generate_stories", stdout=quiet)
    story_ids = list(Story.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(story_ids), 500):
        stories_refresh(stories=list(Story.objects.filter(pk__in=story_ids[start : start + 500])))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The worker would have re-clustered the latest window already (generate_stories'
    # runs in time are not what the pass makes of them).
    from coverage.services import stories_recluster_window

    stories_recluster_window()
    seconds = time.perf_counter() - started
    return {"articles": len(ids), "stories": len(story_ids), "seconds": seconds}


def run_file(
    path: Path,
    *,
    use_dates: bool,
    scorer,
    shuffle: int | None,
    passes: bool,
    background: int = 0,
) -> dict:
    records = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if shuffle is not None:
        random.Random(shuffle).shuffle(records)  # noqa: S311 - an ordering, not security
    # Time order: by date (undated last, as PostgreSQL sorts NULLs), then file order (or
    # the shuffled order within a day).
    order = sorted(
        range(len(records)),
        key=lambda i: (records[i].get("published") is None, records[i].get("published") or "", i),
    )
    records = [records[i] for i in order]
    empty_tables()
    filled = fill_background(background) if background else None
    if filled:
        print(
            f"  background: {filled['articles']:,} articles in {filled['stories']:,} stories "
            f"stored in {filled['seconds']:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    ids = import_records(records, use_dates=use_dates)
    timing = cluster(ids, passes=passes)
    gold = {r["id"]: r["story"] for r in records}
    pred = predictions({r["id"]: pk for r, pk in zip(records, ids, strict=True)})
    result = scorer.score(gold, pred)
    sizes = Counter(pred.values())
    total = timing["online"] + timing["passes"]
    return {
        "file": str(path),
        "articles": len(records),
        "dates": use_dates,
        "shuffle": shuffle,
        "background": background,
        "passes": timing["pass_count"],
        "gold_stories": result["gold_clusters"],
        "predicted_stories": result["pred_clusters"],
        "singletons": sum(1 for size in sizes.values() if size == 1),
        "bcubed_precision": round(result["bcubed"]["precision"], 4),
        "bcubed_recall": round(result["bcubed"]["recall"], 4),
        "bcubed_f1": round(result["bcubed"]["f1"], 4),
        "pairwise_precision": round(result["pairwise"]["precision"], 4),
        "pairwise_recall": round(result["pairwise"]["recall"], 4),
        "pairwise_f1": round(result["pairwise"]["f1"], 4),
        "online_seconds": round(timing["online"], 2),
        "pass_seconds": round(timing["passes"], 2),
        "merge_pass_seconds": round(timing["merge"], 2),
        "online_articles_per_s": round(len(records) / timing["online"], 1),
        # Load-independent cost of online placement: CPU of this process (Python) and
        # of its PostgreSQL backend, per article.
        "online_cpu_ms_per_article": round(1000 * timing["online_cpu"] / len(records), 3),
        "online_db_cpu_ms_per_article": round(1000 * timing["online_db_cpu"] / len(records), 3),
        "amortised_articles_per_s": round(len(records) / total, 1),
    }


# ------------------------------------------------------------------ scale mode
def synthetic_records(total: int, *, seed: int = 7):
    """Dated synthetic articles: each story has its own topic words over a Zipf vocabulary."""
    rng = random.Random(seed)  # noqa: S311 - synthetic text, not security
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(30000)
    ]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    produced = 0
    story = 0
    while produced < total:
        story += 1
        topic = rng.sample(vocabulary[2000:], 12)
        names = [w.capitalize() for w in rng.sample(vocabulary[5000:], 3)]
        for _ in range(rng.randint(3, 8)):
            if produced >= total:
                break
            at = start + dt.timedelta(seconds=produced * 43.2)  # 2,000 a day
            common = rng.choices(vocabulary[:2000], weights[:2000], k=60)
            words = common + rng.choices(topic, k=25)
            rng.shuffle(words)
            body = " ".join(words) + ". " + " and ".join(names) + " said."
            yield {
                "id": f"syn-{produced}",
                "story": f"s{story}",
                "outlet": f"Outlet {produced % 40}",
                "title": " ".join(rng.sample(topic, 5) + [names[0]]).capitalize(),
                "text": body,
                "published": at.isoformat(),
            }
            produced += 1


def run_scale(sizes: list[int], *, batch: int) -> list[dict]:
    """Cluster synthetic articles up to each size; time a batch right after each size."""
    from articles.models import Article

    empty_tables()
    rows = []
    records = list(synthetic_records(max(sizes) + batch))
    stored = 0
    for size in sorted(sizes):
        while stored < size:
            chunk = records[stored : min(size, stored + 5000)]
            chunk = [{**r, "published": r["published"][:10]} for r in chunk]
            ids = import_records_dated(chunk)
            seconds = cluster_plain(ids)
            stored += len(chunk)
            print(
                f"  stored {stored:,} articles "
                f"({1000 * seconds / len(chunk):.2f} ms per article for the last {len(chunk):,})",
                file=sys.stderr,
                flush=True,
            )
        measured = import_records_dated(records[stored : stored + batch])
        seconds = cluster_plain(measured)
        stored += batch
        rows.append(
            {
                "stored_articles": Article.objects.count() - batch,
                "batch": batch,
                "ms_per_article": round(1000 * seconds / batch, 2),
                "articles_per_s": round(batch / seconds, 1),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def import_records_dated(records: list[dict]) -> list[int]:
    for record in records:
        record["published"] = record["published"][:19]
    return import_records(records, use_dates=True)


def cluster_plain(ids: list[int]) -> float:
    from coverage.services import articles_cluster

    started = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        articles_cluster(article_ids=ids[start : start + BATCH])
    return time.perf_counter() - started


# ------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help="JSONL sets (default: every *-dev.jsonl)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    parser.add_argument("--no-dates", action="store_true", help="ignore dates (text-only figures)")
    parser.add_argument("--scale", help="comma-separated stored-article counts, e.g. 1000,10000")
    parser.add_argument("--batch", type=int, default=500, help="articles timed per scale step")
    parser.add_argument("--keep-db", action="store_true", help="leave the scratch database")
    parser.add_argument(
        "--shuffle", type=int, metavar="SEED", help="shuffle the order within each date"
    )
    parser.add_argument(
        "--no-passes", action="store_true", help="online placement only (no window passes)"
    )
    parser.add_argument(
        "--background",
        type=int,
        default=0,
        metavar="N",
        help="store N generated, clustered articles before each file (scale with a real set)",
    )
    args = parser.parse_args(argv)

    admin_url = os.environ.get("DATABASE_URL", "")
    setup_django(scratch_database())
    try:
        if args.scale:
            run_scale([int(s) for s in args.scale.split(",")], batch=args.batch)
            return 0
        scorer = load_scorer()
        files = args.files or sorted(DATA_DIR.glob("*-dev.jsonl"))
        if not files:
            print(f"no files given and none in {DATA_DIR}", file=sys.stderr)
            return 2
        if not args.json:
            print(
                f"{'file':20}{'n':>5}{'B-P':>7}{'B-R':>7}{'B-F1':>7}{'pw-P':>7}{'pw-R':>7}"
                f"{'pw-F1':>7}{'pred/gold':>10}{'single':>7}{'passes':>7}{'online/s':>9}"
                f"{'amort/s':>8}"
            )
        for path in files:
            row = run_file(
                path,
                use_dates=not args.no_dates,
                scorer=scorer,
                shuffle=args.shuffle,
                passes=not args.no_passes,
                background=args.background,
            )
            if args.json:
                print(json.dumps(row), flush=True)
            else:
                print(
                    f"{path.name:20}{row['articles']:>5}{row['bcubed_precision']:>7.4f}"
                    f"{row['bcubed_recall']:>7.4f}{row['bcubed_f1']:>7.4f}"
                    f"{row['pairwise_precision']:>7.4f}{row['pairwise_recall']:>7.4f}"
                    f"{row['pairwise_f1']:>7.4f}"
                    f"{row['predicted_stories']:>6}/{row['gold_stories']:<3}"
                    f"{row['singletons']:>7}{row['passes']:>7}"
                    f"{row['online_articles_per_s']:>9.1f}{row['amortised_articles_per_s']:>8.1f}",
                    flush=True,
                )
        return 0
    finally:
        if not args.keep_db:
            drop_scratch_database(admin_url)


if __name__ == "__main__":
    sys.exit(main())
