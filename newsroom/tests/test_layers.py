"""The layers of ``newsroom/layers.py`` hold: no app imports an app above it, not even
inside a function or in its tests, and the README names the same order.

Migrations are left out (historical models, by design). Tests are checked like the rest:
an app's tests build their data with their own app's means and those of the apps below
(factories, fixtures, services); a test that needs a higher app (a page-cache test that
posts a comment) lives with the highest app it imports, or in the top-level ``tests/``
package, which like the root ``conftest.py`` belongs to no app and may import anything.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

from newsroom.layers import APPS, TIERS, may_import

ROOT = Path(settings.BASE_DIR)
SKIPPED_PARTS = {"migrations", "tests"}


def app_modules(app: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
    ]


def app_test_modules(app: str) -> list[Path]:
    """The app's test modules, factories and conftest helpers (``<app>/tests/``)."""
    return sorted((ROOT / app / "tests").rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) of every Import and ImportFrom in the file, at any depth (inside
    functions and ``ready()`` too); relative imports resolved against the package."""
    package = list(path.relative_to(root).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def violations(app: str, modules: list[Path] | None = None) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {app} imports {module}"
        for path in (app_modules(app) if modules is None else modules)
        for line, module in imports(path, root=ROOT)
        if module.split(".")[0] in APPS and not may_import(app, module.split(".")[0])
    ]


def test_every_app_of_the_project_is_on_the_map():
    ours = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in {".venv", "var", "tools"}
    }
    assert ours | {"newsroom"} == set(APPS)


def test_no_app_imports_an_app_above_it():
    found = [v for app in APPS for v in violations(app)]
    assert found == [], "imports against newsroom/layers.py:\n" + "\n".join(found)


def test_no_apps_tests_import_an_app_above_it():
    """An app's tests are held to its layer: ``entities/tests`` builds people with
    entities' factories, not through articles or coverage."""
    found = [v for app in APPS for v in violations(app, app_test_modules(app))]
    assert found == [], "test imports against newsroom/layers.py:\n" + "\n".join(found)


def test_the_test_check_reads_an_apps_tests_and_only_them(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    tests = tmp_path / "entities" / "tests"
    tests.mkdir(parents=True)
    (tests / "factories.py").write_text("from articles.tests.factories import ArticleFactory\n")
    (tests / "test_x.py").write_text("import pytest\nfrom entities.models import Person\n")
    (tmp_path / "entities" / "models.py").write_text("import coverage\n")
    top = tmp_path / "tests"
    top.mkdir()
    (top / "test_site.py").write_text("import api\n")
    assert violations("entities", app_test_modules("entities")) == [
        "entities/tests/factories.py:1: entities imports articles.tests.factories"
    ]


def test_the_check_reads_imports_inside_functions_and_relative_ones(tmp_path):
    package = tmp_path / "entities" / "admin"
    package.mkdir(parents=True)
    module = package / "late.py"
    module.write_text(
        "def ready():\n"
        "    from articles.signals import article_published\n"
        "    import coverage.models\n"
        "    from ..services import alias_add\n"
        "    from . import forms\n"
    )
    assert imports(module, root=tmp_path) == [
        (2, "articles.signals"),
        (3, "coverage.models"),
        (4, "entities.services"),
        (5, "entities.admin"),
    ]


def late_imports_without_a_reason(path: Path) -> list[str]:
    """Imports inside functions with no comment above them (through the run of imports
    and blank lines they belong to) saying why they are not at the top."""
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            above = node.lineno - 2
            while above >= 0 and (
                not lines[above].strip()
                or lines[above].lstrip().startswith(("from ", "import ", ")"))
                or lines[above].startswith(" " * (node.col_offset + 4))
            ):
                above -= 1
            if above < 0 or not lines[above].lstrip().startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_import_inside_a_function_says_why():
    """A late import is kept only for a reason (a ready() hook, a cycle within an app, a
    process before django.setup(), an optional heavy import): the comment above says it."""
    found = [
        v for app in APPS for path in app_modules(app) for v in late_imports_without_a_reason(path)
    ]
    assert found == [], "imports inside functions without a reason:\n" + "\n".join(found)


def test_the_reason_check_finds_a_late_import_without_a_comment(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    module = tmp_path / "late.py"
    module.write_text(
        "def ready():\n"
        "    # Late: models are importable only once the registry is ready.\n"
        "    from articles import models\n"
        "\n"
        "    from . import receivers\n"
        "\n"
        "\n"
        "def view():\n"
        "    x = 1\n"
        "    from django.http import HttpResponse\n"
    )
    assert late_imports_without_a_reason(module) == ["late.py:10"]


def test_the_readme_names_the_same_order():
    """The "Dependencies point one way" paragraph lists the tiers bottom up, ← between
    tiers, and the Layout table has a row for every app."""
    readme = (ROOT / "README.md").read_text()
    paragraph = re.search(r"Dependencies point one way: (.*?)\(", readme, re.S).group(1)
    tiers = [tuple(re.findall(r"`(\w+)`", tier)) for tier in paragraph.split("←")]
    assert tiers == list(TIERS)
    layout = readme.split("## Layout", 1)[1]
    assert [app for app in APPS if f"| `{app}/` |" not in layout] == []


def test_no_model_is_reached_through_the_app_registry_or_meta():
    """``apps.get_model`` and ``_meta.get_field(...).related_model`` hide a dependency
    from the import check; only migrations (historical models) may use them."""
    pattern = re.compile(r"\bapps\.get_model\(|\.related_model\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != Path(__file__)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
