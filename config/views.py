"""The project's own views: the health check load balancers and uptime monitors call, and the answer to
a form sent without its CSRF cookie."""

from django.db import connection
from django.http import JsonResponse
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .unavailable import RETRY_AFTER_SECONDS


@require_safe
@never_cache
def healthz(request):
    """Liveness and database check for load balancers and uptime monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the public correction form comes back with what the reader wrote (its text was
    lost on Django's bare page, whose inline style the site's CSP blocks); any other form gets the short
    bilingual templates/403_csrf.html."""
    match = request.resolver_match
    if match is not None and match.view_name == "counties:correction":
        from counties.views import correction_not_sent

        return correction_not_sent(request, **match.kwargs)
    return csrf.csrf_failure(request, reason)
