"""The project's own views: the health check load balancers and uptime monitors call, robots.txt, and the
answer to a form sent without its CSRF cookie."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views import csrf
from django.views.decorators.cache import never_cache

from counties.methods import require_safe

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

        return correction_not_sent(request, reason=reason, **match.kwargs)
    return csrf.csrf_failure(request, reason)


# Every page may be indexed but the editors' admin, search results (any text makes one), the correction
# forms and the copies of a county page (its embed card and flyer); the sitemap lists every page in both
# languages.
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /counties/?
Disallow: /es/counties/?
Disallow: /counties/*/correction/
Disallow: /es/counties/*/correction/
Disallow: /embed/
Disallow: /es/embed/
Disallow: /counties/*/print/
Disallow: /es/counties/*/print/

Sitemap: {site}/sitemap.xml
"""


@require_safe
def robots_txt(request):
    response = HttpResponse(ROBOTS.format(site=settings.SITE_URL), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
