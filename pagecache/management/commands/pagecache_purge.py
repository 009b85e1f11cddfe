"""Make every cached page stale: after a deploy that changed templates or code.

``manage.py pagecache_purge`` moves the global generation forward (our page cache) and,
when HTTP_CACHE_PURGE_URLS is set, bans everything in the HTTP cache in front.
``--key KEY`` (repeatable) purges only the pages naming those keys, e.g.
``--key story:42``. Safe to re-run: a purge of fresh pages costs one render each.
"""

from django.core.management.base import BaseCommand

from pagecache.invalidation import flush
from pagecache.keys import EVERYTHING


class Command(BaseCommand):
    help = "Invalidate every cached page, or those naming --key."

    def add_arguments(self, parser):
        parser.add_argument("--key", action="append", default=[], help="e.g. story:42")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be purged.")

    def handle(self, *args, key, dry_run, **options):
        keys = set(key) or {EVERYTHING}
        if dry_run:
            self.stdout.write(f"would purge: {' '.join(sorted(keys))}")
            return
        flush(keys)
        self.stdout.write(f"purged: {' '.join(sorted(keys))}")
