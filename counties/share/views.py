"""Sharing and reuse: open-data files, Atom feeds, the recent-changes page, the embeddable card, the
printable flyer and the link-preview image. All read-only, cookie-free function views, kept
(counties/pagecache.py) but the downloads, which are files built once per data version."""

import hashlib
from functools import wraps

from csp.decorators import csp_replace
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_exempt

from counties import pagecache, wording
from counties.changes import recent_changes
from counties.freshness import freshness
from counties.methods import require_safe
from counties.models import County, Snapshot, State
from counties.pagecache import kept_page
from counties.status import county_status, newest_lists
from counties.views import lowercase_address

from .export import csv_chunks, exported_file, json_chunks
from .feeds import ChangesFeed
from .images import share_png
from .opendata import DATASETS
from .qr import qr_svg

EMBED_MAX_AGE = 60 * 60  # card, flyer and share image: statuses change at most with each ICE list
EMBED_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)
DATA_MAX_AGE = 60 * 60  # files change only when an ICE list is imported or an editor saves a county
LICENCE_NAME = "CC0 1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
CENSUS_SOURCE_URL = "https://www.census.gov/"


def framable(view):
    """Let other sites show this view in an <iframe>: the embed card and nothing else.

    Drops X-Frame-Options and replaces only the CSP frame-ancestors directive (everything else in the
    policy stays as strict as on every other page).
    """

    @wraps(view)
    @xframe_options_exempt
    @csp_replace({"frame-ancestors": ["*"]})
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


@require_safe
@kept_page()
def data_index(request):
    return TemplateResponse(
        request,
        "share/data_index.html",
        {
            "datasets": DATASETS.values(),
            "snapshot": Snapshot.objects.newest(),
            "fresh": freshness(Snapshot.objects.newest()),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "ice_source_url": settings.ICE_PAGE_URL,
        },
    )


def _json_meta(documentation: str) -> dict:
    snapshot, pending = newest_lists()
    return {
        "data_as_of": snapshot.as_of.isoformat() if snapshot else None,
        "data_unchanged_through": snapshot.unchanged_through.isoformat() if snapshot else None,
        "pending_as_of": pending.as_of.isoformat() if pending else None,
        "pending_unchanged_through": pending.unchanged_through.isoformat() if pending else None,
        "data_age_days": freshness(snapshot).age_days,
        "data_stale": freshness(snapshot).is_stale,
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "licence": LICENCE_URL,
        "sources": [settings.ICE_PAGE_URL, CENSUS_SOURCE_URL],
        "documentation": documentation,
    }


def _if_match_passes(if_match: str, etag: str) -> bool:
    """If-Match names this ETag, compared strongly (a weak tag never matches), or is *. A header with no
    tag that can be read is taken as absent, as Django's own conditional handling does."""
    tags = parse_etags(if_match)
    return not tags or "*" in tags or etag in tags


def _has_etag(if_none_match: str, etag: str) -> bool:
    """If-None-Match names this ETag, compared weakly (nginx makes a gzipped answer's ETag weak), or is *."""
    if if_none_match.strip() == "*":
        return True
    return etag in (tag.removeprefix("W/") for tag in parse_etags(if_none_match))


