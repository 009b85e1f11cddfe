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
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: browser tests must run")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


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
