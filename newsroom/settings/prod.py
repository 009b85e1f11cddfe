"""Production: every secret and host from the environment; a missing one stops start-up.

Required: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, EMAIL_URL (SMTP, e.g.
smtp+tls://user:password@smtp.example.com:587).
Optional: SITE_URL and SITE_NAME (what mail links to and calls the site),
AXES_PROXY_COUNT (proxies in front of gunicorn, nginx included, for login throttling by
client address), CSRF_TRUSTED_ORIGINS, DATABASE_POOL_MIN/MAX, DATABASE_CONNECT_TIMEOUT,
DATABASE_POOL_TIMEOUT, DATABASE_POOL_RECONNECT_TIMEOUT, DATABASE_REPLICA_URLS,
DATABASE_PIN_SECONDS, HEALTHZ_DETAIL_TOKEN, REDIS_URL, TASKS_STALE_AFTER, LOG_LEVEL, and
SECURE_SSL_REDIRECT / SECURE_COOKIES (default on; `make serve` turns them off to run on
plain http://127.0.0.1). .env.example lists them all.
"""

import os

from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import (
    LOGGING,
    database_from_environment,
    database_routers,
    env,
    mailers_from_environment,
    replicas_from_environment,
)

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": database_from_environment(fallback_to_embedded=False)}
# psycopg's connection pool: persistent connections are the pool's job, not Django's.
# Short timeouts so that a database outage is a fast 503, not a 10 s wait: a sync
# gunicorn worker uses one connection at a time, so waiting for a free one is rare.
# CONN_HEALTH_CHECKS makes the pool test a connection before handing it out: after a
# database restart the idle ones are dead, and the first request must not get one.
# The pool gives up reconnecting in the background after reconnect_timeout; the next
# request starts a fresh attempt, so a returning server is used within about a second.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env.int("DATABASE_POOL_MIN", default=2),
    "max_size": env.int("DATABASE_POOL_MAX", default=10),
    "timeout": env.float("DATABASE_POOL_TIMEOUT", default=2.0),
    "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=2.0),
}
# Streaming replicas for public reads (DATABASE_REPLICA_URLS), each with its own pool.
DATABASES |= replicas_from_environment(DATABASES["default"])
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = database_routers(DATABASES)

MAILERS = mailers_from_environment(None)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (the editor's, Swagger UI's and ReDoc's: 8 MB, each kept hashed and
# unhashed) are fetched only by an open devtools panel; brotli-compressing them was two
# thirds of collectstatic's CPU (about 40 of 64 s), paid by every deploy, `make serve`
# from clean and the production tests. They are served uncompressed instead.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health checks come over plain http from inside the container or the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only `make serve` on plain http://127.0.0.1 turns these off.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
# Behind a reverse proxy every request arrives from the proxy's address; login throttling
# by address must read the client's from X-Forwarded-For, set by AXES_PROXY_COUNT proxies.
if env.int("AXES_PROXY_COUNT", default=0):
    AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT")
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# Links in account mail (verification, password reset) use the scheme the site is served on.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SECURE_SSL_REDIRECT else "http"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# base.py's logging, at LOG_LEVEL (INFO unless set) rather than WARNING.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": env("LOG_LEVEL", default="INFO")}}
