"""manage.py load_demo — the five seed articles, clustered, and a demo editor in dev.

Safe to run on every `make run`: imports are idempotent and the account is created once.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from coverage.services import article_cluster, stories_retitle
from entities.demo import demo_entities_load
from sources.services import read_records, records_import

DEMO_EDITOR = "editor"
DEMO_MODERATOR = "moderator"
DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - dev only, printed on purpose


class Command(BaseCommand):
    help = "Import the seed articles, group them into stories, create the demo editor (dev)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply migrations first (one process instead of two: faster `make run`).",
        )

    def handle(self, *args, migrate=False, **options):
        if migrate:
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
        seeds_dir = settings.SEEDS_DIR
        if not seeds_dir.is_dir():
            raise CommandError(f"No seed directory at {seeds_dir} (set SEEDS_DIR)")
        files = sorted(seeds_dir.glob("*.txt"))
        report = records_import(read_records(files, format="seed"))
        self.stdout.write(
            f"Seeds: created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, failed {report.failed}"
        )
        for failure in report.failures:
            self.stderr.write(self.style.ERROR(f"  {failure}"))
        demo_entities_load()  # the seeds' people, places and events; suggests mentions
        # Cluster synchronously so the demo is complete when the server starts.
        for article in Article.objects.published().order_by("published_at", "pk"):
            article_cluster(article=article)
        stories_retitle()
        if settings.DEBUG:
            self.ensure_demo_editor()
        if report.failures:
            raise CommandError("Some seed articles failed to import")

    def ensure_demo_editor(self):
        """Demo accounts in their roles: an editor and a comment moderator."""
        from accounts.services import staff_account_ensure

        for username, role in ((DEMO_EDITOR, "editor"), (DEMO_MODERATOR, "moderator")):
            staff_account_ensure(username=username, role=role, password=DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts (password {DEMO_PASSWORD!r}): {DEMO_EDITOR!r} (editor, /admin/) "
                f"and {DEMO_MODERATOR!r} (comment moderator, /moderation/)"
            )
        )
