"""Import throughput: N generated JSONL articles through the real pipeline.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/import.py

Creates a scratch database on the same PostgreSQL server (``newsroom_bench`` by
default, dropped and re-created; the dev database is not touched), migrates it,
writes N articles as JSONL files of at most 10,000 lines into a temporary directory,
then imports them with ``paths_import`` (read → records → batched upsert) exactly as
``manage.py import`` does, with DEBUG off and the database task backend: each committed
batch queues one task that announces its articles (``article_published``, whose
receivers queue clustering per article). No worker runs here, so that announcing and
the clustering are not part of the figure; they are the worker's work.

Reports articles per second and the peak RSS (``resource.getrusage``), sampled as
the import goes so that a memory leak would show as a rising column.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

WORDS = (
    "government minister said talks border security economy election court police report "
    "officials country people week year city state federal public health crisis market "
    "prices workers company vote party leader president agreement attack military forces "
    "region water energy climate policy plan support bill law sources statement meeting"
).split()
OUTLETS = [f"Bench Outlet {n}" for n in range(40)]
AUTHORS = [f"Reporter {a} {b}" for a in "ABCDEFGH" for b in ("Smith", "Jones", "Khan")]


def generate(count: int, directory: Path, *, per_file: int = 10_000, seed: int = 1) -> list[Path]:
    """Write ``count`` distinct articles (about 120 words each) as JSONL files."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    paths = []
    for start in range(0, count, per_file):
        path = directory / f"bench-{start // per_file:04d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for n in range(start, min(start + per_file, count)):
                paragraphs = [
                    " ".join(rng.choices(WORDS, k=40)).capitalize() + f" Item {n}."
                    for _ in range(3)
                ]
                record = {
                    "id": f"bench-{n}",
                    "outlet": rng.choice(OUTLETS),
                    "title": f"Bench headline {n}: " + " ".join(rng.choices(WORDS, k=8)),
                    "text": "\n\n".join(paragraphs),
                    "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "url": f"https://bench.example.com/{n}",
                    "authors": [rng.choice(AUTHORS)],
                }
                handle.write(json.dumps(record) + "\n")
        paths.append(path)
    return paths


def scratch_database_url(name: str) -> str:
    """The server's URL from DATABASE_URL (or the embedded server), with ``name`` as db."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        from newsroom import localdb

        url = localdb.ensure_running()
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def backend_cpu_seconds(connection) -> float | None:
    """CPU time of this connection's PostgreSQL backend (same host only), from /proc."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(*, children: bool = False) -> float:
    """Peak RSS of this process, or of its largest finished child (Linux reports KiB)."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """User and system CPU of this process and its finished worker processes."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--database", default="newsroom_bench", help="scratch database name")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (import --jobs)")

    args = parser.parse_args(argv)

    url = scratch_database_url(args.database)
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sources.services import paths_import

    call_command("migrate", verbosity=0)

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        started = time.perf_counter()
        files = generate(args.count, Path(tmp))
        generated = time.perf_counter() - started
        size = sum(f.stat().st_size for f in files)
        print(
            f"generated {args.count:,} articles in {len(files)} files "
            f"({size / 2**20:.0f} MiB) in {generated:.1f} s",
            flush=True,
        )
        next_sample = sample_every = max(args.count // 10, 1)
        started = time.perf_counter()

        def on_progress(seen: int) -> None:
            nonlocal next_sample
            if seen >= next_sample:
                next_sample += sample_every
                elapsed = time.perf_counter() - started
                print(
                    f"  {seen:>8,} read  {elapsed:7.1f} s  peak RSS {peak_rss_mib():6.1f} MiB",
                    flush=True,
                )

        if args.batch_size is not None:
            import sources.services.imports

            sources.services.imports.BATCH_SIZE = args.batch_size
        cpu_before = _cpu_seconds()
        server_before = backend_cpu_seconds(connection) if args.jobs == 1 else None
        report = paths_import(files, jobs=args.jobs, on_progress=on_progress)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        server_after = backend_cpu_seconds(connection) if args.jobs == 1 else None
    rate = report.total / elapsed
    print(
        f"imported: created {report.created:,}, updated {report.updated:,}, "
        f"unchanged {report.unchanged:,}, failed {report.failed:,}"
    )
    print(f"{report.total:,} articles in {elapsed:.1f} s = {rate:,.0f} articles/s")
    print(f"importer CPU {cpu:.1f} s ({cpu / elapsed:.0%} of wall time), workers included")
    if server_before is not None and server_after is not None:
        server = server_after - server_before
        print(
            f"PostgreSQL backend CPU {server:.1f} s; together "
            f"{report.total / (cpu + server):,.0f} articles per CPU-second"
        )
    workers = f" (largest worker {peak_rss_mib(children=True):.1f} MiB)" if args.jobs > 1 else ""
    print(f"peak RSS {peak_rss_mib():.1f} MiB{workers}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"command: .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/import.py "
        f"--count {args.count} --jobs {args.jobs}"
    )
    connection.close()
    if not args.keep:
        recreate_database(url)  # leave an empty database rather than 100k rows
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
