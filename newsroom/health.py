"""/healthz for load balancers and compose: is this process able to reach its database?

Anyone may call it, so it says "ok" or "unavailable" and nothing else; the reason
goes to the log. ``/healthz?detail=1`` adds each replica's lag (see
``newsroom.replicas.replica_status``) for staff, or for a request carrying
``HEALTHZ_DETAIL_TOKEN`` in ``X-Healthz-Token`` (a load test or a monitor).

It answers fast during an outage: the database's connect timeout
and the pool's timeout are short (see ``settings.base.DATABASE_OPTIONS``).
"""

import logging
import secrets

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .middleware import RETRY_AFTER_SECONDS
from .replicas import replicas_status

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
    body = {"status": "ok", "database": "ok"}
    if request.GET.get("detail") and _may_see_detail(request):
        body["replicas"] = replicas_status()
    return JsonResponse(body)


def _may_see_detail(request) -> bool:
    token = settings.HEALTHZ_DETAIL_TOKEN
    if token and secrets.compare_digest(request.headers.get("X-Healthz-Token", ""), token):
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_staff
