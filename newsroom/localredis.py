"""A throw-away redis-server (Debian's package) for the tests and the scale-out demo.

    server = localredis.start(directory)   # a free loopback port, no persistence
    server.url                             # redis://127.0.0.1:PORT/0 (REDIS_URL)
    server.stop()

Production runs its own Redis; ``make run`` and ``make test`` need none (the tests that
do start one here). The module reads no Django settings.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REDIS_SERVER = "redis-server"


def binary() -> str | None:
    return shutil.which(REDIS_SERVER) or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(directory: Path, *, port: int | None = None, maxmemory: str = "256mb") -> RedisServer:
    """Start redis-server on 127.0.0.1 with its files in ``directory``; wait until it answers.

    Pages may be evicted under memory pressure (``allkeys-lru``): the page cache
    re-renders them, and a lost generation is re-created above every earlier one.
    """
    executable = binary()
    if executable is None:
        raise FileNotFoundError("redis-server not found (apt-get install redis-server)")
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            executable,
            "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
            "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--maxmemory", maxmemory, "--maxmemory-policy", "allkeys-lru",
            "--logfile", str(directory / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = RedisServer(process, port)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"redis-server did not start; see {directory / 'redis.log'}")
        time.sleep(0.05)
