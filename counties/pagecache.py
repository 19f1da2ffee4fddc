"""A per-process cache of rendered public pages, keyed on what each page shows.

Rendering templates is most of what a public page costs, and the pages change only when a new ICE list is
imported or an editor saves something. So a rendered response is kept in this process's memory (the
"pages" cache) under a key made of the request's path, language and htmx flag plus a version of the data
behind the page:
`data_version()`: the ICE lists imported (imports always add a Snapshot), the newest change recorded by
django-simple-history (every admin save, publish, revert or delete of a county, agency, agreement, event
or source writes a history row) and the newest reference data load (a ReferenceLoad row). The county,
state and national pages, the home page, search and explainer pages all use it, with today's date where
a page counts days (site_version). Their ETags are made from the same version, so a reader who has a
page gets a 304 without the page's own queries.
Each worker renders a version once. A process reads the version at most once a second (VERSION_TTL), so
a change made through another process shows within a second; one made in this process shows at once.
"""

import functools
import gzip
import hashlib
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from simple_history.signals import post_create_historical_record

from .models import Agency, Agreement, County, Event, ReferenceLoad, Snapshot, Source

CACHE_ALIAS = "pages"


# How long a process trusts the data version it last read before asking the database again. Under load
# this turns one query per page into one query per second per process, so a kept page is served without
# touching the database. A change saved in this process is seen at once (forget_data_version, below);
# one saved through another process (another worker, an import) is seen within this many seconds.
VERSION_TTL = 1.0
_version: tuple[str | None, float] = (None, float("-inf"))


@functools.cache
def _version_query() -> str:
    history_tables = [
        model.history.model._meta.db_table for model in (County, Agency, Agreement, Event, Source)
    ]
    newest_edits = ", ".join(f"(SELECT max(history_date) FROM {table})" for table in history_tables)  # noqa: S608
    return (
        f"SELECT (SELECT count(*) FROM {Snapshot._meta.db_table}), "  # noqa: S608 - table names from models
        f"(SELECT max(imported_at) FROM {Snapshot._meta.db_table}), GREATEST({newest_edits}), "
        f"(SELECT max(id) FROM {ReferenceLoad._meta.db_table})"
    )


def data_version() -> str:
    """How many ICE lists, when the last was imported, and the newest recorded editor change.

    One cheap query, made at most once per VERSION_TTL seconds per process.
    """
    global _version
    version, read_at = _version
    now = time.monotonic()
    if version is None or now - read_at >= VERSION_TTL:
        with connection.cursor() as cursor:
            cursor.execute(_version_query())
            version = ":".join(str(value) for value in cursor.fetchone())
        _version = (version, now)
    return version


def forget_data_version(**_kwargs) -> None:
    """Make the next data_version() ask the database (after this process changed the data)."""
    global _version
    _version = (None, float("-inf"))


def _forget_after_commit(**_kwargs) -> None:
    # Now, for this process's next page; and again after the commit, in case another thread of this
    # process read the old version in between.
    forget_data_version()
    transaction.on_commit(forget_data_version)


post_create_historical_record.connect(_forget_after_commit, dispatch_uid="pagecache-history")
post_save.connect(_forget_after_commit, sender=Snapshot, dispatch_uid="pagecache-snapshot")
post_delete.connect(_forget_after_commit, sender=Snapshot, dispatch_uid="pagecache-snapshot-delete")
post_save.connect(_forget_after_commit, sender=ReferenceLoad, dispatch_uid="pagecache-reference")


# Pages shorter than this are sent as they are (gzip's own header and footer would outweigh the saving).
GZIP_MIN_BYTES = 200
# Only text is worth compressing (HTML, Atom, XML, JSON); images are compressed already.
GZIP_TYPES = ("text/", "application/atom+xml", "application/xml", "application/json")
# Kept public pages change when a new ICE list or an editor's change lands; a CDN may keep them minutes.
PUBLIC_MAX_AGE = 300


def cached_response(request, version, build):
    """The response `build()` makes for this request and data version, rendered once per process.

    Only plain 200 responses without cookies are kept (never a form with a CSRF token, never an error).
    A kept page is gzip-compressed once, when it is kept, into `response.gzip_content`; the
    config.compression middleware sends that to browsers that accept gzip. Such a page holds no secret
    (no token, no cookie), so compressing it gives nothing away to a BREACH-style attack.
    """
    parts = (request.get_full_path(), bool(getattr(request, "htmx", False)), get_language(), version)
    key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    cache = caches[CACHE_ALIAS]
    response = cache.get(key)
    if response is None:
        response = build()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse (the sitemap): keep the rendered page
        # A page that used the reader's CSRF token holds a secret: never kept, never shared. (The token's
        # cookie is only added by the middleware later, so response.cookies alone would not show it.)
        used_csrf_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        if (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and not used_csrf_token
        ):
            if len(response.content) >= GZIP_MIN_BYTES and response.get("Content-Type", "").startswith(
                GZIP_TYPES
            ):
                compressed = gzip.compress(response.content, compresslevel=6, mtime=0)
                if len(compressed) < len(response.content):
                    response.gzip_content = compressed
            cache.set(key, response)
    return response


def _etag(*parts) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def serve_kept(request, build, *key, max_age=PUBLIC_MAX_AGE):
    """A public page keyed on the site's data version: a 304 for a reader who has this version,
    otherwise this process's kept render; `build()` (with the page's own queries) runs only the first time
    a version is asked for. The ETag covers `key`, the query string and the language as well as the
    version. The response may be kept by browsers and CDNs for `max_age` seconds.
    """
    version = site_version()
    etag = _etag(*key, version, request.GET.urlencode(), get_language())
    not_modified = get_conditional_response(request, etag=etag)
    response = not_modified if not_modified is not None else cached_response(request, version, build)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def kept(max_age=PUBLIC_MAX_AGE):
    """Decorator form of serve_kept() for a whole read-only view (the key is the request's path)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            return serve_kept(request, lambda: view(request, *args, **kwargs), request.path, max_age=max_age)

        return wrapper

    return decorator


def exported_file(name: str, version, write_chunks) -> Path:
    """A generated download kept on disk once per data version, so it streams from a file afterwards.

    The file is written chunk by chunk to a temporary file and moved into place (atomic, so concurrent
    workers never serve half a file); files of older versions of the same download are removed.
    """
    key = hashlib.sha256(repr((connection.settings_dict["NAME"], version)).encode()).hexdigest()[:24]
    folder = Path(settings.DATA_EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{key}"
    if not path.exists():
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp"
        ) as tmp:
            for chunk in write_chunks():
                tmp.write(chunk)
        os.replace(tmp.name, path)
        for old in folder.glob(f"{name}.*"):
            if old != path and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)
    return path


def site_version() -> tuple:
    """The version for pages built from site-wide aggregates: the data plus today's date (SB 8 countdown)."""
    return (data_version(), timezone.localdate())
