from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = "People, places and events"

    def ready(self):
        from accounts.roles import grant_on_post_migrate

        from .roles import GRANTS

        grant_on_post_migrate(self, GRANTS)

        from . import invalidation

        invalidation.connect()

        # The one place entities touches articles: a signal hook, imported here at
        # start-up rather than at module level, so the layering of the modules holds.
        from articles.signals import article_published

        from .tasks import suggest_mentions

        def enqueue_suggestions(sender, article_id, **kwargs):
            suggest_mentions.enqueue(article_id=article_id)

        article_published.connect(
            enqueue_suggestions, weak=False, dispatch_uid="entities.enqueue_suggestions"
        )
