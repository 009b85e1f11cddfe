"""While PostgreSQL is unreachable, readers get a short "back soon" page, not a 500.

A database restart, a failover or a network blip makes every query raise
``OperationalError`` (or the pool's ``PoolTimeout``, which Django also reports as an
``OperationalError``). Those are not bugs in a page: the honest answer is 503 with
``Retry-After``, which load balancers and crawlers understand as "come back", and
nothing about the driver or the server goes to the reader.

Only connection-level failures count (no server answer, SQLSTATE class 08, or the
server shutting down or starting up: 57P01-57P03). A lock timeout or a cancelled
statement is still a bug to see as a 500.

``DatabaseUnavailableMiddleware.process_exception`` catches them from views and
template rendering; ``server_error`` (our ``handler500``) catches the same errors
raised by other middleware (sessions, authentication), which Django turns into a 500
before any middleware could see the exception.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("newsroom.database")

RETRY_AFTER_SECONDS = 10
# Connection exceptions; admin shutdown, crash shutdown, cannot connect now (starting).
UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_database_unavailable(error: BaseException | None) -> bool:
    """True when ``error`` means "the database cannot be reached", not "this query failed"."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    # No SQLSTATE: the server never answered (refused, reset, pool timeout).
    return sqlstate is None or sqlstate.startswith(UNAVAILABLE_SQLSTATES)


def database_unavailable_response(request, error: BaseException):
    logger.warning(
        "database unavailable: %s %s: %s", request.method, request.path, type(error).__name__
    )
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable_response(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """handler500: a database outage raised outside a view is a 503 as well."""
    error = sys.exception()
    if is_database_unavailable(error):
        return database_unavailable_response(request, error)
    return django_server_error(request, template_name=template_name)
