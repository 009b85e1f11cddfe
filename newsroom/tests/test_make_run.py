"""`make run` end to end: it serves the demo, and Ctrl-C leaves nothing running.

Runs the same command line as the Makefile against a throwaway data directory and port.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
from django.conf import settings

from newsroom import localdb


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run exited before serving"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def processes_mentioning(text: str) -> list[list[str]]:
    """Command lines of live processes that mention ``text`` (a data dir, an address)."""
    return [
        process.info["cmdline"]
        for process in psutil.process_iter(["cmdline"])
        if any(text in arg for arg in process.info["cmdline"] or [])
    ]


def test_make_run_serves_the_demo_and_ctrl_c_stops_everything(tmp_path):
    data_dir = tmp_path / "postgres"
    address = f"127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"NEWSROOM_PGDATA": str(data_dir), "NEWSROOM_ADDR": address}
    # The seeds only: the coverage layer (1,600 articles, about a minute) has its own tests.
    env["COVERAGE_DATA_DIR"] = str(tmp_path / "no-coverage-data")
    command = [sys.executable, "-m", "newsroom.localdb", "run", "--"]
    command += [sys.executable, "-m", "newsroom.supervise", "dev"]
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        home = wait_until_serving(f"http://{address}/", process)
        assert home.count('class="card"') == 5
        assert localdb.is_running(data_dir) is True

        os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        assert process.wait(timeout=60) == 0
        assert localdb.is_running(data_dir) is False
        assert processes_mentioning(str(data_dir)) == []  # PostgreSQL
        assert processes_mentioning(address) == []  # runserver and its reloader child
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        localdb.stop(data_dir)
