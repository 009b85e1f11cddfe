"""Build the gazetteer when a process starts, not on an editor's first keystroke.

The gazetteer (``entities.gazetteer``) takes 0.5–1 s to build. A web or worker process
builds it in a background thread at start, so the first while-typing suggestion and
the first discovery task do not wait for it. Off in tests (``DISCOVERY_WARM_AT_START``),
where it would only cost every test process a second of CPU.
"""

import threading

from django.conf import settings


def _warm() -> None:
    # Late: loads the gazetteer's word lists; this module is imported by AppConfig.ready.
    from entities.discovery import discover

    discover("Warm-up: President Warm said in Paris.")


def warm_in_background() -> threading.Thread | None:
    if not getattr(settings, "DISCOVERY_WARM_AT_START", True):
        return None
    thread = threading.Thread(target=_warm, name="discovery-warm-up", daemon=True)
    thread.start()
    return thread
