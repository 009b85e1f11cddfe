"""The compose health check passes with the documented values (.env.example).

Before, the check fetched http://127.0.0.1:8000/healthz as is: Django refused the Host
(400) or redirected to https (301), compose never saw the web "healthy", and the
worker that waited for it never started. gunicorn runs here with .env.example's
values, as the web container does, against the test database.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from newsroom.tests.production import database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def env_example() -> dict[str, str]:
    values = {}
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@pytest.fixture
def web(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= env_example() | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "PAGE_CACHE_URL": f"filecache://{tmp_path / 'pages'}",
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"],
        cwd=settings.BASE_DIR, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
        except urllib.error.HTTPError:
            break  # answering (with an error: that is the point)
        except OSError:
            time.sleep(0.2)
    try:
        yield url, env
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_compose_health_check_passes_with_the_documented_values(web):
    url, env = web
    with pytest.raises(urllib.error.HTTPError) as plain:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 - the old check
    assert plain.value.code == 400  # DisallowedHost: 127.0.0.1 is not news.example.com

    check = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "newsroom.healthcheck", url],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_healthz_is_exempt_from_the_https_redirect(web):
    url, _env = web
    request = urllib.request.Request(url, headers={"Host": "news.example.com"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        assert response.status == 200
