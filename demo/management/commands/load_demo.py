"""manage.py load_demo — the five seed articles, clustered, and a demo editor in dev.

Then, unless ``--seeds-only``, a second layer when ``COVERAGE_DATA_DIR`` is there: the
coverage data's dev sets (~1,600 real articles from ~100 outlets), imported, published
and clustered (``demo.coverage_sets.load_coverage_sets``), with a progress bar on stderr.

Safe to run on every `make run`: imports are idempotent and the account is created once.

The seeds' outlets are not trusted, and two seeds are flagged (no outlet, a provisional
headline), so the import leaves them in review like any other untrusted import. The
demo editor then publishes them through the editorial workflow, audited, as an editor
would after reading them; the demo shows all five. Outside DEBUG the editor account
gets no usable password.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from accounts.services import staff_account_ensure
from articles.models import Article
from articles.workflow import article_publish
from audit.services import system_user
from coverage.services import article_cluster, stories_retitle
from demo.coverage_sets import coverage_set_paths, load_coverage_sets
from entities.demo import demo_entities_load
from mentions.services import mentions_suggest
from sources.importers.records import ArticleRecord
from sources.services import (
    read_records,
    record_source_key,
    records_import,
    wire_verdicts_backfill,
)

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
        parser.add_argument(
            "--seeds-only",
            action="store_true",
            help="Load only the five seeds, not the coverage data's dev sets.",
        )

    def handle(self, *args, migrate=False, seeds_only=False, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        # Articles from before wire copy was decided on write (one query when none).
        wire_verdicts_backfill()
        seeds_dir = settings.SEEDS_DIR
        if not seeds_dir.is_dir():
            raise CommandError(f"No seed directory at {seeds_dir} (set SEEDS_DIR)")
        files = sorted(seeds_dir.glob("*.txt"))
        records = list(read_records(files, format="seed"))
        seed_keys = {record_source_key(r) for r in records if isinstance(r, ArticleRecord)}
        report = records_import(records, actor=system_user())
        self.stdout.write(
            f"Seeds: created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, failed {report.failed}"
        )
        for failure in report.failures:
            self.stderr.write(self.style.ERROR(f"  {failure}"))
        # The seeds wait for review (untrusted outlets, two flagged): the demo editor
        # approves them through the workflow, audited. Undated ones stay undated.
        editor = self.demo_editor()
        waiting = Article.objects.filter(status=Article.Status.IN_REVIEW, source__key__in=seed_keys)
        for article in waiting.order_by("pk"):
            article_publish(article=article, by=editor)
        # The seeds' people, places and events, then mentions in the seeds. Only the seeds:
        # the coverage layer's articles get theirs from their import's task, and walking
        # all 1,600 of them again on every `make run` cost ~25 s (clustering another ~30 s).
        demo_entities_load()
        seeds = Article.objects.published().filter(source__key__in=seed_keys)
        for article in seeds.order_by("pk"):
            mentions_suggest(article=article)
        # Cluster synchronously so the demo is complete when the server starts.
        for article in seeds.order_by("published_at", "pk"):
            article_cluster(article=article)
        stories_retitle()
        if settings.DEBUG:
            self.ensure_demo_editor()
        if report.failures:
            raise CommandError("Some seed articles failed to import")
        if not seeds_only:
            self.load_coverage_layer()

    def load_coverage_layer(self):
        """The realistic layer, published as the demo editor."""
        paths = coverage_set_paths(settings.COVERAGE_DATA_DIR)
        if not paths:
            self.stdout.write(f"No coverage data at {settings.COVERAGE_DATA_DIR}: seeds only.")
            return
        total = sum(1 for path in paths for line in path.open(encoding="utf-8") if line.strip())
        editor = self.demo_editor()
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stderr._out, stderr=True),
        )
        with progress:
            bars = {
                "import": progress.add_task("Coverage sets: import", total=total),
                "cluster": progress.add_task("Coverage sets: cluster", total=None),
            }

            def on_progress(stage: str, done: int) -> None:
                progress.update(bars[stage], completed=done)

            report = load_coverage_sets(paths=paths, by=editor, on_progress=on_progress)
        imported = report.imported
        self.stdout.write(
            f"Coverage sets ({', '.join(p.name for p in paths)}): created {imported.created}, "
            f"updated {imported.updated}, unchanged {imported.unchanged}, "
            f"failed {imported.failed}; "
            f"published {report.published} (left in review {report.left_in_review}), "
            f"clustered {report.clustered}"
        )
        for failure in imported.failures:
            self.stderr.write(f"  {failure}")

    def demo_editor(self):
        """The editor who approves the seeds. Outside DEBUG it gets no usable password."""
        if settings.DEBUG:
            return staff_account_ensure(username=DEMO_EDITOR, role="editor", password=DEMO_PASSWORD)
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_EDITOR, defaults={"is_staff": True, "email": f"{DEMO_EDITOR}@example.com"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name="editor"))
        return user

    def ensure_demo_editor(self):
        """Demo accounts in their roles: an editor and a comment moderator."""
        for username, role in ((DEMO_EDITOR, "editor"), (DEMO_MODERATOR, "moderator")):
            user = staff_account_ensure(username=username, role=role, password=DEMO_PASSWORD)
            if not user.has_usable_password():  # made by a non-DEBUG load_demo
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts (password {DEMO_PASSWORD!r}): {DEMO_EDITOR!r} (editor, /admin/) "
                f"and {DEMO_MODERATOR!r} (comment moderator, /moderation/)"
            )
        )
