"""`make scale-demo`: the scale-out path running on this machine, under load, measured.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/scale_demo.py
    ... bench/scale_demo.py --duration 60 --connections 16 --origin-connections 2

What it starts (and stops at the end, also on Ctrl-C or an error):

* the embedded PostgreSQL (the primary, via ``newsroom.localdb run``) with a fresh
  database (``newsroom_scale``, --database) holding the realistic demo (``load_demo``:
  the seeds and ~1,640 real articles), and a streaming replica of it
  (``localdb.start_replica``);
* Redis (``localredis``): page cache, rate-limit counters and sessions of every node;
* two "nodes": gunicorn on two ports (production settings, DEBUG off, 2 sync workers
  each), each with ``DATABASE_REPLICA_URLS``, ``REDIS_URL`` and
  ``HTTP_CACHE_PURGE_URLS`` pointing at Varnish;
* Varnish with ``deploy/varnish/newsroom.vcl`` whose one backend is replaced by a
  round-robin director over the two nodes (the generated VCL is in
  ``var/scale-demo/newsroom-scale.vcl``);
* two task workers (``python -m newsroom.worker``).

Then, for --duration seconds:

* readers: wrk (Debian package ``wrk``, ``bench/scale_wrk.lua``) requests random pages
  of a list (home, sections, stories, articles, outlets, searches) through Varnish, and
  a smaller wrk requests the same list from node 1 directly (the origin: its Redis page
  cache, renders on misses);
* an editor changes the headline of an article in that list through the service the
  admin calls (``article_save``), and times from the commit to the moment the page that
  Varnish serves shows the new headline (publish-to-visible);
* an importer imports three new articles at a time (``records_import``, the service the
  import command and the admin's import runs call); their tasks (announcement,
  clustering, mentions, search terms) go to the workers;
* logged-in readers post comments over HTTP through Varnish (a session, a CSRF token,
  ``POST /comments/on/<id>/``), which pins them to the primary;
* a recording task is enqueued every second; each run leaves a row, so a task run twice
  shows up; tasks of the real kinds count as duplicates when more than one worker
  claimed them (``worker_ids``);
* ``/healthz?detail=1`` is polled for each replica's lag.

Progress goes to stderr; the last line on stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _scratch import ROOT, use_scratch_database

sys.path.insert(0, str(ROOT))

from newsroom import localdb, localredis  # noqa: E402
from newsroom.supervise import stop_process_groups  # noqa: E402

WORK = ROOT / "var" / "scale-demo"
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
LUA = ROOT / "bench" / "scale_wrk.lua"
REPLICA = "scale"
RUNS_TABLE = "newsroom_test_task_runs"  # newsroom.tests.worker_tasks.record_run's table
HEALTH_TOKEN = secrets.token_urlsafe(16)


def log(message: str) -> None:
    print(f"[scale-demo {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    return localredis.free_port()


class Processes:
    """Children in their own process groups, stopped together in reverse order."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict, logfile: Path) -> subprocess.Popen:
        output = logfile.open("w")
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command,
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children.append((name, process))
        return process

    def check(self) -> None:
        for name, process in self.children:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited ({process.returncode}); see {WORK}/{name}.log")

    def stop(self) -> None:
        stop_process_groups([process for _name, process in reversed(self.children)], grace=15)


def http_get(port: int, path: str, headers: dict | None = None, timeout: float = 30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode(errors="replace"),
        )
    finally:
        connection.close()


