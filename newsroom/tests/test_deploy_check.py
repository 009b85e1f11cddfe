"""Production settings pass Django's deployment checklist with the documented environment."""

import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_with_production_settings_prints_no_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "EMAIL_URL": "smtp+tls://newsroom:secret@smtp.example.com:587",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
        "ALLOWED_HOSTS": "news.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or "postgres://newsroom:secret@db.example.com:5432/newsroom",
    }
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
