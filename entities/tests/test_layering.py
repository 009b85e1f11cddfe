"""entities is the lowest of our apps: its modules import no articles, sources or coverage."""

import ast
from pathlib import Path

import entities

HIGHER_APPS = {"articles", "sources", "coverage"}
# The signal hook in EntitiesConfig.ready() imports articles.signals at start-up.
ALLOWED = {("apps.py", "articles.signals")}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_entities_modules_import_no_higher_app():
    root = Path(entities.__file__).parent
    offending = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in HIGHER_APPS and (path.name, module) not in ALLOWED:
                offending.append(f"{path.relative_to(root)}: {module}")
    assert offending == []
