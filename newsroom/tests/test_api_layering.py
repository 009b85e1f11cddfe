"""The api app is the top feature layer (``newsroom/layers.py``): no other module imports
it, not even the project above it (``newsroom``, ``backups``) or the top-level tests, which
``newsroom/tests/test_layers.py`` would allow."""

from django.conf import settings

from newsroom.tests.test_layers import imports


def test_no_other_app_imports_the_api_app():
    root = settings.BASE_DIR
    offending = [
        f"{path.relative_to(root)}:{line}: {module}"
        for path in sorted(root.glob("*/**/*.py"))
        if path.relative_to(root).parts[0] not in {"api", ".venv", "var", "node_modules", "tools"}
        for line, module in imports(path)
        if module == "api" or module.startswith("api.")
    ]
    assert offending == []
