from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "discovery"
    verbose_name = "New names: discovery and review"

    def ready(self):
        # Receivers and roles import models, which are only importable once apps are
        # ready: hence here, not at the top of this module.
        from accounts.roles import grant_on_post_migrate

        from . import receivers
        from .roles import GRANTS
        from .warmup import warm_in_background

        grant_on_post_migrate(self, GRANTS)
        receivers.connect()
        warm_in_background()
