"""Settings shared by every environment; dev, test and prod override a few values.

Secrets and per-host values come from the environment (django-environ). The database
is ``DATABASE_URL`` when set; dev and test fall back to the embedded PostgreSQL under
``var/postgres`` (see ``newsroom.localdb``).
"""

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "newsroom.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_prose_editor",
    "taggit",
    "reversion_compare",
    "reversion",
    "django_tasks_db",
    "pagecache",
    "accounts",
    "audit",
    "entities",
    "sources",
    "articles",
    "mentions",
    "discovery",
    "coverage",
    "search",
    "comments",
    "demo",
    "backups",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
]

MIDDLEWARE = [
    # A database outage answers 503 with a "back soon" page (see newsroom/middleware.py).
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Public reads on replicas when DATABASE_REPLICA_URLS is set; else not loaded.
    "newsroom.replicas.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "pagecache.middleware.PublicCacheControlMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Axes first: it refuses locked-out logins before any backend checks a password. Staff
# sign in to /admin/ with a username (ModelBackend); readers sign in with their email
# through allauth.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "comments.context_processors.moderation",
                "articles.context_processors.sections",
            ],
            # `|isodatetime` for every `<time datetime>`: loaded everywhere so that a
            # template cannot fall back to `|date:'c'` (microseconds, invalid to Nu).
            "builtins": ["articles.templatetags.dates", "articles.templatetags.page_meta"],
        },
    },
]


# Reads on streaming replicas (newsroom/replicas.py). dev.py and prod.py add
# DATABASE_REPLICA_URLS to DATABASES as replica1..n; none by default (one box).
DATABASE_REPLICAS: list[str] = []
DATABASE_ROUTERS: list[str] = []
# After a POST (or any write method) a client reads the primary for this long; it must
# outlast the replica lag (/healthz?detail=1).
DATABASE_PIN_SECONDS = env.int("DATABASE_PIN_SECONDS", default=5)
DATABASE_PIN_COOKIE = "newsroom_primary"
# Requests under these paths read the primary: editors and moderators see what they
# just did, and previews show the draft being edited.
DATABASE_PRIMARY_PATHS = ["/admin/", "/accounts/", "/moderation/", "/preview/"]
# Apps whose tables are always read on the primary: the task queue (claims must see
# the latest state), sessions and login throttling (a lagging read would log a reader
# out or forget failed logins).
DATABASE_PRIMARY_APPS = ["django_tasks_database", "sessions", "axes"]
# /healthz?detail=1 (replica lag) answers staff, or a request carrying this token in
# X-Healthz-Token; empty: staff only.
HEALTHZ_DETAIL_TOKEN = env("HEALTHZ_DETAIL_TOKEN", default="")


def database_from_environment(*, fallback_to_embedded: bool) -> dict:
    """DATABASE_URL when set; otherwise (dev, test) the embedded server, started on demand."""
    url = env("DATABASE_URL", default="")
    if not url:
        if not fallback_to_embedded:
            raise environ.ImproperlyConfigured("Set the DATABASE_URL environment variable")
        # Late: only dev and test without DATABASE_URL use the embedded server.
        from newsroom import localdb

        url = localdb.ensure_running()
    config = env.db_url_config(url)
    # A unix-socket directory arrives percent-encoded (postgres://user@%2Fpath%2Fto/db).
    config["HOST"] = unquote(config.get("HOST", ""))
    # An unreachable server must fail a request in seconds (then it answers 503), not
    # hang it for the operating system's TCP timeout. libpq's minimum is 2 s.
    config.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2)
    )
    return config


def replicas_from_environment(primary: dict) -> dict:
    """DATABASE_REPLICA_URLS (comma-separated) as aliases replica1, replica2, ...

    Each takes the primary's connection settings (timeouts, pool, health checks) unless
    its URL says otherwise. Under a test runner a replica is a mirror of ``default``
    (Django then creates no test database for it); the replica tests set their own up.
    """
    replicas = {}
    for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
        config = env.db_url_config(url)
        config["HOST"] = unquote(config.get("HOST", ""))
        options = {key: value for key, value in primary.get("OPTIONS", {}).items()}
        if isinstance(options.get("pool"), dict):
            options["pool"] = dict(options["pool"])
        config["OPTIONS"] = {**options, **config.get("OPTIONS", {})}
        for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
            if key in primary:
                config[key] = primary[key]
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


def database_routers(databases: dict) -> list[str]:
    """The replica router when replicas are configured; no router at all otherwise."""
    return ["newsroom.replicas.ReplicaRouter"] if len(databases) > 1 else []


