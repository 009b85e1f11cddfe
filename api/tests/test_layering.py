"""The api app is the top layer: it imports the other apps, and none of them imports it."""

import ast
from pathlib import Path

from django.conf import settings


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_other_app_imports_the_api_app():
    root = Path(settings.BASE_DIR)
    offending = []
    for path in root.glob("*/**/*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in {"api", ".venv", "var", "node_modules", "tools"}:
            continue
        if any(module == "api" or module.startswith("api.") for module in imported_modules(path)):
            offending.append(str(path.relative_to(root)))
    assert offending == []
