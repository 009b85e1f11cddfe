"""Entry points for ``import --jobs`` worker processes.

Workers are started with "spawn", not "fork": the parent may have threads (a progress
display, a browser driver in tests), and forking a threaded process can deadlock the
child. A spawned child starts empty, so this module imports nothing from Django at the
top: ``init`` sets Django up first, pointing it at the parent's database (in tests,
the test database), and only then does ``run`` import the pipeline.
"""

from __future__ import annotations

import os

_counter = None  # items read by this worker's pool, shared with the parent


def init(settings_module: str, database_name: str, counter) -> None:
    global _counter
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    # Late: a spawned child starts empty; Django first, pointed at the parent's settings.
    import django

    django.setup()
    # Late: after setup, like everything Django in this child (see the module docstring).
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database_name
    _counter = counter


def run(paths, format, outlet_id, dry_run, actor_id):
    # Late: the pipeline imports models, importable only after ``init`` set Django up.
    from sources.services.imports import worker_import

    def tick(_item):
        with _counter.get_lock():
            _counter.value += 1

    return worker_import(
        paths,
        format=format,
        outlet_id=outlet_id,
        dry_run=dry_run,
        actor_id=actor_id,
        on_item=tick,
    )
