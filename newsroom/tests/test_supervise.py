"""The supervisor restarts a dying worker with a growing delay and never stops the web
for it; if the web dies, everything stops."""

import sys
import time

from newsroom.supervise import Child, stop_all, supervise

DIES_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]
RUNS = [sys.executable, "-c", "import time; time.sleep(60)"]
SETTINGS = "newsroom.settings.test"


def test_a_dying_worker_is_restarted_with_backoff_and_the_web_keeps_running():
    web = Child("web", RUNS, SETTINGS)
    worker = Child("worker", DIES_AT_ONCE, SETTINGS, restart=True)
    starts: list[float] = []
    deadline = time.monotonic() + 30

    def watch() -> bool:
        if not starts or worker.started_at != starts[-1]:
            starts.append(worker.started_at)
        assert web.process.poll() is None, "the web was stopped"
        return len(starts) >= 3 or time.monotonic() > deadline

    for child in (web, worker):
        child.start()
    try:
        assert supervise([web, worker], watch) == 0
    finally:
        stop_all([web, worker])
    assert len(starts) == 3, "the worker was not restarted twice"
    first_gap, second_gap = starts[1] - starts[0], starts[2] - starts[1]
    assert first_gap >= 1.0
    assert second_gap >= 2.0 and second_gap > first_gap  # 1 s, then 2 s
    assert web.restarts == 0


def test_when_the_web_dies_everything_stops_with_an_error():
    web = Child("web", DIES_AT_ONCE, SETTINGS)
    worker = Child("worker", RUNS, SETTINGS, restart=True)
    deadline = time.monotonic() + 30
    for child in (web, worker):
        child.start()
    try:
        assert supervise([web, worker], lambda: time.monotonic() > deadline) == 1
    finally:
        stop_all([web, worker])
    assert time.monotonic() < deadline
    assert worker.process.poll() is not None  # stopped, not left behind
