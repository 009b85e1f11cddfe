"""manage.py import PATH... — bring articles in from files or feed URLs, safely re-runnable.

Progress goes to stderr (a rich progress bar over the files, with the item count), the
summary table to stdout, each failure to stderr with its file and line. The exit status
is 1 when any item failed; the other items are imported all the same.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sources.models import Outlet
from sources.services import read_records, records_import
from sources.services.imports import FORMATS


class Command(BaseCommand):
    help = "Import articles from files or feed URLs. Re-running creates nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, directories or feed URLs.")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument("--outlet", help="Slug of the outlet every item belongs to.")
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")

    def handle(self, *args, paths, format, outlet, dry_run, **options):
        outlet_obj = None
        if outlet:
            outlet_obj = Outlet.objects.filter(slug=outlet).first()
            if outlet_obj is None:
                raise CommandError(f"No outlet with slug {outlet!r}")
        files = expand_paths(paths)
        if not files:
            raise CommandError("No files to import.")
        show_progress = options["verbosity"] >= 1
        err_console = Console(file=self.stderr, stderr=True, highlight=False)
        progress = Progress(
            TextColumn("[bold]Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[items]} items"),
            TimeElapsedColumn(),
            console=err_console,
            disable=not show_progress,
            transient=False,
        )
        with progress:
            bar = progress.add_task("import", total=len(files), items=0)
            seen = {"source": None, "files": 0, "items": 0}

            def tick(item):
                if item.source != seen["source"]:
                    if seen["source"] is not None:
                        seen["files"] += 1
                    seen["source"] = item.source
                seen["items"] += 1
                progress.update(bar, completed=seen["files"], items=seen["items"])

            report = records_import(
                read_records(files, format=format),
                outlet=outlet_obj,
                dry_run=dry_run,
                on_item=tick,
            )
            progress.update(bar, completed=len(files), items=seen["items"])

        self.write_summary(report, dry_run=dry_run)
        for failure in report.failures:
            self.stderr.write(self.style.ERROR(f"  {failure}"))
        if report.failures:
            raise CommandError(f"{report.failed} item(s) failed", returncode=1)

    def write_summary(self, report, *, dry_run):
        title = "Dry run: nothing was kept" if dry_run else "Import summary"
        table = Table(title=title)
        for column in ("created", "updated", "unchanged", "failed"):
            table.add_column(column, justify="right")
        table.add_row(
            str(report.created), str(report.updated), str(report.unchanged), str(report.failed)
        )
        Console(file=self.stdout, highlight=False, width=80).print(table)
        prefix = "Would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, failed {report.failed}"
        )


# In a directory, only files with these suffixes are read (a README is not an article);
# files named one by one are read whatever their suffix, by sniffing their content.
IMPORTABLE_SUFFIXES = {
    ".txt",
    ".text",
    ".jsonl",
    ".ndjson",
    ".html",
    ".htm",
    ".xml",
    ".rss",
    ".atom",
}


def expand_paths(paths: list[str]) -> list[str | Path]:
    """Directories become their importable files, sorted; URLs pass through."""
    files: list[str | Path] = []
    for raw in paths:
        if raw.startswith(("http://", "https://")):
            files.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and not p.name.startswith(".")
                    and p.suffix.lower() in IMPORTABLE_SUFFIXES
                )
            )
        else:
            files.append(path)
    return files
