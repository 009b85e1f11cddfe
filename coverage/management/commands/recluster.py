"""manage.py recluster [--since DATE] [--dry-run] [--wait] — group published articles
again.

Editors' decisions survive: pinned and excluded memberships and locked stories are
kept, and only automatic memberships are recomputed. Without --since the term
statistics and stored signatures are rebuilt as well (do this after changing where
entity evidence comes from). --dry-run computes everything, reports, and rolls back.
Every move is audited by the system user on the stories involved.

Only one clustering pass runs at a time: while the merge pass or the window pass is
running, the command stops with an error and changes nothing, or with --wait waits
for that pass to finish first.
"""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from coverage.services import stories_recluster


class Command(BaseCommand):
    help = "Cluster published articles into stories again, keeping editors' decisions."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only articles published on or after YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="report, then roll back")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="wait for a running clustering pass to finish instead of stopping",
        )

    def handle(self, *args, since=None, dry_run=False, wait=False, **options):
        since_at = None
        if since:
            day = parse_date(since)
            if day is None:
                raise CommandError(f"--since must be a date (YYYY-MM-DD), not {since!r}")
            since_at = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        show_progress = self.stderr.isatty() if hasattr(self.stderr, "isatty") else False
        show_progress = show_progress or sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if done == total or done % 50 == 0:
                width = 30
                filled = width * done // max(total, 1)
                self.stderr.write(
                    f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                    ending="\n" if done == total else "",
                )
                self.stderr.flush()

        report = stories_recluster(
            since=since_at,
            dry_run=dry_run,
            wait=wait,
            on_article=progress if show_progress else None,
        )
        if report.is_skipped:
            raise CommandError(
                "Another clustering pass (the merge pass or the window re-clustering) is "
                "running; nothing was changed. Run again when it ends, or add --wait."
            )
        prefix = "Dry run (rolled back): " if dry_run else ""
        self.stdout.write(f"{prefix}{report}")
        if report.moved:
            shown = ", ".join(str(pk) for pk in report.moved[:20])
            more = f" and {len(report.moved) - 20} more" if len(report.moved) > 20 else ""
            self.stdout.write(f"Articles whose story changed: {shown}{more}")
