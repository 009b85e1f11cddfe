"""Production settings pass Django's deployment checklist with the documented environment."""

import os
import subprocess
import sys
import uuid

from django.conf import settings


def production_environment() -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "EMAIL_URL": "smtp+tls://newsroom:secret@smtp.example.com:587",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
        "ALLOWED_HOSTS": "news.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or "postgres://newsroom:secret@db.example.com:5432/newsroom",
    }


def test_check_deploy_with_production_settings_prints_no_warnings():
    env = production_environment()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_web_processes_share_their_rate_limit_counts():
    """gunicorn runs several worker processes: a reader's requests spread over them
    must all count against one limit (search suggestions, allauth's signup limits)."""
    key = f"test-rate:{uuid.uuid4().hex}"
    count_once = (
        "from django.core.cache import cache; "
        f"cache.add({key!r}, 0, timeout=60); print(cache.incr({key!r}))"
    )
    counts = []
    for _process in range(2):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", count_once],
            cwd=settings.BASE_DIR,
            env=production_environment(),
            capture_output=True,
            text=True,
            check=True,
        )
        counts.append(result.stdout.split()[-1])
    assert counts == ["1", "2"]
