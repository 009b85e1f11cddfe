"""manage.py wire_copy_backfill — decide wire copy for articles that have no verdict yet.

Wire copy is decided when an article is written; this catches up the articles of a
database from before that (``load_demo`` runs it). Re-running decides nothing twice;
``--all`` decides every article again (after a change to the rules).
"""

from django.core.management.base import BaseCommand

from articles.models import Article
from sources.services import wire_verdicts_backfill


class Command(BaseCommand):
    help = "Decide the wire-copy verdict of every article that has none. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Decide every article again.")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, all=False, dry_run=False, **options):  # noqa: A002
        if dry_run:
            articles = Article.objects.all()
            if not all:
                articles = articles.filter(wire_verdict__isnull=True)
            self.stdout.write(f"Would decide wire copy for {articles.count()} articles.")
            return
        decided = wire_verdicts_backfill(redo_all=all)
        self.stdout.write(f"Decided wire copy for {decided} articles.")
