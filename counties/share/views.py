"""Sharing and reuse: open-data files, the recent-changes page, the embeddable card, the printable
flyer and the link-preview image. All read-only, cookie-free function views."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from config.security import framable
from counties import pagecache
from counties.changes import recent_changes
from counties.models import County, Snapshot, State
from counties.status import county_status, newest_lists

from . import wording
from .images import share_png
from .opendata import DATASETS, csv_chunks, json_chunks
from .qr import qr_svg

EMBED_MAX_AGE = 60 * 60  # card, flyer and share image: statuses change at most with each ICE list
EMBED_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)
# Bump when the columns or layout of a download change, so files kept on disk are rebuilt.
EXPORT_FORMAT_VERSION = 2
DATA_MAX_AGE = 60 * 60  # files change only when an ICE list is imported or an editor saves a county
LICENCE_NAME = "CC0 1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
ICE_SOURCE_URL = "https://www.ice.gov/identify-and-arrest/287g"
CENSUS_SOURCE_URL = "https://www.census.gov/"


@require_safe
@pagecache.kept()
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
    # Built once per data version (and language, for the JSON's documentation link) into a file on
    # disk, then streamed from it: memory stays flat and 64 readers at once do not rebuild it 64 times.
    version = (pagecache.data_version(), get_language(), EXPORT_FORMAT_VERSION)
    if fmt == "csv":
        path = pagecache.exported_file(f"{name}.csv", version, lambda: csv_chunks(dataset))
        content_type = "text/csv; charset=utf-8"
    else:
        snapshot, pending = newest_lists()
        meta = {
            "data_as_of": snapshot.as_of.isoformat() if snapshot else None,
            "data_unchanged_through": snapshot.unchanged_through.isoformat() if snapshot else None,
            "pending_as_of": pending.as_of.isoformat() if pending else None,
            "pending_unchanged_through": pending.unchanged_through.isoformat() if pending else None,
            "licence": LICENCE_URL,
            "sources": [ICE_SOURCE_URL, CENSUS_SOURCE_URL],
            "documentation": settings.SITE_URL + request.path.rsplit("/", 1)[0] + "/",
        }
        path = pagecache.exported_file(f"{name}.json", version, lambda: json_chunks(dataset, meta))
        content_type = "application/json"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="287g-{name}.{fmt}"'
    patch_cache_control(response, public=True, max_age=DATA_MAX_AGE)
    return response


@require_safe
@pagecache.kept()
def changes(request):
    state = None
    code = request.GET.get("state", "").strip()
    if code:
        # Only letters reach the database (a NUL byte in ?state= made PostgreSQL raise: a 500).
        if not (code[:2].isascii() and code[:2].isalpha()):
            raise Http404
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


def _county(state, slug):
    return get_object_or_404(County.objects.select_related("state"), state__code=state.upper(), slug=slug)


@require_safe
@pagecache.kept(max_age=EMBED_MAX_AGE)
@framable
def embed_county(request, state, slug):
    """A small county card for other sites' iframes: the only page that may be framed, by anyone."""
    county = _county(state, slug)
    response = render(
        request,
        "share/embed_county.html",
        {
            "county": county,
            "status": county_status(county),
            "county_url": settings.SITE_URL + county.get_absolute_url(),
        },
    )
    # Stricter than the site-wide policy (no scripts at all, nothing but our CSS and images); django-csp
    # leaves a header the view has set. `framable` already drops X-Frame-Options.
    response["Content-Security-Policy"] = EMBED_CSP
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response


@require_safe
@pagecache.kept(max_age=EMBED_MAX_AGE)
def county_print(request, state, slug):
    """A one-page printable flyer: the page's language first, then the other one, and a QR code."""
    county = _county(state, slug)
    county_url = settings.SITE_URL + county.get_absolute_url()
    language = get_language()
    other = next(code for code, _name in settings.LANGUAGES if code != language)
    response = render(
        request,
        "share/flyer.html",
        {
            "county": county,
            "status": county_status(county),
            "county_url": county_url,
            "qr": qr_svg(county_url, title=county_url),
            "languages": [language, other],
        },
    )
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response


@require_safe
def share_image(request, state, slug):
    """The county's link-preview image (1200x630 PNG) in the page's language."""
    county = _county(state, slug)
    status = county_status(county)
    sentence = " ".join(filter(None, [wording.status_sentence(status), wording.sb8_sentence(status)]))
    png = share_png(
        site=gettext("287(g) Explainer"),
        title=f"{county.name}, {county.state.name}",
        headline=wording.status_headline(status),
        sentence=sentence,
        code=status.code,
    )
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response