def wait_http(port: int, path: str, timeout: float, what: str, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    while True:
        processes.check()
        with contextlib.suppress(OSError):
            status, _, _ = http_get(port, path, timeout=5)
            if status == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer 200 on {path} within {timeout:.0f} s")
        time.sleep(0.3)


def varnish_vcl(nodes: list[int]) -> str:
    """The committed VCL with its one backend replaced by a round-robin director."""
    text = VCL.read_text()
    backends = "\n".join(
        f"backend node{number} {{\n"
        f'    .host = "127.0.0.1";\n    .port = "{port}";\n'
        "    .connect_timeout = 2s;\n    .first_byte_timeout = 30s;\n"
        '    .probe = { .url = "/healthz"; .interval = 2s; .timeout = 2s;'
        " .window = 3; .threshold = 2; .initial = 2; }\n}"
        for number, port in enumerate(nodes, start=1)
    )
    adds = "".join(f"    nodes.add_backend(node{n});\n" for n in range(1, len(nodes) + 1))
    director = (
        f"import directors;\n\n{backends}\n\n"
        f"sub vcl_init {{\n    new nodes = directors.round_robin();\n{adds}}}\n\n"
        "# Runs before the committed vcl_recv (Varnish concatenates subs in order).\n"
        "sub vcl_recv {\n    set req.backend_hint = nodes.backend();\n}"
    )
    rendered, count = re.subn(r"backend default \{.*?\n\}", director, text, count=1, flags=re.S)
    if count != 1:
        raise RuntimeError("deploy/varnish/newsroom.vcl: no `backend default { ... }` block")
    return rendered


def start_varnish(processes: Processes, *, port: int, nodes: list[int]) -> None:
    varnishd = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
    if varnishd is None or not list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        raise SystemExit(
            "varnishd or its xkey vmod not found: apt-get install varnish varnish-modules"
        )
    vcl = WORK / "newsroom-scale.vcl"
    vcl.write_text(varnish_vcl(nodes))
    command = [
        varnishd, "-F", "-n", str(WORK / "varnish"), "-j", "none",
        "-a", f"127.0.0.1:{port}", "-T", "127.0.0.1:0", "-f", str(vcl),
        "-s", "malloc,256m", "-p", "thread_pools=1", "-p", "thread_pool_min=20",
    ]  # fmt: skip
    processes.start("varnish", command, dict(os.environ), WORK / "varnish.log")
    varnishlog = shutil.which("varnishlog") or shutil.which("varnishlog", path="/usr/bin")
    if varnishlog:  # every PURGE: its keys and how many objects it dropped
        command = [
            varnishlog, "-n", str(WORK / "varnish"), "-q", 'ReqMethod eq "PURGE"',
            "-i", "ReqHeader", "-i", "RespReason",
        ]  # fmt: skip
        time.sleep(1)  # varnishlog needs the shared memory log varnishd creates
        processes.start("varnishlog", command, dict(os.environ), WORK / "purges.log")


def node_environment(base: dict, *, replica_url: str) -> dict:
    return {**base, "DATABASE_REPLICA_URLS": replica_url}


def reader_paths(limit_articles: int, limit_stories: int) -> list[str]:
    from django.db.models import Count

    from articles.models import Article, Section
    from coverage.models import Story
    from sources.models import Outlet

    paths = ["/", "/search/?q=minister", "/search/?q=flood", "/search/?q=election"]
    paths += [f"/sections/{slug}/" for slug in Section.objects.values_list("slug", flat=True)[:10]]
    # The largest stories: the ones readers ask for. The newest are mostly one article,
    # and an edit re-clusters its article: a story left empty is deleted (its URL 404s).
    stories = Story.objects.annotate(size=Count("memberships")).order_by("-size", "-pk")
    stories = stories[:limit_stories]
    paths += [s.get_absolute_url() for s in stories]
    paths += [o.get_absolute_url() for o in Outlet.objects.order_by("pk")[:20]]
    articles = Article.objects.published().order_by("-published_at", "-pk")[:limit_articles]
    paths += [a.get_absolute_url() for a in articles]
    return list(dict.fromkeys(paths))


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.visible_ms: list[float] = []
        self.lag_ms: list[float] = []
        self.errors: list[str] = []
        self.publishes = self.imports = self.imported = self.comments = self.recorded = 0

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)
        log(f"error: {message}")


def editor_loop(stop: threading.Event, results: Results, *, varnish: int, targets, every: float):
    """Edit a headline, then poll Varnish until the page it serves shows it."""
    from django.db import close_old_connections, transaction

    from articles.models import Article
    from articles.workflow import article_save
    from demo.management.commands.load_demo import Command

    editor = Command().demo_editor()
    number = 0
    while not stop.is_set():
        number += 1
        pk, base = targets[number % len(targets)]
        marker = f"update {number} {secrets.token_hex(3)}"
        committed: list[float] = []
        try:
            article = Article.objects.get(pk=pk)
            article.headline = f"{base[:180]} ({marker})"
            with transaction.atomic():
                transaction.on_commit(lambda at=committed: at.append(time.monotonic()))
                article_save(
                    article=article,
                    by=editor,
                    expected_version=article.version,
                    changed_fields=["headline"],
                )
            path = article.get_absolute_url()
            deadline = committed[0] + 10
            while True:
                status, headers, body = http_get(varnish, path)
                if status == 200 and marker in body:
                    elapsed = (time.monotonic() - committed[0]) * 1000
                    with results.lock:
                        results.visible_ms.append(elapsed)
                        results.publishes += 1
                    break
                if time.monotonic() > deadline:
                    results.error(f"{path}: the new headline not visible after 10 s ({status})")
                    with results.lock:
                        results.visible_ms.append(10_000)
                    break
                time.sleep(0.02)
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            results.error(f"publish: {type(error).__name__}: {error}")
        finally:
            close_old_connections()
        stop.wait(every)


