"""manage.py backup_restore PATH: load an archive into this (fresh) instance."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup_create archive into the configured database and MEDIA_ROOT. "
        "Tables in the database are replaced; use a fresh database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--overwrite-media", action="store_true", help="restore into a non-empty MEDIA_ROOT"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only show what the archive holds"
        )

    def handle(self, *args, path, overwrite_media, dry_run, **options):
        try:
            if dry_run:
                manifest = backup_read_manifest(path=path)
                self.stdout.write(f"Would restore from {path}: {manifest}")
                return
            manifest = backup_read_manifest(path=path)
            summary = backup_restore(path=path, overwrite_media=overwrite_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = ", ".join(f"{table} {n}" for table, n in summary.counts.items())
        self.stdout.write(f"Restored {summary.path}: {rows}; {summary.media_files} media files")
        if summary.counts != manifest["counts"]:
            # Counted just after the dump: a site written to meanwhile differs a little.
            self.stderr.write(f"Counts at backup time were {manifest['counts']}")
