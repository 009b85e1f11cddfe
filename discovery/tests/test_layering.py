"""discovery sits directly above mentions: no app below it imports it, not even inside a
function (``entities.discovery``, the engine, is entities' own module, not this app)."""

from pathlib import Path

from django.conf import settings

from entities.tests.test_layering import app_modules, imported_modules

LOWER_APPS = ["pagecache", "accounts", "audit", "entities", "articles", "mentions"]


def test_no_lower_app_imports_the_discovery_app():
    root = Path(settings.BASE_DIR)
    offending = [
        f"{path.relative_to(root)}: {module}"
        for app in LOWER_APPS
        for path in app_modules(root / app)
        for module in imported_modules(path)
        if module.split(".")[0] == "discovery"
    ]
    assert offending == []
