"""Sharing and reuse: open-data files, the recent-changes page, the embeddable card, the printable
flyer and the link-preview image. All read-only, cookie-free function views."""

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from counties.changes import recent_changes
from counties.models import Snapshot, State

from .opendata import DATASETS, csv_chunks, json_chunks

DATA_MAX_AGE = 60 * 60  # files change only when an ICE list is imported or an editor saves a county
LICENCE_NAME = "CC0 1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
ICE_SOURCE_URL = "https://www.ice.gov/identify-and-arrest/287g"
CENSUS_SOURCE_URL = "https://www.census.gov/"


@require_safe
def data_index(request):
    return render(
        request,
        "share/data_index.html",
        {
            "datasets": DATASETS.values(),
            "snapshot": Snapshot.objects.newest(),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "ice_source_url": ICE_SOURCE_URL,
        },
    )


@require_safe
def data_file(request, name, fmt):
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in ("csv", "json"):
        raise Http404
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(dataset), content_type="text/csv; charset=utf-8")
    else:
        snapshot = Snapshot.objects.newest()
        meta = {
            "data_as_of": snapshot.as_of.isoformat() if snapshot else None,
            "licence": LICENCE_URL,
            "sources": [ICE_SOURCE_URL, CENSUS_SOURCE_URL],
            "documentation": settings.SITE_URL + request.path.rsplit("/", 1)[0] + "/",
        }
        response = StreamingHttpResponse(json_chunks(dataset, meta), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="287g-{name}.{fmt}"'
    patch_cache_control(response, public=True, max_age=DATA_MAX_AGE)
    return response


@require_safe
def changes(request):
    state = None
    code = request.GET.get("state", "").strip()
    if code:
        state = State.objects.filter(code=code[:2].upper()).first()
        if state is None:
            raise Http404
    return render(
        request,
        "share/changes.html",
        {
            "state": state,
            "items": recent_changes(state=state, limit=100),
            "snapshot": Snapshot.objects.newest(),
            "states": State.objects.filter(agencies__agreements__isnull=False).distinct().order_by("name"),
        },
    )
