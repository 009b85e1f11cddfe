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
