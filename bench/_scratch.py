"""Shared by the benchmarks: a scratch database on the same server, never the dev one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def use_scratch_database(name: str, *, fresh: bool) -> str:
    """Point DATABASE_URL at database ``name`` (created, or re-created when ``fresh``)."""
    import psycopg

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit(
            "Run through the database wrapper, e.g.\n"
            "  .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/..."
        )
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or fresh:
            connection.execute(f'CREATE DATABASE "{name}"')
    scratch = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = scratch
    return scratch


def setup_django(settings: str = "newsroom.settings.dev") -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def bench_editor():
    """A staff user in the editor role (created once per scratch database)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="editor"))
    return user
