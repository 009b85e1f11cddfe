"""Shared fixtures: the seed demo, and Playwright on Debian's Chromium.

Browser tests skip with a reason when /usr/bin/chromium is missing, except under
CI=true, where a missing browser is a failure: CI must prove the UI works.
"""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; Django's ORM would
# otherwise refuse to run next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    _keep_modules_together(items)
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: browser tests must run")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _keep_modules_together(items):
    """Run each `keep_module_together` module's tests one after another, in file order.

    pytest-django moves every transactional test (live_server included) after all the
    others (its hook runs first). A module whose tests share an expensive module-scoped
    fixture would then build it twice: once for its ordinary tests and again, minutes
    later, for its transactional one. tests/test_validity_corpus.py's corpus took 30-45 s
    a build. Running the transactional test among the ordinary ones is safe: it flushes
    the database when it ends, as that module's fixture already does, and the flush
    re-runs post_migrate (groups, permissions), so the tests after it start as usual.
    """
    groups: dict = {}
    for item in items:
        if item.get_closest_marker("keep_module_together"):
            groups.setdefault(item.module, []).append(item)
    if not groups:
        return
    ordered, placed = [], set()
    for item in items:
        if item.module not in groups or not item.get_closest_marker("keep_module_together"):
            ordered.append(item)
        elif item.module not in placed:
            placed.add(item.module)
            ordered.extend(sorted(groups[item.module], key=lambda i: i.location[1]))
    items[:] = ordered


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def seed_demo(db):
    """The five seed articles imported and clustered, as `make run` shows them."""
    if not settings.SEEDS_DIR.is_dir():
        pytest.skip(f"seed directory {settings.SEEDS_DIR} is absent")
    call_command("load_demo", "--seeds-only", stdout=io.StringIO())


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the browser tests ran: CI logs must show it."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        reports = terminalreporter.stats.get(outcome, [])
        counts[outcome] = sum(1 for r in reports if "browser" in getattr(r, "keywords", {}))
    # The validity counts (tests/test_validity_corpus.py), printed with or without -s.
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "validity" and report.when == "call":
                    terminalreporter.write_line(f"validity ({outcome}): {value}")
    terminalreporter.write_line(
        "browser tests (Chromium): "
        + ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n or outcome == "passed")
    )
