"""Run the site's processes together, for `make run` and `make serve`.

    python -m newsroom.supervise dev    # migrate, load the demo, runserver + worker
    python -m newsroom.supervise prod   # migrate, collectstatic, nginx + gunicorn + worker

``prod`` is what docker-compose.yml runs, on one machine: nginx on NEWSROOM_ADDR
(default 127.0.0.1:8000) serves uploaded media from MEDIA_ROOT with the committed
configuration (``deploy/nginx/``) and passes everything else to gunicorn on a unix
socket under ``var/run``; the task worker is ``python -m newsroom.worker``.

Each child runs in its own process group, so that on Ctrl-C or SIGTERM we stop the
whole group (runserver's autoreloader child included) and wait for it; then
``newsroom.localdb run`` stops PostgreSQL.

The worker is restarted when it dies (after 1 s, doubling to 30 s while it keeps
dying within a minute of its start): a worker killed mid-task must not leave the site
without one, and a crash loop must not spin. The site's own processes (nginx,
gunicorn, runserver) are not restarted here: gunicorn restarts its own workers, and
if the master dies something is badly wrong, so everything stops and we exit 1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY_DIR = BASE_DIR / "deploy" / "nginx"
HOST_PORT = os.environ.get("NEWSROOM_ADDR", "127.0.0.1:8000")
RESTART_DELAY_MAX = 30.0
STABLE_AFTER = 60.0


def manage(*args: str, settings: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    subprocess.run([PYTHON, "manage.py", *args], check=True, env=env, cwd=BASE_DIR)  # noqa: S603


@dataclass
class Child:
    name: str
    command: list[str]
    settings: str
    restart: bool = False
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    delay: float = 0.0
    restart_at: float | None = None
    restarts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": self.settings, **self.extra_env}
        self.process = subprocess.Popen(  # noqa: S603
            self.command, env=env, cwd=BASE_DIR, start_new_session=True
        )
        self.started_at = time.monotonic()
        self.restart_at = None


def stop_all(children: list[Child]) -> None:
    stop_process_groups([c.process for c in children if c.process is not None])


def stop_process_groups(processes: list[subprocess.Popen], *, grace: float = 10) -> None:
    """SIGTERM each running process's group, in the order given; SIGKILL a group still
    running ``grace`` seconds later. Also for ``bench/scale_demo.py``'s children."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def render_template(template: Path, values: dict[str, str]) -> str:
    """Fill in ``${NAME}`` for our names only, as the nginx image's envsubst does."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def nginx_directory(listen: str) -> Path:
    """var/nginx/<address>/: nginx's files and gunicorn's socket (nginx's workers must
    reach it, so not under var/run, which is private to its owner)."""
    directory = BASE_DIR / "var" / "nginx" / listen.replace(":", "-")
    directory.mkdir(parents=True, exist_ok=True, mode=0o755)
    return directory


def nginx_command(*, listen: str, upstream: str, media_root: Path) -> list[str]:
    """Write var/nginx/ for this address and return the command that runs nginx on it."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        raise SystemExit(
            "nginx not found: `make serve` puts it in front of gunicorn, as in production "
            "(Debian: apt-get install nginx-light)"
        )
    directory = nginx_directory(listen)
    values = {
        "NEWSROOM_LISTEN": listen,
        "NEWSROOM_UPSTREAM": upstream,
        "NEWSROOM_MEDIA_ROOT": str(media_root).rstrip("/"),
        "NEWSROOM_NGINX_DIR": str(directory),
    }
    (directory / "newsroom.conf").write_text(
        render_template(DEPLOY_DIR / "newsroom.conf.template", values)
    )
    (directory / "nginx.conf").write_text(
        render_template(DEPLOY_DIR / "nginx.conf.template", values)
    )
    return [nginx, "-c", str(directory / "nginx.conf"), "-p", str(directory)]


def media_root() -> Path:
    """MEDIA_ROOT as settings/base.py reads it (no Django start-up just for this)."""
    return Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")


def children_for(mode: str) -> list[Child] | None:
    worker = [PYTHON, "-m", "newsroom.worker"]
    if mode == "dev":
        settings = "newsroom.settings.dev"
        manage("load_demo", "--migrate", settings=settings)
        return [
            Child("web", [PYTHON, "manage.py", "runserver", HOST_PORT], settings),
            Child("worker", worker, settings, restart=True),
        ]
    if mode == "prod":
        settings = "newsroom.settings.prod"
        manage("migrate", "--no-input", "-v", "0", settings=settings)
        # Tests that start several sites collect once and pass NEWSROOM_COLLECTSTATIC=0.
        if os.environ.get("NEWSROOM_COLLECTSTATIC", "1") != "0":
            manage("collectstatic", "--no-input", "-v", "0", settings=settings)
        media = media_root()
        media.mkdir(parents=True, exist_ok=True)
        socket_path = nginx_directory(HOST_PORT) / "gunicorn.sock"
        gunicorn = [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi:application",
            "--bind", f"unix:{socket_path}",
            "--workers", os.environ.get("WEB_CONCURRENCY", "2"),
            "--forwarded-allow-ips", "*",  # only nginx can reach the socket
            "--no-control-socket",  # one per user by default: two sites would collide
            "--access-logfile", "-",
        ]  # fmt: skip
        nginx = nginx_command(listen=HOST_PORT, upstream=f"unix:{socket_path}", media_root=media)
        return [
            Child("web", gunicorn, settings),
            Child("nginx", nginx, settings),
            Child("worker", worker, settings, restart=True),
        ]
    return None


def supervise(children: list[Child], should_stop) -> int:
    """Watch the children until asked to stop or one that is not restarted dies."""
    while not should_stop():
        now = time.monotonic()
        for child in children:
            if should_stop():  # Ctrl-C reaches the children too: their exit is expected
                return 0
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    print(f"supervise: restarting {child.name}", file=sys.stderr, flush=True)
                    child.start()
                continue
            code = child.process.poll()
            if code is None:
                continue
            if not child.restart:
                print(f"supervise: {child.name} exited ({code}); stopping", file=sys.stderr)
                return 1
            stable = now - child.started_at >= STABLE_AFTER
            doubled = min(RESTART_DELAY_MAX, child.delay * 2)
            child.delay = 1.0 if stable or not child.delay else doubled
            child.restart_at = now + child.delay
            print(
                f"supervise: {child.name} exited ({code}); restarting in {child.delay:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        # sigtimedwait takes a waited-for signal itself, without running the handler.
        if signal.sigtimedwait([signal.SIGINT, signal.SIGTERM], 0.2) is not None:
            return 0
    return 0


def main(mode: str) -> int:
    children = children_for(mode)
    if children is None:
        print(__doc__, file=sys.stderr)
        return 2
    stopping = False

    def request_stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    for child in children:
        child.start()
    print(f"Serving on http://{HOST_PORT}/ (Ctrl-C stops everything)", flush=True)
    try:
        return supervise(children, lambda: stopping)
    finally:
        stop_all(children)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
