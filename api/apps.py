from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "Read API"

    def ready(self):
        # The change feed listens to the apps below it; nothing imports the api app.
        from . import receivers

        receivers.connect()
