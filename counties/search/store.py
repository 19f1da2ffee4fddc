"""The process's one index: built on first use (or as a server process starts, warm_up), rebuilt when the
data version says the data changed. The only process-global state of the search."""

from __future__ import annotations

import gc
import logging
import threading

from django.db import DatabaseError, InterfaceError, connection

from .. import background, pagecache
from ..models import (
    Agency,
    County,
    Place,
    State,
    ZipCounty,
)
from .agencies import AgencyIndex
from .index import Index

log = logging.getLogger(__name__)

_index: Index | None = None
_index_version = None
_site_version = None
_lock = threading.Lock()


def _data_version():
    """How many counties, places, ZIP links and agencies there are, and their largest ids: one query. Tells
    whether the places must be indexed again or only the agencies."""
    parts = []
    for model in (County, Place, ZipCounty, Agency):
        table = model._meta.db_table
        parts.append(f"(SELECT count(*) FROM {table}), (SELECT max(id) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def _build() -> Index:
    """A new index. The garbage collector is paused while it is built: the build makes some 200,000
    small objects that all stay alive, and the collector's passes over them would double its time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return Index()
    finally:
        if paused:
            gc.enable()


def get_index(*, fresh: bool = False) -> Index:
    """The process's index, rebuilt when the data behind it changed.

    The site's one data version (counties/pagecache.py: imports, editors' saves, reference loads; read at
    most once a second) says when; the counts of the tables say whether the places must be indexed again,
    or only the agencies (whose counties and agreements an import or an editor changes).
    """
    global _index, _index_version, _site_version
    site = pagecache.data_version()
    with _lock:
        if _index is None or fresh or site != _site_version:
            version = _data_version()
            if _index is None or fresh or version[:6] != (_index_version or ())[:6]:
                _index = _build()
            elif version != _index_version or site != _site_version:
                _index.agencies = AgencyIndex(_index.counties, {s.pk: s for s in State.objects.all()})
            _index_version, _site_version = version, site
        return _index


def warm_up() -> threading.Thread:
    """Build the index in the background as a server process starts (config/gunicorn.conf.py), so that
    no reader's first search pays for it: a search that comes in while it is being built waits for this
    build (the lock), not for another. If the database is away, the first search builds it later."""

    def build() -> None:
        try:
            get_index()
        except (DatabaseError, InterfaceError):
            log.warning("search index not built at start: the database did not answer")

    return background.start("search-index-warm-up", build)