@require_safe
def data_file(request, name, fmt):
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in ("csv", "json"):
        raise Http404
    # Built once per data version into a file on disk, then streamed from it: memory stays flat, and
    # readers at once wait for one build (export.exported_file). Also per language (the JSON's
    # documentation link) and release (the code, so a change of columns is rebuilt, and the site's address:
    # pagecache.release).
    version = (pagecache.data_version(), get_language(), pagecache.release())
    if fmt == "json":
        version += (pagecache.today(),)  # its metadata says how many days old the data is
    # A reader (or a script) that has this version gets a 304 instead of the whole file again.
    etag = '"' + hashlib.sha256(repr((name, fmt, version)).encode()).hexdigest()[:32] + '"'
    # The file has no modification date, so If-Unmodified-Since and If-Modified-Since are not checked
    # (RFC 9110 13.1.4, 13.1.3). An If-Match for another version is a 412 (13.2.2; nginx makes a gzipped
    # answer's ETag weak, and If-Match compares strongly, as the RFC says).
    if_match = request.headers.get("If-Match")
    if if_match is not None and not _if_match_passes(if_match, etag):
        return HttpResponse(status=412)
    if _has_etag(request.headers.get("If-None-Match", ""), etag):
        answer = HttpResponseNotModified()
        answer["ETag"] = etag
        patch_cache_control(answer, public=True, max_age=DATA_MAX_AGE)
        return answer
    if fmt == "csv":
        chunks = lambda: csv_chunks(dataset)  # noqa: E731
        content_type = "text/csv; charset=utf-8"
    else:
        # The metadata is read with the rows (in the same check that no import committed meanwhile).
        documentation = settings.SITE_URL + request.path.rsplit("/", 1)[0] + "/"
        chunks = lambda: json_chunks(dataset, _json_meta(documentation))  # noqa: E731
        content_type = "application/json"
    response = FileResponse(exported_file(f"{name}.{fmt}", version, chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="287g-{name}.{fmt}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=DATA_MAX_AGE)
    return response


@require_safe
@lowercase_address
@kept_page(language_notice=False)
def feed(request, state=None, slug=None):
    """Atom feed of the site's, a state's or a county's changes."""
    return ChangesFeed()(request, state=state, slug=slug)


@require_safe
@kept_page(params={"state": lambda value: value.strip()[:2].upper()})
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
    snapshot = Snapshot.objects.newest()
    return TemplateResponse(
        request,
        "share/changes.html",
        {
            "state": state,
            "items": recent_changes(state=state, limit=100),
            "snapshot": snapshot,
            "fresh": freshness(snapshot),
            # How current the list is: a check's date only when a check saw it after its own day (never for
            # an upload nobody saw ICE serve), and SB 8's deadline where Texas's changes are listed.
            "list_currency": wording.list_currency(
                snapshot, texas=state is None or state.code == "TX", sheriffs=True
            ),
            "states": State.objects.filter(agencies__agreements__isnull=False).distinct().order_by("name"),
        },
    )


def _county_card(state, slug) -> dict:
    """What the embed card and the flyer both show: the county, its status and its page's full address."""
    county = County.objects.by_url(state, slug)
    status = county_status(county)
    return {
        "county": county,
        "status": status,
        "fresh": freshness(status.snapshot),
        "county_url": settings.SITE_URL + county.get_absolute_url(),
    }


@require_safe
@lowercase_address
@framable
@kept_page(max_age=EMBED_MAX_AGE, language_notice=False)
def embed_county(request, state, slug):
    """A small county card for other sites' iframes: the only page that may be framed, by anyone."""
    response = TemplateResponse(request, "share/embed_county.html", _county_card(state, slug))
    # Stricter than the site-wide policy (no scripts at all, nothing but our CSS and images); django-csp
    # leaves a header the view has set. `framable` already drops X-Frame-Options.
    response["Content-Security-Policy"] = EMBED_CSP
    return response


@require_safe
@lowercase_address
@kept_page(max_age=EMBED_MAX_AGE, language_notice=False)
def county_print(request, state, slug):
    """A one-page printable flyer: the page's language first, then the other one, and a QR code."""
    card = _county_card(state, slug)
    language = get_language()
    other = next(code for code, _name in settings.LANGUAGES if code != language)
    qr = qr_svg(card["county_url"], title=card["county_url"])
    # A printed flyer says the day it was made: on paper, "N days ago" has no today to count from.
    pagecache.valid_for_today()
    context = {**card, "qr": qr, "languages": [language, other], "made_on": pagecache.today()}
    return TemplateResponse(request, "share/flyer.html", context)


@require_safe
@lowercase_address
@kept_page(max_age=EMBED_MAX_AGE, language_notice=False, share=False)
def share_image(request, state, slug):
    """The county's link-preview image (1200x630 PNG) in the page's language. Kept in each process only: a
    crawler asking for every county's image in both languages would otherwise write 6,300 rows of 56 KB to
    the shared page store per data version, and one takes 70 ms to draw."""
    county = County.objects.by_url(state, slug)
    status = county_status(county)
    png = share_png(gettext("287(g) Explainer"), *share_texts(county, status), code=status.code)
    return HttpResponse(png, content_type="image/png")


def share_texts(county, status) -> tuple[str, str, str]:
    """What the share image says, in the active language: title, headline and sentence (images.layout)."""
    return (
        f"{capfirst(county.local_name)}, {county.state.local_name}",
        wording.status_headline(status),
        wording.status_sentence(status, statewide=False, caveat=False),  # the page has the rest
    )
