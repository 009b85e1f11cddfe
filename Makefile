# Newsroom: `make run` serves the demo, `make test` runs every check. Both set up from
# nothing: the virtualenv (.venv), the packages (uv.lock) and PostgreSQL (var/postgres,
# or DATABASE_URL when set).

UV_VERSION := 0.13.9
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(UV_VERSION)
WITH_DB := $(BIN)/python -m newsroom.localdb run --
PYTEST_ARGS ?=
# Test processes side by side (pytest-xdist), each with its own test database; a module's
# tests stay in one process, so module-scoped fixtures are built once. 0 = one process.
PYTEST_WORKERS ?= auto
# Temporary files under var/, not /tmp/pytest-of-<user>: each process that starts re-makes
# that directory private (0700), which locks the embedded PostgreSQL's own user out of a
# data directory another process's test (make run, the fault test) is using.
PYTEST_BASETEMP ?= var/pytest

.PHONY: run test serve lint format typecheck db-stop clean screenshots scale-demo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ needed (see .python-version)"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml uv.lock
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade >/dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet
	@mkdir -p var/static
	@touch $@

## Serve the demo on http://127.0.0.1:8000 with a task worker; Ctrl-C stops it all.
run: $(STAMP)
	$(WITH_DB) $(BIN)/python -m newsroom.supervise dev

# Validators the test suite runs (Nu HTML Checker, axe-core, sitemap schema), from npm.
TOOLS_STAMP := tools/node_modules/.installed
$(TOOLS_STAMP): tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tools --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: HTML validity tests will be skipped"; fi

## mypy with django-stubs over every app's services, selectors and querysets
## ([tool.mypy] in pyproject.toml; cache in .mypy_cache). The settings only need a
## database URL to parse: a placeholder keeps the embedded server from starting.
typecheck: $(STAMP)
	DATABASE_URL=postgres://typecheck@127.0.0.1:1/typecheck $(BIN)/mypy

## Lint, format check, type check and the whole test suite (browser tests included).
test: $(STAMP) $(TOOLS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(WITH_DB) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --basetemp=$(PYTEST_BASETEMP) $(PYTEST_ARGS)

## Production-like on http://127.0.0.1:8000: DEBUG off, nginx (Debian's nginx-light) serving
## media in front of gunicorn with 2 workers, whitenoise's hashed static files, the worker.
serve: $(STAMP)
	@mkdir -p var && test -s var/secret_key || $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
	SECRET_KEY="$$(cat var/secret_key)" ALLOWED_HOSTS=127.0.0.1,localhost \
	SITE_URL=http://$${NEWSROOM_ADDR:-127.0.0.1:8000} AXES_PROXY_COUNT=1 \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 EMAIL_URL=consolemail:// \
	$(WITH_DB) $(BIN)/python -m newsroom.supervise prod

## Screenshots of home, story, article and moderation (390 and 1280 px, light and dark)
## into var/screenshots/, from the demo served on 127.0.0.1:8109 (SCREENSHOT_ADDR).
screenshots: $(STAMP)
	$(WITH_DB) $(BIN)/python tools/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Stop the embedded PostgreSQL if something left it running.
db-stop: $(STAMP)
	$(BIN)/python -m newsroom.localdb stop

clean: db-stop
	rm -rf $(VENV) var

## The scale-out path on this machine (primary + streaming replica, Redis, Varnish in
## front of two gunicorn nodes, two workers), loaded for SCALE_ARGS (default 60 s);
## the last line is one JSON report. Needs redis-server, varnish, varnish-modules, wrk.
SCALE_ARGS ?=
scale-demo: $(STAMP)
	$(WITH_DB) $(BIN)/python bench/scale_demo.py $(SCALE_ARGS)
