from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Models are importable only once the registry is ready: hence in ready().
        from accounts.roles import grant_on_post_migrate

        from .roles import GRANTS

        grant_on_post_migrate(self, GRANTS)
