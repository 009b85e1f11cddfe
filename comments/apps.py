from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and moderation"

    def ready(self):
        # Models are importable only once the registry is ready: hence in ready().
        from accounts.roles import grant_on_post_migrate

        from .roles import GRANTS

        grant_on_post_migrate(self, GRANTS)

        # Late: the receivers import models, importable once the registry is ready.
        from . import invalidation

        invalidation.connect()