def mailers_from_environment(default: str | None) -> dict:
    """MAILERS (Django 6.1) from EMAIL_URL, e.g. smtp+tls://user:pass@smtp.example.com:587.

    With no default, a missing EMAIL_URL stops start-up.
    """
    url = env("EMAIL_URL") if default is None else env("EMAIL_URL", default=default)
    config = env.email_url_config(url)
    options = {
        "host": config.get("EMAIL_HOST"),
        "port": config.get("EMAIL_PORT"),
        "username": config.get("EMAIL_HOST_USER"),
        "password": config.get("EMAIL_HOST_PASSWORD"),
        "use_tls": config.get("EMAIL_USE_TLS"),
        "use_ssl": config.get("EMAIL_USE_SSL"),
    }
    backend = config["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        options = {}
    return {"default": {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v}}}


MAILERS = mailers_from_environment("consolemail://")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Newsroom <newsroom@localhost>")

# Absolute links in mail (comment replies, account mail) start with this, and mail
# calls the site by this name (see accounts/adapter.py).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="Newsroom")

# Readers' accounts (django-allauth): sign in with email, which must be verified by the
# link we mail before the first login; a public display name is asked at sign-up.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# Readers sign in with their email; staff may use their username (see the MFA block).
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Mail subjects start with [SITE_NAME]; mail names the site and links to SITE_URL,
# not to whatever Host a request carried.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Failed logins are throttled by django-axes below (one mechanism, kept in the database);
# allauth's other limits (sign-ups, password resets, mails per address) stay on.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")

# Login throttling (django-axes): 5 failed logins for one account *from one address*
# lock that pair for 10 minutes. Locking by address alone would let one typist lock out
# everyone behind the same NAT (the admin included), and by account alone would let
# anyone lock `editor` out from anywhere. allauth passes the email as ``email``, hence
# the username callable.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

# Staff second factor (django-allauth's MFA: TOTP apps and WebAuthn keys, with recovery
# codes). When NEWSROOM_REQUIRE_STAFF_MFA is on, the admin's login goes through allauth's
# (which asks for the second factor), and a staff member without an authenticator who
# opens /admin/ is sent to set one up (newsroom/admin_site.py). On by default, so that
# production cannot forget it; dev.py and test.py turn it off for the demo accounts.
NEWSROOM_REQUIRE_STAFF_MFA = env.bool("NEWSROOM_REQUIRE_STAFF_MFA", default=True)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Newsroom"

# Names suggested as readers type in the search box (search/views.py: suggest): requests
# one client address may make a minute. Counted per process in the default cache.
SEARCH_SUGGEST_RATE_PER_MINUTE = env.int("SEARCH_SUGGEST_RATE_PER_MINUTE", default=120)

# Comment rules (see comments/rules.py for what each one does).
COMMENTS_RATE_LIMIT_PER_MINUTE = env.int("COMMENTS_RATE_LIMIT_PER_MINUTE", default=5)
COMMENTS_TRUSTED_AFTER_APPROVED = 2
COMMENTS_MAX_LINKS = 2
COMMENTS_REJECTION_RATE = 0.3
COMMENTS_REJECTION_WINDOW_DAYS = 7
COMMENTS_EDIT_WINDOW_SECONDS = 600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# "fragments": rendered pieces that repeat across pages (article cards), keyed on
# everything they show (articles/fragments.py), so an entry is never stale and needs no
# invalidation: memory of each process, no I/O, gone on restart (and so after a deploy
# that changes a template). 20,000 cards are about 15 MB a process.
FRAGMENT_CACHE = {
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
# "default": rate-limit counters (allauth's signup and password-reset limits, search
# suggestions, the API's limit), so every web process must see the same counts.
# "pages": rendered public pages, shared by every web process and the worker (which
# bumps the generation when content changes).
# One box: file caches under var/cache, shared by the processes of that machine.
# Several: REDIS_URL (redis://host:6379/0) puts both in Redis with Django's own backend,
# and sessions in Redis in front of the database (cached_db: a flushed Redis logs nobody
# out). CACHE_URL and PAGE_CACHE_URL still move either one anywhere else.
REDIS_URL = env("REDIS_URL", default="")


# A file cache (one box) keeps this many entries before it culls a random third: pages,
# their parts and one entry per page key (pagecache/). Django's default, 300, is a few
# dozen pages with their parts; it checks every FileCache.CULL_EVERY writes.
FILE_CACHE_MAX_ENTRIES = env.int("FILE_CACHE_MAX_ENTRIES", default=20_000)


def cache_from_environment(variable: str, *, name: str, redis_url: str = REDIS_URL) -> dict:
    """``variable`` when set, else Redis under its own key prefix, else a file cache."""
    if env(variable, default=""):
        return file_cache_as_ours(env.cache_url(variable))
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"newsroom-{name}",
        }
    return file_cache_as_ours(
        env.cache_url_config(f"filecache://{BASE_DIR / 'var' / 'cache' / name}")
    )


