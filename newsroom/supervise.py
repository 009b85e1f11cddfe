"""Run the web server and the task worker together, for `make run` and `make serve`.

    python -m newsroom.supervise dev    # migrate, load the demo, runserver + db_worker
    python -m newsroom.supervise prod   # migrate, collectstatic, gunicorn + db_worker

Each child runs in its own process group, so that on Ctrl-C or SIGTERM we stop the
whole group (runserver's autoreloader child included) and wait for it; then
``newsroom.localdb run`` stops PostgreSQL. If either child dies, the other is stopped
too: a site without its worker would silently never publish scheduled articles.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

PYTHON = sys.executable
HOST_PORT = os.environ.get("NEWSROOM_ADDR", "127.0.0.1:8000")


def manage(*args: str, settings: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    subprocess.run([PYTHON, "manage.py", *args], check=True, env=env)  # noqa: S603


def start(command: list[str], settings: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603


def stop_all(children: list[subprocess.Popen]) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def main(mode: str) -> int:
    if mode == "dev":
        settings = "newsroom.settings.dev"
        manage("load_demo", "--migrate", settings=settings)
        web = [PYTHON, "manage.py", "runserver", HOST_PORT]
    elif mode == "prod":
        settings = "newsroom.settings.prod"
        manage("migrate", "--no-input", "-v", "0", settings=settings)
        manage("collectstatic", "--no-input", "-v", "0", settings=settings)
        web = [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi:application",
            "--bind", HOST_PORT, "--workers", os.environ.get("WEB_CONCURRENCY", "2"),
            "--access-logfile", "-",
        ]  # fmt: skip
    else:
        print(__doc__, file=sys.stderr)
        return 2

    children = [start(web, settings), start([PYTHON, "manage.py", "db_worker"], settings)]
    print(f"Serving on http://{HOST_PORT}/ (Ctrl-C stops everything)", flush=True)
    stopping = False

    def request_stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            # sigtimedwait takes a waited-for signal itself, without running the handler.
            if signal.sigtimedwait([signal.SIGINT, signal.SIGTERM], 0.5) is not None:
                stopping = True
    finally:
        stop_all(children)
    failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
    return 0 if stopping or not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
