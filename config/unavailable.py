"""When the database cannot be reached: 503 with a short page in English and Spanish, and Retry-After.

Pages that need the database raise OperationalError or InterfaceError while PostgreSQL is down or
restarting (a refused or dropped connection, a server shutting down). Instead of a 500 for each, the
reader gets "briefly unavailable" with `Retry-After`, never kept by a cache. Nothing needs restarting
when the database returns: Django opens a new connection for the next request (a connection that
failed is closed at the start of the next request, CONN_HEALTH_CHECKS), so the site recovers by itself.

Two entry points, one answer:
- DatabaseUnavailableMiddleware.process_exception, for errors raised in a view (nearly all of them): a
  503 that goes through the other middleware (security headers) and is logged as one warning line;
- server_error, the site's handler500, for errors raised anywhere else (a middleware saving a session).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable() -> HttpResponse:
    """The 503 page. Rendered without the request's context: no context processor, no query."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            log.warning("Database unavailable for %s: %s", request.path, str(exception).strip()[:200])
            return database_unavailable()
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when what failed was the database, else Django's own 500."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable()
    return defaults.server_error(request, template_name)
