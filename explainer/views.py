from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from counties.models import Agreement, Snapshot

from . import content
from .stats import SiteStats


@require_safe
def home(request):
    snapshot = Snapshot.objects.newest()
    current = Agreement.objects.current().count() if snapshot else None
    return render(request, "explainer/home.html", {"snapshot": snapshot, "current_agreements": current})


@require_safe
def page(request, slug):
    """One explainer page in the request's language, with its numbered sources."""
    lang = get_language()
    page = content.get_page(lang, slug)
    if page is None:
        raise Http404("No such page in this language")
    rendered = content.render_page(page, SiteStats())
    context = {"page": page, "rendered": rendered}
    if slug == content.SOURCES_SLUG:
        context["all_sources"] = content.sources_by_page(lang)
    return render(request, "explainer/page.html", context)


@require_safe
@never_cache
def healthz(request):
    """Liveness and database check for load balancers and uptime monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
