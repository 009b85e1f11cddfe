"""manage.py backup_create PATH: the database and the media in one tar archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database (pg_dump custom format) and MEDIA_ROOT to one archive."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            summary = backup_create(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = ", ".join(f"{table} {n}" for table, n in summary.counts.items())
        self.stdout.write(f"Wrote {summary.path}: {rows}; {summary.media_files} media files")
