"""manage.py recluster_window [--days N] [--size N] [--dry-run] — run the windowed
re-clustering pass now (the worker runs it every 500 placements and 10 minutes after
the last one).

Editors' decisions survive (see coverage/services/reclustering.py); every move is audited as
the system user. --dry-run computes everything, reports, and rolls back.
"""

from django.core.management.base import BaseCommand

from coverage.services import stories_recluster_window
from coverage.services.reclustering import WINDOW_ARTICLES, WINDOW_DAYS


class Command(BaseCommand):
    help = "Cluster the recent window of articles again as a whole, keeping editors' decisions."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=WINDOW_DAYS, help="window in days")
        parser.add_argument(
            "--size", type=int, default=WINDOW_ARTICLES, help="at most this many articles"
        )
        parser.add_argument("--dry-run", action="store_true", help="report, then roll back")

    def handle(self, *args, days, size, dry_run=False, **options):
        report = stories_recluster_window(window_days=days, window_size=size, dry_run=dry_run)
        prefix = "Dry run (rolled back): " if dry_run else ""
        self.stdout.write(f"{prefix}{report}")
