from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "mentions"
    verbose_name = "Mentions of people, places and events"

    def ready(self):
        # Receivers and roles import models, which are only importable once apps are
        # ready: hence here, not at the top of this module.
        from accounts.roles import grant_on_post_migrate

        from . import invalidation, receivers
        from .roles import GRANTS

        grant_on_post_migrate(self, GRANTS)
        receivers.connect()
        invalidation.connect()
