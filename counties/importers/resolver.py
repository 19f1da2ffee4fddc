"""The CountyResolver (placing.py) kept per process, for the reference data as it is now: an editor's
preview and the import after it, and every later one, reuse it (bench/preview.py)."""

from __future__ import annotations

import contextlib
import threading

from .. import background
from ..models import County, Place, PlaceCounty, ReferenceLoad, ZipCounty
from .placing import CountyResolver

_resolver: tuple[tuple, CountyResolver] | None = None
_resolver_lock = threading.Lock()


def _reference_fingerprint() -> tuple:
    """What the resolver is built from, in a few cheap aggregates: the newest reference load and each
    table's size and newest row (a reference load replaces them; editors cannot change them)."""
    from django.db.models import Count, Max

    parts = [ReferenceLoad.objects.aggregate(newest=Max("pk"))["newest"]]
    for model in (County, Place, PlaceCounty, ZipCounty):
        totals = model.objects.aggregate(rows=Count("pk"), newest=Max("pk"))
        parts += [totals["rows"], totals["newest"]]
    return tuple(parts)


def county_resolver() -> CountyResolver:
    """The CountyResolver for the reference data as it is now, kept in this process until that changes.
    Building it reads about 60,000 rows (half a second): an editor's preview and the import after it, and
    every later one, reuse it (bench/preview.py)."""
    global _resolver
    fingerprint = _reference_fingerprint()
    with _resolver_lock:
        if _resolver is None or _resolver[0] != fingerprint:
            _resolver = (fingerprint, CountyResolver())
        return _resolver[1]


def warm_up() -> threading.Thread:
    """Build the resolver in the background as a server process starts (config/gunicorn.conf.py): an
    editor's first preview in this process does not pay for it."""
    from django.db import DatabaseError, InterfaceError

    def build() -> None:
        # The database is away: the first preview builds it.
        with contextlib.suppress(DatabaseError, InterfaceError):
            county_resolver()

    return background.start("county-resolver-warm-up", build)
