from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from counties.models import Agreement, Snapshot


@require_safe
def home(request):
    snapshot = Snapshot.objects.newest()
    current = Agreement.objects.current().count() if snapshot else None
    return render(request, "explainer/home.html", {"snapshot": snapshot, "current_agreements": current})


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