def importer_loop(stop: threading.Event, results: Results, *, every: float, outlet_name: str):
    from django.db import close_old_connections
    from django.utils import timezone

    from audit.services import system_user
    from sources.importers.records import ArticleRecord, BylineRecord
    from sources.services import records_import

    batch = 0
    while not stop.is_set():
        batch += 1
        token = secrets.token_hex(4)
        records = [
            ArticleRecord(
                source="scale-demo",
                headline=f"Harbour council weighs ferry budget, scale demo {batch}.{i} {token}",
                url=f"https://scale-demo.example/{token}/{i}",
                published_at=timezone.now(),
                outlet_name=outlet_name,
                section_name="World",
                bylines=[BylineRecord(name="Scale Demo Reporter")],
                paragraphs=[
                    "The harbour council met on Tuesday to weigh the ferry budget.",
                    f"The minister said the flood defences would be reviewed ({token}).",
                ],
                external_id=f"scale-demo-{token}-{i}",
            )
            for i in range(3)
        ]
        try:
            report = records_import(records, actor=system_user())
            with results.lock:
                results.imports += 1
                results.imported += report.created
            if report.failed:
                results.error(f"import: {report.failed} failed: {report.failures[:1]}")
        except Exception as error:  # noqa: BLE001
            results.error(f"import: {type(error).__name__}: {error}")
        finally:
            close_old_connections()
        stop.wait(every)


