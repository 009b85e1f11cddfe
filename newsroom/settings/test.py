"""Tests: real PostgreSQL (embedded unless DATABASE_URL is set), fast hashing, no DEBUG."""

from .base import *  # noqa: F403
from .base import database_from_environment

DATABASES = {"default": database_from_environment(fallback_to_embedded=True)}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run at enqueue time, so a test sees an import's clustering without a worker.
# The database backend and its worker are exercised by the tests that need them.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# One process: a local-memory page cache behaves like the shared one for the tests.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    **FRAGMENT_CACHE,  # noqa: F405
}
# Every prepared query (articles/prepared.py) is compiled again from the ORM and compared.
PREPARED_QUERIES_CHECKED = True

# Off by default so that a test sees what it just wrote; pagecache's own tests turn it on.
PAGE_CACHE_ENABLED = False
PAGE_PARTS_ENABLED = False

# Staff second factor: off here so the demo accounts sign in with a password; prod keeps
# base.py's default (on). accounts/tests/test_staff_mfa.py turns it on to test it.
NEWSROOM_REQUIRE_STAFF_MFA = False

# Building the gazetteer in a thread at start would cost every test process a second.
DISCOVERY_WARM_AT_START = False
