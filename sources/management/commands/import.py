"""manage.py import PATH... — bring articles in from files or feed URLs, safely re-runnable.

Progress goes to stderr (a rich progress bar with the count of items read), the
summary table to stdout, each failure to stderr with its file and line. The exit status
is 1 when any item failed; the other items are imported all the same.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from audit.services import system_user
from sources.models import Outlet
from sources.services import paths_import
from sources.services.imports import FORMATS


class Command(BaseCommand):
    help = "Import articles from files or feed URLs. Re-running creates nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, directories or feed URLs.")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument("--outlet", help="Slug of the outlet every item belongs to.")
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Worker processes for many files (default 1). See paths_import for the "
            "one thing workers miss: wire copy between files imported at the same moment.",
        )

    def handle(self, *args, paths, format, outlet, dry_run, jobs, **options):
        outlet_obj = None
        if outlet:
            outlet_obj = Outlet.objects.filter(slug=outlet).first()
            if outlet_obj is None:
                raise CommandError(f"No outlet with slug {outlet!r}")
        files = expand_paths(paths)
        if not files:
            raise CommandError("No files to import.")
        # The bar is redrawn from the progress callback, which the parallel import calls
        # while it waits for its workers, so no refresh thread is needed.
        progress = Progress(
            TextColumn(f"[bold]Importing[/] {len(files)} file(s)"),
            BarColumn(),
            TextColumn("{task.completed:,} items"),
            TimeElapsedColumn(),
            console=Console(file=self.stderr, stderr=True, highlight=False),
            disable=options["verbosity"] < 1,
            auto_refresh=False,
        )
        with progress:
            bar = progress.add_task("import", total=None)
            last_refresh = 0.0

            def on_progress(items: int) -> None:
                nonlocal last_refresh
                progress.update(bar, completed=items)
                if time.monotonic() - last_refresh > 0.1:
                    progress.refresh()
                    last_refresh = time.monotonic()

            report = paths_import(
                files,
                format=format,
                outlet=outlet_obj,
                dry_run=dry_run,
                actor=system_user(),  # a command has no user: its changes are the system's
                jobs=jobs,
                on_progress=on_progress,
            )
            progress.update(bar, total=report.total, completed=report.total)
            progress.refresh()

        self.write_summary(report, dry_run=dry_run)
        for kept in report.kept:
            self.stdout.write(f"  {kept}")
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
        if report.kept:
            self.stdout.write(
                f"Kept the editor's version of {len(report.kept)} field(s) "
                "where the source says otherwise:"
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
