from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self):
        # Models are importable only once the registry is ready: hence in ready().
        from accounts.roles import grant_on_post_migrate

        from .roles import GRANTS

        grant_on_post_migrate(self, GRANTS)

        # Late: the receivers import models, importable once the registry is ready.
        from . import invalidation, receivers

        invalidation.connect()
        receivers.connect()
