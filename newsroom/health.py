"""/healthz for load balancers and compose: is this process able to reach its database?

Anyone may call it, so it says "ok" or "unavailable" and nothing else; the reason
goes to the log. It answers fast during an outage: the database's connect timeout
and the pool's timeout are short (see ``settings.base.DATABASE_OPTIONS``).
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .middleware import RETRY_AFTER_SECONDS

logger = logging.getLogger("newsroom.database")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("healthz: database unavailable: %s", type(error).__name__)
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
