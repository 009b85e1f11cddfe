from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self):
        from accounts.roles import grant_on_post_migrate

        from .roles import GRANTS

        grant_on_post_migrate(self, GRANTS)

        from . import invalidation, receivers

        invalidation.connect()
        receivers.connect()
