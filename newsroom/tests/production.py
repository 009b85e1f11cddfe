"""Start the production stack as an operator would, for the tests that check it.

``python -m newsroom.supervise prod``: nginx (deploy/nginx/) in front of gunicorn,
and the task worker, with ``newsroom.settings.prod`` and its environment. Static files
are collected once per test session (whitenoise's compression is slow) and each site
gets its own media, caches and address.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def require_nginx() -> None:
    """Skip without nginx, except in CI, where .ci/run installs it and the test must run."""
    if NGINX:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but nginx is missing: .ci/run installs it (apt-get install nginx)")
    pytest.skip("nginx not found (apt-get install nginx-light)")


@pytest.fixture
def site_dir():
    """A directory for one site's media and caches that nginx's workers may read.

    nginx drops to an unprivileged user, as in production, and pytest's tmp_path is
    private to its owner; so this lives under var/ in the checkout (mode 0755).
    """
    root = Path(settings.BASE_DIR) / "var" / "test-sites"
    root.mkdir(parents=True, exist_ok=True, mode=0o755)
    directory = Path(tempfile.mkdtemp(dir=root))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a Django connection's settings (the test database, a socket)."""
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    return f"postgres://{settings_dict['USER']}{password}@{host}{port}/{settings_dict['NAME']}"


def production_env(*, database_url: str, address: str, site_dir: Path, static_root: Path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.pop("NEWSROOM_PGDATA", None)
    return env | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "consolemail://",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://{address}",
        "NEWSROOM_ADDR": address,
        "MEDIA_ROOT": str(site_dir / "media"),
        "STATIC_ROOT": str(static_root),
        "NEWSROOM_COLLECTSTATIC": "0",
        "CACHE_URL": f"filecache://{site_dir / 'cache' / 'default'}",
        "PAGE_CACHE_URL": f"filecache://{site_dir / 'cache' / 'pages'}",
        "WEB_CONCURRENCY": "2",
    }


def _static_sources_digest() -> str:
    """Changes when our static files, the locked packages (admin, editor) or the
    production settings (the storage and what it compresses) change."""
    digest = hashlib.sha256((Path(settings.BASE_DIR) / "uv.lock").read_bytes())
    digest.update((Path(settings.BASE_DIR) / "newsroom" / "settings" / "prod.py").read_bytes())
    for directory in settings.STATICFILES_DIRS:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def collected_static() -> Path:
    """collectstatic with the production storage, kept under var/ while the sources
    are unchanged: compressing every file takes about 20 s of CPU."""
    root = Path(settings.BASE_DIR) / "var" / "test-static" / _static_sources_digest()
    root.parent.mkdir(parents=True, exist_ok=True)
    # Test processes running side by side (pytest-xdist) collect once: the others wait.
    with open(root.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            _collectstatic(root)
    return root


def _collectstatic(root: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": "collectstatic-" + "x" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://unused@localhost/unused",
        "EMAIL_URL": "consolemail://",
        "STATIC_ROOT": str(root),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR, env=env, check=True, timeout=300,
    )  # fmt: skip


class Site:
    """`python -m newsroom.supervise prod` in its own session, stopped on exit."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env = env
        self.address = env["NEWSROOM_ADDR"]
        self.url = f"http://{self.address}"
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "newsroom.supervise", "prod"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path)  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"supervisor exited:\n{self.log()}"
            with contextlib.suppress(OSError):
                if self.get("/healthz", timeout=5)[0] == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"{self.url}/healthz not 200 within {timeout} s:\n{self.log()}")

    def log(self, tail: int | None = 6000) -> str:
        text = self.log_path.read_text(errors="replace")
        return text[-tail:] if tail else text

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def wait_for(condition, *, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@contextlib.contextmanager
def running_site(site_dir: Path, static_root: Path):
    """The production stack on a free address against the test database, healthy;
    stopped on exit. Its environment is ``site.env`` (its caches under ``site_dir``)."""
    from django.db import connection

    require_nginx()
    env = production_env(
        database_url=database_url(connection.settings_dict),
        address=f"127.0.0.1:{free_port()}",
        site_dir=site_dir,
        static_root=static_root,
    )
    site = Site(env, site_dir / "site.log")
    try:
        site.wait_healthy()
        yield site
    finally:
        site.stop()
