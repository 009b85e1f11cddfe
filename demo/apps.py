from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Whole-site commands: ``manage.py load_demo`` and ``generate_corpus``.

    They set up every app at once (import, publish, mention, cluster; or write a
    benchmark corpus), so they live above every feature app (``newsroom/layers.py``)
    and reach each through its services and models, never the app registry.
    """

    name = "demo"
    verbose_name = "Demo and benchmark data"
