"""Development: DEBUG on, the embedded PostgreSQL unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import database_from_environment, database_routers, env, replicas_from_environment

DEBUG = env.bool("DEBUG", default=True)
DATABASES = {"default": database_from_environment(fallback_to_embedded=True)}
DATABASES |= replicas_from_environment(DATABASES["default"])
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = database_routers(DATABASES)
# Developers see their template changes at once; `make serve` and production cache.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=False)
PAGE_PARTS_ENABLED = env.bool("PAGE_PARTS_ENABLED", default=PAGE_CACHE_ENABLED)

# Staff second factor: off here so the demo accounts sign in with a password; prod keeps
# base.py's default (on). accounts/tests/test_staff_mfa.py turns it on to test it.
NEWSROOM_REQUIRE_STAFF_MFA = env.bool("NEWSROOM_REQUIRE_STAFF_MFA", default=False)