def reader_sessions(count: int) -> list[str]:
    """Session cookies of ``count`` readers, made as a login would (shared via Redis/DB)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    cookies = []
    for number in range(count):
        user, _ = get_user_model().objects.get_or_create(
            username=f"scale-reader-{number}",
            defaults={"email": f"scale-reader-{number}@example.com"},
        )
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def commenter_loop(stop, results: Results, *, varnish: int, sessions, articles, every: float):
    from urllib.parse import urlencode

    number = 0
    while not stop.is_set():
        number += 1
        session = sessions[number % len(sessions)]
        article_id = articles[number % len(articles)]
        csrf = secrets.token_hex(16)  # an unmasked secret: cookie and field match
        body = urlencode(
            {
                "body": f"Thanks for the report on the harbour ({number}).",
                "idempotency_key": str(uuid.uuid4()),
                "csrfmiddlewaretoken": csrf,
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", varnish, timeout=30)
        try:
            connection.request(
                "POST",
                f"/comments/on/{article_id}/",
                body=body,
                headers={
                    "Host": "127.0.0.1",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"sessionid={session}; csrftoken={csrf}",
                },
            )
            response = connection.getresponse()
            response.read()
            pinned = "newsroom_primary" in (response.getheader("Set-Cookie") or "")
            if response.status == 302 and pinned:
                with results.lock:
                    results.comments += 1
            else:
                results.error(f"comment: {response.status} (pin cookie: {pinned})")
        except OSError as error:
            results.error(f"comment: {type(error).__name__}: {error}")
        finally:
            connection.close()
        stop.wait(every)


def recorder_loop(stop: threading.Event, results: Results, *, base: int):
    from django.db import close_old_connections

    from newsroom.tests.worker_tasks import record_run

    number = base
    while not stop.is_set():
        try:
            record_run.enqueue(number)
            with results.lock:
                results.recorded += 1
            number += 1
        except Exception as error:  # noqa: BLE001
            results.error(f"enqueue: {type(error).__name__}: {error}")
        finally:
            close_old_connections()
        stop.wait(1.0)


def lag_loop(stop: threading.Event, results: Results, *, node: int):
    while not stop.is_set():
        try:
            status, _, body = http_get(
                node, "/healthz?detail=1", {"X-Healthz-Token": HEALTH_TOKEN}, timeout=10
            )
            replicas = json.loads(body).get("replicas", {})
            for alias, figures in replicas.items():
                if "lag_ms" not in figures:
                    results.error(f"healthz: {alias} {figures}")
                    continue
                with results.lock:
                    results.lag_ms.append(float(figures["lag_ms"]))
        except (OSError, ValueError) as error:
            results.error(f"healthz: {type(error).__name__}: {error}")
        stop.wait(0.5)


def run_wrk(*, port: int, connections: int, threads: int, duration: int, urls: Path, out: Path):
    env = {**os.environ, "SCALE_URLS": str(urls), "SCALE_HOST": "127.0.0.1"}
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=out.open("w"), stderr=subprocess.STDOUT)  # noqa: S603


def wrk_result(path: Path) -> dict:
    for line in path.read_text().splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise RuntimeError(f"wrk gave no result: {path.read_text()[-2000:]}")


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system, reaped children included) of ``root`` and its descendants."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(value) for value in fields[11:15]) / TICKS
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack += [child for child, parent in parents.items() if parent == pid]
    return total


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split()[0])


def purge_summary(path: Path) -> str:
    """How many PURGE requests Varnish took and how many cached objects they dropped."""
    if not path.exists():
        return "varnishlog not running"
    dropped = [int(n) for n in re.findall(r"RespReason\s+Purged (\d+)", path.read_text())]
    if not dropped:
        return "none"
    return (
        f"{len(dropped)} PURGE requests dropped {sum(dropped)} objects "
        f"(median {statistics.median(dropped):.0f}, max {max(dropped)} per request)"
    )


def due_unfinished(tasks):
    """Tasks due now that have not finished: waiting (django-tasks-db's ``ready()``: no
    ``run_after``, which it stores as the maximum date, or one that has passed) or
    running. The periodic passes queued for later do not count."""
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import get_date_max

    due = Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    return tasks.filter(due, status__in=["READY", "RUNNING"])


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:  # noqa: C901, PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections via Varnish")
    parser.add_argument("--origin-connections", type=int, default=2, help="wrk at node 1")
    parser.add_argument("--database", default="newsroom_scale")
    parser.add_argument("--web-workers", default="2", help="gunicorn workers per node")
    parser.add_argument("--publish-every", type=float, default=2.0)
    parser.add_argument("--import-every", type=float, default=4.0)
    parser.add_argument("--comment-every", type=float, default=1.5)
    parser.add_argument("--drain-timeout", type=float, default=300, help="s for load_demo's tasks")
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep the demo a previous run loaded"
    )
    parser.add_argument("--keep-static", action="store_true", help="skip collectstatic if done")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found (apt-get install wrk)")
    if localredis.binary() is None:
        raise SystemExit("redis-server not found (apt-get install redis-server)")

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    processes = Processes()
    redis = None
    replica_started = False
    try:
        primary_url = use_scratch_database(args.database, fresh=not args.reuse_database)
        log(f"database {args.database}; load average {load_average()}")
        redis = localredis.start(WORK / "redis")
        log(f"redis on {redis.url}")
        varnish_port, node_ports = free_port(), [free_port(), free_port()]
        static_root = ROOT / "var" / "scale-static"
        base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
            "DATABASE_URL": primary_url,
            "SECRET_KEY": "scale-demo-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_URL": "consolemail://",
            "SITE_URL": f"http://127.0.0.1:{varnish_port}",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "REDIS_URL": redis.url,
            "HTTP_CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}/",
            "HEALTHZ_DETAIL_TOKEN": HEALTH_TOKEN,
            "STATIC_ROOT": str(static_root),
            "COMMENTS_RATE_LIMIT_PER_MINUTE": "1000",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(base_env)

        def manage(*command: str) -> None:
            arguments = [sys.executable, "manage.py", *command]
            subprocess.run(arguments, cwd=ROOT, env=base_env, check=True)  # noqa: S603

        started = time.monotonic()
        manage("migrate", "--no-input", "-v", "0")
        if not (args.keep_static and (static_root / "staticfiles.json").exists()):
            manage("collectstatic", "--no-input", "-v", "0")
        log(f"migrated and static files collected in {time.monotonic() - started:.0f} s")
        start_varnish(processes, port=varnish_port, nodes=node_ports)
        started = time.monotonic()
        if not args.reuse_database:
            manage("load_demo")
            log(f"load_demo in {time.monotonic() - started:.0f} s")

        started = time.monotonic()
        replica_url = localdb.start_replica(REPLICA, database=args.database)
        replica_started = True
        log(f"streaming replica in {time.monotonic() - started:.1f} s: {replica_url}")

        node_env = node_environment(base_env, replica_url=replica_url)
        for number, port in enumerate(node_ports, start=1):
            gunicorn = [
                sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", args.web_workers,
                "--forwarded-allow-ips", "127.0.0.1", "--no-control-socket",
                "--log-level", "warning",
            ]  # fmt: skip
            processes.start(f"node{number}", gunicorn, node_env, WORK / f"node{number}.log")
        for number in (1, 2):
            worker = [sys.executable, "-m", "newsroom.worker", "--interval", "0.2"]
            processes.start(f"worker{number}", worker, base_env, WORK / f"worker{number}.log")
        for number, port in enumerate(node_ports, start=1):
            wait_http(port, "/healthz", 90, f"node {number}", processes)
        wait_http(varnish_port, "/healthz", 30, "varnish", processes)
        log(f"nodes on {node_ports}, varnish on {varnish_port}, 2 workers")

        # Django in this process: the editor, importer and task producer write as the
        # admin and the import command would (primary only, purging Varnish on commit).
        os.environ.pop("DATABASE_REPLICA_URLS", None)
        import django

        os.chdir(ROOT)
        django.setup()
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        from articles.models import Article
        from sources.models import Outlet

        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (number int, pid int)")
            cursor.execute(f"TRUNCATE {RUNS_TABLE}")
        # First the tasks load_demo queued (each article's announcement re-clusters it, and
        # stories merge): pages are listed and warmed once the site is in a steady state,
        # not while stories are still merging away under the readers.
        backlog = due_unfinished(DBTaskResult.objects)
        deadline = time.monotonic() + args.drain_timeout
        while (left := backlog.count()) and time.monotonic() < deadline:
            log(f"the workers are draining load_demo's tasks: {left} left")
            processes.check()
            time.sleep(5)
        # Numbers of this run's recording tasks: a stale task of an earlier run on the same
        # database writes a number outside [base, base + enqueued) and is not counted.
        base = secrets.randbelow(2000) * 1_000_000
        # The header's section list is remembered in the page cache (a fresh Redis here);
        # without it the first write after start-up counts as a change of the header and
        # purges every page. Remember it before warming, as a running site would have.
        from articles.invalidation import _section_nav_changed

        _section_nav_changed()
        paths = reader_paths(limit_articles=300, limit_stories=60)
        log(f"warming {len(paths)} pages through Varnish")
        with ThreadPoolExecutor(4) as pool:
            first = list(pool.map(lambda path: http_get(varnish_port, path), paths))
        good = [path for path, (status, _, _) in zip(paths, first, strict=True) if status == 200]
        for path, (status, _, _) in zip(paths, first, strict=True):
            if status != 200:
                log(f"  left out {path}: {status}")
        with ThreadPoolExecutor(4) as pool:
            second = list(pool.map(lambda path: http_get(varnish_port, path), good))
        hits = sum(headers.get("X-Cache") == "HIT" for _, headers, _ in second)
        log(f"warmed: a second pass found {hits} of {len(good)} pages in Varnish")
        states = [http_get(node_ports[0], good[-1])[1].get("X-Page-Cache") for _ in range(3)]
        log(f"node 1's page cache, one page three times: {states}")
        urls = WORK / "urls.txt"
        urls.write_text("\n".join(good) + "\n")
        published = Article.objects.published().order_by("-published_at", "-pk")
        targets = list(published.values_list("pk", "headline")[:40])
        comment_articles = [pk for pk, _ in targets[:20]]
        outlet_name = Outlet.objects.order_by("pk").values_list("name", flat=True).first()
        sessions = reader_sessions(5)
        tasks_before = set(DBTaskResult.objects.values_list("pk", flat=True))

        results = Results()
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=editor_loop,
                args=(stop, results),
                kwargs={"varnish": varnish_port, "targets": targets, "every": args.publish_every},
            ),
            threading.Thread(
                target=importer_loop,
                args=(stop, results),
                kwargs={"every": args.import_every, "outlet_name": outlet_name},
            ),
            threading.Thread(
                target=commenter_loop,
                args=(stop, results),
                kwargs={
                    "varnish": varnish_port,
                    "sessions": sessions,
                    "articles": comment_articles,
                    "every": args.comment_every,
                },
            ),
            threading.Thread(target=recorder_loop, args=(stop, results), kwargs={"base": base}),
            threading.Thread(target=lag_loop, args=(stop, results), kwargs={"node": node_ports[0]}),
        ]
        for thread in threads:
            thread.daemon = True  # Ctrl-C must not wait for them
        log(f"load for {args.duration} s; load average {load_average()}")
        load_before = os.getloadavg()
        tiers = {name: process.pid for name, process in processes.children}
        tiers["redis"] = redis.process.pid
        tiers["primary"] = postmaster_pid(localdb.DATA_DIR)
        tiers["replica"] = postmaster_pid(localdb.replica_data_dir(REPLICA))
        cpu_before = {name: tree_cpu_seconds(pid) for name, pid in tiers.items()}
        cpu_before["writers (this process)"] = sum(os.times()[:2])
        cache_out, origin_out = WORK / "wrk-cache.txt", WORK / "wrk-origin.txt"
        wrks = [
            run_wrk(port=varnish_port, connections=args.connections, threads=2,
                    duration=args.duration, urls=urls, out=cache_out),
            run_wrk(port=node_ports[0], connections=args.origin_connections, threads=1,
                    duration=args.duration, urls=urls, out=origin_out),
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        began = time.monotonic()
        load_samples = []
        try:
            while any(w.poll() is None for w in wrks):
                time.sleep(5)
                processes.check()
                load_samples.append(os.getloadavg()[0])
                with results.lock:
                    lag = max(results.lag_ms, default=0)
                    visible = max(results.visible_ms, default=0)
                    log(
                        f"{time.monotonic() - began:4.0f} s: published {results.publishes}, "
                        f"imports {results.imports} ({results.imported} articles), comments "
                        f"{results.comments}, tasks enqueued {results.recorded}, lag max "
                        f"{lag:.0f} ms, publish-to-visible max {visible:.0f} ms, errors "
                        f"{len(results.errors)}, load {load_samples[-1]:.2f}"
                    )
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            for w in wrks:
                if w.poll() is None:
                    w.terminate()
                w.wait()
        cpu = {name: tree_cpu_seconds(pid) - cpu_before[name] for name, pid in tiers.items()}
        cpu["writers (this process)"] = sum(os.times()[:2]) - cpu_before["writers (this process)"]
        wall = time.monotonic() - began
        cache, origin = wrk_result(cache_out), wrk_result(origin_out)
        if cache["status_4xx"] or origin["status_4xx"]:
            for path in good:  # which pages answered 4xx: ask each once more
                status = http_get(varnish_port, path)[0]
                if status >= 400:
                    log(f"  {path} now answers {status}")

        # Let the workers drain what the run enqueued, then count runs.
        new_tasks = DBTaskResult.objects.exclude(pk__in=tasks_before)
        deadline = time.monotonic() + 120
        while due_unfinished(new_tasks).exists():
            if time.monotonic() > deadline:
                results.error("tasks still queued 120 s after the load")
                break
            time.sleep(1)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) - count(DISTINCT number), count(DISTINCT number) "  # noqa: S608
                f"FROM {RUNS_TABLE} WHERE number >= %s AND number < %s",
                [base, base + results.recorded],
            )
            recorded_twice, recorded_runs = cursor.fetchone()
        claims = list(new_tasks.values_list("worker_ids", "status", "task_path"))
        claimed_twice = sum(1 for worker_ids, _, _ in claims if len(worker_ids) > 1)
        failed = [path for _, status, path in claims if status == "FAILED"]
        if failed:
            results.error(f"{len(failed)} tasks failed: {sorted(set(failed))}")
        workers_seen = {w.split(":")[1] for ids, _, _ in claims for w in ids if ":" in w}

        report = {
            "requests": cache["requests"] + origin["requests"],
            "errors": (
                cache["socket_errors"] + cache["timeouts"] + cache["status_4xx"]
                + cache["status_5xx"] + origin["socket_errors"] + origin["timeouts"]
                + origin["status_4xx"] + origin["status_5xx"] + len(results.errors)
            ),
            "status_5xx": cache["status_5xx"] + origin["status_5xx"],
            "p50_ms_cache": cache["p50_ms"],
            "p95_ms_cache": cache["p95_ms"],
            "p50_ms_origin": origin["p50_ms"],
            "p95_ms_origin": origin["p95_ms"],
            "replica_lag_ms_max": max(results.lag_ms, default=0),
            "publish_to_visible_ms_max": round(max(results.visible_ms, default=0), 1),
            "duplicate_tasks": recorded_twice + claimed_twice,
        }  # fmt: skip
        purges = purge_summary(WORK / "purges.log")
        node_cache = (
            f"answers from the nodes: via Varnish {cache['node_page_cache_hits']} of "
            f"{cache['node_answers']} from the shared page cache, direct "
            f"{origin['node_page_cache_hits']} of {origin['node_answers']}"
        )
        visible = results.visible_ms
        misses = cache["requests"] - cache["hits"]
        rendered_by_nodes = misses + origin["requests"]
        per = {
            "varnish": cache["requests"],
            "node1": rendered_by_nodes,
            "node2": rendered_by_nodes,
            "redis": rendered_by_nodes,
            "replica": rendered_by_nodes,
        }
        lines = [
            f"CPU over {wall:.0f} s of load (wrk itself not counted; per request: Varnish per "
            f"request it got, nodes/Redis/replica per request that reached a node: "
            f"{rendered_by_nodes:,} = {misses:,} Varnish misses and passes + {origin['requests']:,}"
            " direct)",
            "| tier | CPU s | cores | ms per request |",
            "|---|---:|---:|---:|",
        ]
        for name, seconds in cpu.items():
            denominator = per.get(name)
            each = f"{seconds * 1000 / denominator:.3f}" if denominator else "-"
            lines.append(f"| {name} | {seconds:.1f} | {seconds / wall:.2f} | {each} |")
        print("\n".join(lines), flush=True)
        print(
            f"\nscale-demo: {args.duration} s, load average {load_before[0]:.2f} before, "
            f"{statistics.mean(load_samples or [0]):.2f} mean, {max(load_samples or [0]):.2f} max "
            f"during; {len(good)} pages\n"
            f"| path | requests | req/s | Varnish hits | p50 ms | p95 ms | p99 ms | 5xx |\n"
            f"|---|---|---|---|---|---|---|---|\n"
            f"| via Varnish ({args.connections} conn.) | {cache['requests']:,} | "
            f"{cache['requests'] / cache['duration_s']:.0f} | "
            f"{cache['hits'] / max(cache['requests'], 1):.1%} | {cache['p50_ms']} | "
            f"{cache['p95_ms']} | {cache['p99_ms']} | {cache['status_5xx']} |\n"
            f"| origin node 1 ({args.origin_connections} conn.) | {origin['requests']:,} | "
            f"{origin['requests'] / origin['duration_s']:.0f} | - | {origin['p50_ms']} | "
            f"{origin['p95_ms']} | {origin['p99_ms']} | {origin['status_5xx']} |\n"
            f"writes: {results.publishes} headline edits (publish-to-visible p50 "
            f"{statistics.median(visible) if visible else 0:.0f} ms, max "
            f"{max(visible, default=0):.0f} ms), {results.imports} imports "
            f"({results.imported} articles), {results.comments} comments over HTTP\n"
            f"tasks: {len(claims)} run by workers {sorted(workers_seen)}, "
            f"{len(failed)} failed, {claimed_twice} claimed twice; recording task "
            f"{recorded_runs} of {results.recorded} enqueued, {recorded_twice} run twice\n"
            f"replica lag: {len(results.lag_ms)} samples, max {report['replica_lag_ms_max']:.0f} "
            f"ms, p50 {statistics.median(results.lag_ms) if results.lag_ms else 0:.0f} ms\n"
            f"purges: {purges}\n{node_cache}\nerrors: {results.errors[:5]}",
            flush=True,
        )
        print(json.dumps(report), flush=True)
        return 0
    finally:
        log("stopping everything")
        processes.stop()
        if replica_started:
            localdb.stop_replica(REPLICA)
        if redis is not None:
            redis.stop()


if __name__ == "__main__":
    sys.exit(main())
