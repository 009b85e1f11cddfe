from django.core.management.base import BaseCommand

from search.services import search_terms_rebuild


class Command(BaseCommand):
    help = "Recount the search vocabulary (used to correct misspelt queries)."

    def handle(self, *args, **options):
        self.stdout.write(f"{search_terms_rebuild()} words")
