from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.unavailable import RETRY_AFTER_SECONDS
from counties import pagecache
from counties.changes import recent_changes
from counties.geo import state_map
from counties.models import Snapshot, State
from counties.status import MapCategory, state_statuses

from . import content, stats
from .stats import SiteStats

HOME_CHANGES = 6


@require_safe
@pagecache.kept()
def home(request):
    """Find your county: the search box first, then the Texas map, the main numbers and recent changes."""
    return _render_home(request)


def _render_home(request):
    snapshot = Snapshot.objects.newest()
    texas = State.objects.filter(code="TX").first()
    statuses = state_statuses(texas, snapshot) if texas else []
    context = {
        "snapshot": snapshot,
        "stats": stats.compute(),
        "map": state_map(texas, statuses) if texas else None,
        "categories": MapCategory.ALL,
        "changes": recent_changes(state=texas, limit=HOME_CHANGES) if texas else [],
        "texas": texas,
    }
    return render(request, "explainer/home.html", context)


@require_safe
def page(request, slug):
    """One explainer page in the request's language, with its numbered sources."""
    lang = get_language()
    page = content.get_page(lang, slug)
    if page is None:
        raise Http404("No such page in this language")
    return pagecache.serve_kept(request, lambda: _render_page(request, lang, page), "page", lang, slug)


def _render_page(request, lang, page):
    slug = page.slug
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
        response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
