"""manage.py import PATH... — bring articles in from files, safely re-runnable."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.models import Outlet
from sources.services import read_records, records_import


class Command(BaseCommand):
    help = "Import articles from files. Re-running creates nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--format", default="auto", choices=["auto", "seed", "html", "feed", "jsonl"]
        )
        parser.add_argument("--outlet", help="Slug of the outlet every item belongs to.")
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")

    def handle(self, *args, paths, format, outlet, dry_run, **options):
        outlet_obj = None
        if outlet:
            outlet_obj = Outlet.objects.filter(slug=outlet).first()
            if outlet_obj is None:
                raise CommandError(f"No outlet with slug {outlet!r}")
        files = expand_paths(paths)
        done = 0

        def tick():
            nonlocal done
            done += 1
            if options["verbosity"] >= 1:
                self.stderr.write(f"\rImporting {done}/{len(files)}…", ending="")

        report = records_import(
            read_records(files, format=format), outlet=outlet_obj, dry_run=dry_run, on_item=tick
        )
        self.stderr.write("")
        prefix = "Would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, failed {report.failed}"
        )
        for failure in report.failures:
            self.stderr.write(self.style.ERROR(f"  {failure}"))
        if report.failures:
            raise CommandError(f"{report.failed} item(s) failed", returncode=1)


def expand_paths(paths):
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file()))
        else:
            files.append(path)
    return files
