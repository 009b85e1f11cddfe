"""The backup drill: back up a site, restore it into a fresh instance, compare.

The fresh instance is a new database on the same PostgreSQL server and an empty media
directory; the restored site is read by a separate ``manage.py`` process configured
with them, as an operator would after a disaster.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from articles.models import Image
from articles.tests.factories import ArticleFactory
from backups.services import backup_create, backup_read_manifest
from comments.tests.factories import CommentFactory

BASE_DIR = Path(django_settings.BASE_DIR)

READ_SITE = """
import json
from django.test import Client
from backups.services import table_counts
from articles.models import Article, Image
client = Client()
article = Article.objects.get(headline="Harbour reopens after the storm")
image = Image.objects.get()
page = client.get(article.get_absolute_url())
home = client.get("/")
print(json.dumps({
    "counts": table_counts(),
    "article_status": page.status_code,
    "article_html": page.content.decode(),
    "home_status": home.status_code,
    "home_html": home.content.decode(),
    "image_file_exists": image.file.storage.exists(image.file.name),
    "image_bytes": image.file.size,
}))
"""


def database_url(name: str) -> str:
    config = connection.settings_dict
    user = quote(config["USER"] or "postgres")
    password = f":{quote(config['PASSWORD'])}" if config.get("PASSWORD") else ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{user}{password}@{quote(str(config['HOST']), safe='')}{port}/{name}"


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = psycopg.connect(
        database_url("postgres").replace("postgres://", "postgresql://"), autocommit=True
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(*args, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_the_same_rows_files_and_pages(tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory(headline="Harbour reopens after the storm")
    ArticleFactory.create_batch(3)
    image = Image(alt_text="The harbour wall at dawn", caption="Boats back in")
    from articles.tests.test_admin import png_upload

    image.file.save("harbour.png", png_upload(size=(64, 32)), save=True)
    article.images.create(position=0, image=image, caption="Boats back in")
    CommentFactory.create_batch(3, article=article)
    CommentFactory(article=article, body="A comment that must survive the restore")
    client = Client()
    original_page = client.get(article.get_absolute_url()).content.decode()

    backup = tmp_path / "site.tar"
    summary = backup_create(path=backup)
    assert backup_read_manifest(path=backup)["counts"] == summary.counts
    assert summary.counts["articles_article"] == 4 and summary.counts["comments_comment"] == 4
    assert summary.media_files >= 1

    restored_media = tmp_path / "restored-media"
    restored = manage("backup_restore", str(backup), database=fresh_database, media=restored_media)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout

    read = manage("shell", "-c", READ_SITE, database=fresh_database, media=restored_media)
    assert read.returncode == 0, read.stderr
    site = json.loads(read.stdout.strip().splitlines()[-1])
    assert site["counts"] == summary.counts
    assert site["image_file_exists"] is True
    assert site["image_bytes"] == image.file.size
    assert site["article_status"] == site["home_status"] == 200
    for text in (
        "Harbour reopens after the storm",
        "The harbour wall at dawn",
        "Boats back in",
        "A comment that must survive the restore",
        image.file.url,
    ):
        assert text in original_page
        assert text in site["article_html"], text
    assert "Harbour reopens after the storm" in site["home_html"]


def test_restore_refuses_a_media_directory_that_is_not_empty(tmp_path, settings):
    from backups.services import BackupError, backup_restore

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "keep.txt").write_text("someone's file")
    with pytest.raises(BackupError, match="is not empty"):
        backup_restore(path=tmp_path / "missing.tar")
