"""The app's start-up: role permissions granted after migrate, cache invalidation
receivers connected."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # Models are importable only once the registry is ready: hence in ready().
        from accounts.roles import grant_on_post_migrate

        from .roles import GRANTS, TAG_GRANTS

        grant_on_post_migrate(self, GRANTS)
        grant_on_post_migrate(self, TAG_GRANTS, app_label="taggit")

        # Late: the receivers import models, importable once the registry is ready.
        from . import invalidation

        invalidation.connect()

        # A published article dated in the future becomes public with no write at its
        # time: a task is queued for that moment (article_embargo_lift).
        # Late: workflow imports models, importable once the registry is ready.
        from .signals import article_published
        from .workflow import article_embargo_watch

        article_published.connect(
            lambda sender, article_id, **kwargs: article_embargo_watch(article_id=article_id),
            weak=False,
            dispatch_uid="articles.embargo_watch",
        )
