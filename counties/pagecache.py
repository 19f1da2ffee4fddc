"""Kept pages: a public read-only page is rendered once per version of what it shows, then served from
memory, in every process and on every server.

One decorator, for views that return an unrendered TemplateResponse (or a finished, non-streaming
HttpResponse: a feed, an image):

    @kept_page(params={"status": STATUSES, "sort": SORTS}, htmx=True)
    def state_detail(request, state): ...

It answers a reader who has the page with 304, serves a kept copy when there is one, or renders the
page, keeps it and serves it. It sets ETag, Vary and Cache-Control, and sends the gzip copy to browsers
that accept it (the page is compressed once, when it is kept).

What a kept page is keyed on, and nothing else (so that `?u=1`, `?u=2`... cannot fill the cache):
the release (a hash of the templates, code and catalogues), the view, its URL arguments, the query parameters
the view declares, as the view reads them (an unknown value of an enumerated parameter counts as none), the language,
the htmx flag, the language a "Ver en español" notice offers (counties/languages.py: on English pages, from
Accept-Language; `Vary: Accept-Language`), and the data version.

- The data version (`data_version()`) is one counter (DataVersion) that every change to what public
  pages show bumps: saves and deletes of the models in WATCHED (signals wired in CountiesConfig.ready)
  and the bulk writers (an import's rebuild, a list confirmed by the sync, a reference data load), which
  call `data_changed()`. A process reads it at most once a second (VERSION_TTL).
- A page whose words depend on the date (SB 8's countdown, how old ICE's list is) says until which day it
  holds (`valid_until(day)` while rendering); it is rendered again from that day on, not before. Pages
  that do not depend on the date never expire at midnight.
- Kept copies live in this process (bounded by bytes: PAGE_CACHE_BYTES) and in the database (SharedPage:
  one render per page and version for all workers and all servers).
- A request answered by a kept page is answered again before the rest of the middleware stack
  (counties/early.py), with the same bytes and headers, while the data version and the page hold.

Only plain 200 responses without cookies are kept: never a form with a CSRF token, never an error.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gzip
import hashlib
import re
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.http import HttpResponse, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag, urlencode
from django.utils.translation import get_language

from counties.languages import suggested_language

from .pagestores import ByteLRU, KeptPage, SharedStore

VERSION_TTL = 1.0  # seconds a process trusts the data version it last read
WATCH_SECONDS = 5.0  # the version watcher's read gives up after this long, and tries again
PUBLIC_MAX_AGE = 300  # kept public pages may be kept by browsers and CDNs this long
GZIP_MIN_BYTES = 200  # shorter pages go as they are (gzip's own framing would outweigh the saving)
GZIP_TYPES = ("text/", "application/atom+xml", "application/xml", "application/json", "image/svg+xml")
KEPT_HEADERS = ("Content-Security-Policy", "Content-Disposition", "Content-Language", "X-Robots-Tag")


# --- the data version ----------------------------------------------------------------------------------

_version: tuple[int | None, float] = (None, float("-inf"))
_generation = 0  # bumped by forget_data_version: a read that began before it must not be stored
_watching = False  # a background thread reads the version (an app server's worker: watch_data_version)


def read_data_version() -> int:
    """The data version as the database has it now (data_version() is the one this process holds)."""
    from .models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("counter", flat=True).first() or 0


def data_version() -> int:
    """The counter of changes to what public pages show.

    In an app server's worker, a background thread reads it once a second (watch_data_version) and a
    request only looks at the value it holds: a kept page never waits on the database, even one that stopped
    answering (issue 24). Elsewhere (tests, a management command, the development server), and right after
    this process changed the data, the request reads it itself, at most once a second.

    While the database is away, the version this process last read stands: kept pages go on being served,
    since they need nothing from the database; the rest answer 503.
    """
    global _version
    version, read_at = _version
    now = time.monotonic()
    if version is not None and (_watching or now - read_at < VERSION_TTL):
        return version
    generation = _generation
    try:
        version = read_data_version()
    except (OperationalError, InterfaceError):
        if version is None:
            raise
    if generation == _generation:
        _version = (version, now)
    return version


def held_data_version() -> int | None:
    """The data version this process holds without asking the database (the watcher's, or one read less
    than VERSION_TTL ago), else None. For counties/early.py, which must never wait on the database."""
    version, read_at = _version
    if version is not None and (_watching or time.monotonic() - read_at < VERSION_TTL):
        return version
    return None


_stop_watching = threading.Event()


def watch_data_version(bounded: Callable | None = None) -> None:
    """Read the data version in a background thread, once a second, until the process exits. `bounded`
    (config.bounded_db.bounded, given by the server's configuration) bounds each read: a connection that
    silently died would otherwise freeze the version this process serves.

    The thread is stopped (and its connection closed) before the process's other exit handlers run: one
    of those stops the embedded PostgreSQL when this is the last process using it, and a read after that
    would start the server again, with no process left to stop it."""
    global _watching
    if _watching:
        return
    _watching = True
    thread = threading.Thread(target=_watch, args=(bounded,), name="data-version", daemon=True)
    thread.start()

    def stop() -> None:
        _stop_watching.set()
        thread.join(timeout=5)

    atexit.register(stop)  # registered after the embedded server's own handler, so it runs before it


def _watch(bounded: Callable | None) -> None:
    global _version
    try:
        while not _stop_watching.is_set():
            generation = _generation
            try:
                with bounded(WATCH_SECONDS) if bounded else contextlib.nullcontext():
                    version = read_data_version()
            except Exception:  # noqa: BLE001 - the database is away: keep the last version, try again
                with contextlib.suppress(Exception):
                    connection.close()  # this thread's own connection; the next read opens a new one
            else:
                if generation == _generation:
                    _version = (version, time.monotonic())
            _stop_watching.wait(VERSION_TTL)
    finally:
        with contextlib.suppress(Exception):
            connection.close()


def forget_data_version(**_kwargs) -> None:
    """Make the next data_version() ask the database."""
    global _version, _generation
    _generation += 1
    _version = (None, float("-inf"))


# The next version is the database clock in microseconds when that is more than the last version + 1: a
# version is not given twice, even after a restore from a backup brings back an older counter (every
# process may still hold pages under the versions given since the backup was made), unless the restore
# comes a few microseconds after them.
_NEXT_VERSION = Greatest(
    F("counter") + 1, RawSQL("(extract(epoch from clock_timestamp()) * 1000000)::bigint", ())
)


def data_changed(**_kwargs) -> None:
    """What public pages show has changed (in this transaction): a new data version, seen at once here.

    The shared copies of the old version's pages are dropped once the change is committed: deleting them
    in the change's own transaction held their rows locked through a whole import, and a reader who
    rendered a page meanwhile waited on them (pages are keyed by version, so none of them is served
    again either way)."""
    from .models import DataVersion

    if not DataVersion.objects.filter(pk=1).update(counter=_NEXT_VERSION, changed_at=timezone.now()):
        DataVersion.objects.get_or_create(pk=1, defaults={"counter": 1})
    forget_data_version()
    if connection.in_atomic_block:
        transaction.on_commit(forget_data_version)
        transaction.on_commit(_drop_shared_pages)
    else:
        _drop_shared_pages()


def _drop_shared_pages() -> None:
    from .models import SharedPage

    SharedPage.objects.all().delete()  # pages of older versions are never asked for again


def migrated(sender, apps=None, plan=None, **_kwargs) -> None:
    """After `migrate` (post_migrate, CountiesConfig.ready): a data migration writes through historical
    models, which send no signal here, so a migrate that ran any migration is a new data version (when the
    migrated state has one: a database taken back before it has none). One with nothing to run (`make run`
    migrates at every start) changes nothing: the pages `keep_pages` kept stay."""
    if plan is not None and not plan:
        return
    if apps is not None:  # `flush` sends none: the models as they are
        try:
            apps.get_model("counties", "DataVersion")
        except LookupError:
            return
    data_changed()


def watch(models) -> None:
    """Bump the data version whenever one of these models is saved or deleted (CountiesConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(data_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")


# --- what a page depends on besides the data -------------------------------------------------------------

_rendering = threading.local()


def today() -> date:
    return timezone.localdate()


def valid_until(day: date) -> None:
    """Called while a page renders: what it says holds until `day` (not included), then it must change."""
    current = getattr(_rendering, "until", None)
    if current is None or day < current:
        _rendering.until = day


def valid_for_today() -> None:
    """The page says something about today (a count of days): render it again tomorrow."""
    valid_until(today() + timedelta(days=1))


# --- kept copies --------------------------------------------------------------------------------------


local = ByteLRU(getattr(settings, "PAGE_CACHE_BYTES", 96 * 1024 * 1024))


shared = SharedStore()


def clear() -> None:
    """Forget every kept page, here and shared (tests; a reload of the site's templates)."""
    local.clear()
    shared.clear()


# --- the decorator ------------------------------------------------------------------------------------


def _param_values(request, params: dict) -> tuple:
    """The declared query parameters, normalized; an enumerated one outside its values counts as empty."""
    values = []
    for name, allowed in sorted(params.items()):
        raw = request.GET.get(name, "")
        value = allowed(raw) if callable(allowed) else raw if raw in allowed else ""
        values.append((name, value))
    return tuple(values)


# What a page is made from besides the data: a new release (templates, code, words, translations) must not
# be served pages kept by the old one, which the shared store still holds. Hashed from the files' contents,
# so every server of one release agrees without being told; and from the settings pages and downloads show
# (absolute links, ICE's page, when a status is called old), so a restart with new values drops them too.
RELEASE_SOURCES = ("templates", "counties", "explainer", "config", "locale", "static")
# .css and .js: a page names its stylesheet and scripts by their content's hash (the static manifest), so a
# page kept by a server with other static files must not be served by this one.
RELEASE_SUFFIXES = frozenset({".html", ".py", ".md", ".toml", ".mo", ".txt", ".xml", ".css", ".js"})
RELEASE_SETTINGS = ("SITE_URL", "ICE_PAGE_URL", "STALE_AFTER_DAYS")


@functools.cache
def release() -> str:
    digest = hashlib.sha256()
    for name in RELEASE_SETTINGS:
        digest.update(f"{name}={getattr(settings, name)!r}\n".encode())
    for folder in RELEASE_SOURCES:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in RELEASE_SUFFIXES and "migrations" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def wants_fragment(request) -> bool:
    """An htmx request for a part of a page, not htmx's own request for a whole page its history cache lost
    (HX-History-Restore-Request, on Back): that one must get the whole page, or the page becomes the part."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _key(request, view_name: str, kwargs: dict, params: dict, htmx: bool, notice: bool, version: int) -> str:
    fragment = htmx and wants_fragment(request)
    parts = (
        release(),
        # Where the site says it lives: links made by reverse() start with the prefix, and request.path
        # (a page's own address, its other language) with the request's SCRIPT_NAME.
        get_script_prefix(),
        request.path,
        view_name,
        tuple(sorted((k, str(v)) for k, v in kwargs.items())),
        _param_values(request, params),
        get_language(),
        fragment,
        # The "Ver en español" notice of a whole page (counties/languages.py): one copy per language offered.
        suggested_language(request) if notice and not fragment else None,
        version,
    )
    return "kept:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _keep(response, key: str) -> KeptPage | None:
    """A KeptPage of this response, or None when it must not be kept."""
    until = getattr(_rendering, "until", None)
    content = response.content
    content_type = response.get("Content-Type", "")
    gzipped = False
    if len(content) >= GZIP_MIN_BYTES and content_type.startswith(GZIP_TYPES):
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        if len(compressed) < len(content):
            content, gzipped = compressed, True
    etag = quote_etag(hashlib.sha256(f"{key}|{until}".encode()).hexdigest()[:32])
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return KeptPage(
        body=content, gzipped=gzipped, content_type=content_type, etag=etag, until=until, headers=headers
    )


QVALUE = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")


def accepts_gzip(request) -> bool:
    """Whether the request's Accept-Encoding allows gzip (RFC 9110 12.5.3): gzip named with a weight above 0,
    or not named and `*` with one. Django's own test (a search for the word) took `gzip;q=0`, which refuses
    it, as a yes. A weight that is not one is read as 0: the page goes uncompressed, which every client takes."""
    return _gzip_allowed(request.META.get("HTTP_ACCEPT_ENCODING", ""))


@functools.lru_cache(maxsize=256)  # browsers send a handful of values; any other only pushes one out
def _gzip_allowed(header: str) -> bool:
    weights = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                weight = float(value) if QVALUE.fullmatch(value.strip()) else 0.0
        coding = coding.lower()
        weights[coding] = max(weights.get(coding, 0.0), weight)
    named = [weights[coding] for coding in ("gzip", "x-gzip") if coding in weights]
    return max(named) > 0 if named else weights.get("*", 0.0) > 0


def _etag(request, page: KeptPage) -> str:
    """The page's ETag as this request gets it: the gzip copy is another representation (RFC 9110 8.8.1),
    weak, and a 304 repeats the validator of the 200 it confirms."""
    return "W/" + page.etag if page.gzipped and accepts_gzip(request) else page.etag


def _serve(request, page: KeptPage, max_age: int, vary: list[str], kept: tuple[str, int]) -> HttpResponse:
    if page.gzipped and not accepts_gzip(request):
        response = HttpResponse(gzip.decompress(page.body), content_type=page.content_type)
    else:
        response = HttpResponse(page.body, content_type=page.content_type)
        response.kept = (*kept, page.etag)  # key, data version, page: counties/early.py may answer this again
    if page.gzipped:
        vary = [*vary, "Accept-Encoding"]
        if accepts_gzip(request):
            response["Content-Encoding"] = "gzip"
    for name, value in page.headers.items():
        response[name] = value
    response["ETag"] = _etag(request, page)
    response["Content-Length"] = str(len(response.content))
    _public(response, max_age, vary)
    return response


def _public(response, max_age: int, vary: list[str]) -> None:
    patch_cache_control(response, public=True, max_age=max_age)
    if vary:
        patch_vary_headers(response, vary)


def _matches(request, page: KeptPage) -> bool:
    wanted = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not wanted:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    return page.etag in tags or "*" in tags


def kept_page(
    *,
    params: dict | None = None,
    htmx: bool = False,
    max_age: int = PUBLIC_MAX_AGE,
    share: bool = True,
    language_notice: bool = True,
) -> Callable:
    """Keep the page this view returns (see the module's docstring).

    `params` maps each query parameter the view reads to its allowed values (a collection) or to the
    function the view itself reads it through (free text): the page is kept by exactly what the view read,
    so that two texts share a page only when they make the same one. `htmx` says the view answers
    HX-Request with a fragment (`wants_fragment`; kept apart, and `Vary: HX-Request`). `share=False` keeps
    the page in this process only (search results: any text makes a page, cheap to render, not worth a row
    each).
    `language_notice=False` for what is not a page of the site's own (a feed, an image, the embed card,
    the bilingual flyer): it never shows the "Ver en español" notice, so it is kept once, not once per
    language a browser prefers. Pages with it vary on Accept-Language (English pages only).
    """
    params = params or {}
    base_vary = ["HX-Request", "HX-History-Restore-Request"] if htmx else []

    def decorator(view):
        view_name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if args:
                raise TypeError("kept_page views take keyword URL arguments only")
            version = data_version()
            key = _key(request, view_name, kwargs, params, htmx, language_notice, version)
            noticed = language_notice and get_language() == settings.LANGUAGE_CODE
            vary = [*base_vary, "Accept-Language"] if noticed else base_vary
            page = local.get(key)
            if page is None or not page.fresh():
                page = shared.get(key) if share else None
                if page is not None and page.fresh():
                    local.put(key, page)
                else:
                    page = None
            if page is not None:
                if _matches(request, page):
                    response = HttpResponseNotModified()
                    # A 304 updates the headers a browser keeps with its copy: the page's own (the embed
                    # card's stricter CSP), not the ones the middleware would add to an empty answer.
                    if "Content-Security-Policy" in page.headers:
                        response["Content-Security-Policy"] = page.headers["Content-Security-Policy"]
                    response["ETag"] = _etag(request, page)
                    _public(response, max_age, vary + (["Accept-Encoding"] if page.gzipped else []))
                    return response
                return _serve(request, page, max_age, vary, (key, version))
            _rendering.until = None
            # Whether the page may show the notice (the context processor asks): never on a page kept once
            # for every language a browser prefers.
            request.offers_language_notice = language_notice
            # What the page may say about its own address (its link in the other language): the declared
            # parameters only, since every other query string gets this same kept page.
            request.kept_query = urlencode(
                [(name, value) for name, value in _param_values(request, params) if value]
            )
            try:
                response = view(request, **kwargs)
                if isinstance(response, SimpleTemplateResponse):
                    if response.is_rendered:
                        raise TypeError(
                            f"{view_name} returned a rendered TemplateResponse; return it unrendered"
                        )
                    response.render()
                if response.streaming:
                    raise TypeError(f"{view_name} returned a streaming response, which cannot be kept")
                keepable = (
                    response.status_code == 200
                    and not response.cookies
                    and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
                )
                page = _keep(response, key) if keepable else None
            finally:
                _rendering.until = None
            if page is None:
                return response  # an error, a redirect or a form: sent as the view made it
            local.put(key, page)
            if share:
                shared.set(key, page)
            return _serve(request, page, max_age, vary, (key, version))

        wrapper.kept_page = True
        return wrapper

    return decorator