def file_cache_as_ours(config: dict) -> dict:
    """A file cache as ``newsroom.caches.FileCache`` (no directory listing on every
    write), with FILE_CACHE_MAX_ENTRIES unless the URL set its own; others unchanged."""
    if config["BACKEND"] != "django.core.cache.backends.filebased.FileBasedCache":
        return config
    options = {"MAX_ENTRIES": FILE_CACHE_MAX_ENTRIES, **config.get("OPTIONS", {})}
    return {**config, "BACKEND": "newsroom.caches.FileCache", "OPTIONS": options}


CACHES = {
    "default": cache_from_environment("CACHE_URL", name="default"),
    "pages": cache_from_environment("PAGE_CACHE_URL", name="pages"),
    **FRAGMENT_CACHE,
}
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
# Parts of pages kept like pages (pagecache/parts.py): a miss renders only what changed.
PAGE_PARTS_ENABLED = env.bool("PAGE_PARTS_ENABLED", default=PAGE_CACHE_ENABLED)

# --- Page cache: stampede protection (pagecache/middleware.py) ---
# While one request re-renders a page that a publish made stale, others get the last
# copy if its render began at most this long ago. 30 s: a correction then reaches our
# readers at most 30 s late, half the minute browsers and CDNs may already keep a page
# (PUBLIC_MAX_AGE). The age counts from the copy's render start, an upper bound on how
# long it has lacked a change. An older copy is not served: readers wait up to
# PAGE_RENDER_WAIT_SECONDS for the renderer's copy (still one render), then render.
PAGE_STALE_SECONDS = env.int("PAGE_STALE_SECONDS", default=30)
PAGE_RENDER_WAIT_SECONDS = env.float("PAGE_RENDER_WAIT_SECONDS", default=2.0)
# An HTTP cache in front (Varnish with xkey, deploy/varnish/newsroom.vcl): where writes
# send PURGE requests naming the keys they invalidated, on commit. Comma-separated,
# e.g. "http://127.0.0.1:6081/"; empty (the one-box default) sends none.
HTTP_CACHE_PURGE_URLS = env.list("HTTP_CACHE_PURGE_URLS", default=[])
# --- end page cache ---

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The worker (newsroom/worker.py) re-queues tasks of workers that died: at once for a
# dead process on its own host, after TASKS_STALE_AFTER seconds for another host's.
TASKS_STALE_AFTER = env.int("TASKS_STALE_AFTER", default=3600)
TASKS_RECOVER_INTERVAL = env.int("TASKS_RECOVER_INTERVAL", default=60)

# Public pages carry no third-party scripts: everything comes from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Where the demo articles live: ../shared/seeds beside the checkout.
SEEDS_DIR = Path(env("SEEDS_DIR", default=str(BASE_DIR.parent / "shared" / "seeds")))
# Real articles from real outlets (JSONL, see its README): the demo's second layer and the
# corpus the validity tests run on. Optional: both skip it, with a reason, when absent.
COVERAGE_DATA_DIR = Path(
    env("COVERAGE_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "coverage"))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # 403s are logged as one line, without the PermissionDenied traceback.
    "filters": {"forbidden_one_line": {"()": "newsroom.log_filters.PermissionDeniedOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["forbidden_one_line"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}


# Read API (api/, /api/v1/) ----------------------------------------------------------------
# django-ninja serves the docs' Swagger UI from its own static files (never a CDN) when
# "ninja" is installed. CORS is open for reading: any origin may GET the API, and only
# under /api/. The rate limit runs before the page cache so that cached answers count
# too; a valid API key (api.ApiKey, issued in the admin) lifts it.
INSTALLED_APPS += ["ninja", "corsheaders", "api"]
MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("pagecache.middleware.PageCacheMiddleware"),
    "api.middleware.ApiRateLimitMiddleware",
)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "x-api-key", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# Requests one client address may make a minute without an API key (429 after that).
API_RATE_PER_MINUTE = env.int("API_RATE_PER_MINUTE", default=120)
