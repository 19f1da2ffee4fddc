"""A per-process cache of rendered public pages, keyed on what each page shows.

Rendering templates is most of what a public page costs, and the pages change only when a new ICE list is
imported or an editor saves something. So a rendered response is kept in this process's memory (the
"pages" cache) under a key made of the request's path, language and htmx flag plus a version of the data
behind the page:
- county, state and national pages use the ETag they already compute from everything they show;
- the home page, search and explainer pages use `data_version()`: the ICE lists imported (imports always
  add a Snapshot) and the newest change recorded by django-simple-history (every admin save, publish,
  revert or delete of a county, agency, agreement, event or source writes a history row).
A reader never sees a page older than the data it was built from; each worker renders a version once.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from .models import Agency, Agreement, County, Event, Snapshot, Source

CACHE_ALIAS = "pages"


def data_version() -> str:
    """One cheap query: how many ICE lists, when the last was imported, and the newest recorded editor change."""
    history_tables = [
        model.history.model._meta.db_table for model in (County, Agency, Agreement, Event, Source)
    ]
    newest_edits = ", ".join(f"(SELECT max(history_date) FROM {table})" for table in history_tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {Snapshot._meta.db_table}), "  # noqa: S608 - table names from models
            f"(SELECT max(imported_at) FROM {Snapshot._meta.db_table}), GREATEST({newest_edits})"
        )
        return ":".join(str(value) for value in cursor.fetchone())


def cached_response(request, version, build):
    """The response `build()` makes for this request and data version, rendered once per process.

    Only plain 200 responses without cookies are kept (never a form with a CSRF token, never an error).
    """
    parts = (request.get_full_path(), bool(getattr(request, "htmx", False)), get_language(), version)
    key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    cache = caches[CACHE_ALIAS]
    response = cache.get(key)
    if response is None:
        response = build()
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response)
    return response


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
