"""entities is below articles: no module of it imports an app above it, not even
inside a function. What involves articles is the mentions app's, above articles."""

import ast
from pathlib import Path

import entities

HIGHER_APPS = {"articles", "mentions", "sources", "coverage", "search", "comments", "api"}


def imported_modules(path: Path) -> set[str]:
    """Every module an Import or ImportFrom names, anywhere in the file (functions and
    ``ready()`` included); relative imports stay inside the app and are skipped."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def app_modules(root: Path) -> list[Path]:
    """The app's code: tests and migrations (historical, by design) left out."""
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(root).parts)
    ]


def test_entities_modules_import_no_higher_app():
    root = Path(entities.__file__).parent
    offending = [
        f"{path.relative_to(root)}: {module}"
        for path in app_modules(root)
        for module in imported_modules(path)
        if module.split(".")[0] in HIGHER_APPS
    ]
    assert offending == []


def test_the_check_reads_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def ready():\n    from articles.signals import article_published\n")
    assert imported_modules(module) == {"articles.signals"}


def test_entities_reaches_no_model_through_meta():
    """``_meta.get_field(...).related_model`` was how entities reached Article without
    importing it; the code that needs Article now lives in mentions and imports it."""
    root = Path(entities.__file__).parent
    assert [p.name for p in app_modules(root) if "related_model" in p.read_text()] == []
