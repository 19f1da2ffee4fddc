"""No reader waits long on a database that stopped answering (issue 24).

With PostgreSQL paused (SIGSTOP, a frozen VM, a network that drops packets) a query on an open
connection waits forever: the server cannot enforce its own statement_timeout, and libpq has no read
timeout. Every request on every app server hung about as long as the pause, kept pages and /healthz
included. Two pieces bound that:

- bounded_queries (middleware): each query a reader's request makes may take READER_SECONDS (4 s; /healthz
  HEALTH_SECONDS, 2 s). Past that, a watchdog shuts the connection's socket down: psycopg raises
  OperationalError at once and the site answers its 503 page with Retry-After (config/unavailable.py), well
  within 5 seconds. The broken connection is closed at the end of the request; the next one connects again
  (connect_timeout 3 s), so the site recovers with no restart. Django's check that a kept connection still
  works (a bare "SELECT 1" that no wrapper sees) gets CHECK_SECONDS (config/db): a paused server costs a
  reader at most that plus the connect timeout, 4 s. Editors' admin requests are cut the same way until
  the editor is known (signed in, with the second factor: unbound_editors), and not after: an import may
  legitimately run long queries. Before that, anyone's request to /admin/ (a login page, a made-up session
  cookie) was unbounded, and a handful of them held every thread of every app server for as long as the
  database was paused, kept pages included.
- counties.pagecache's version watcher: kept pages need only the data version, which each worker reads in
  a background thread once a second; a request never waits on it (see pagecache.data_version).
"""

import contextlib
import logging
import os
import socket
import threading

from django.db import connection

log = logging.getLogger(__name__)

READER_SECONDS = float(os.environ.get("DB_QUERY_SECONDS", "4"))
HEALTH_SECONDS = 2.0
CHECK_SECONDS = 1.0  # Django's check that a kept connection still works (CONN_HEALTH_CHECKS), config/db
CONNECT_SECONDS = 3  # libpq's connect_timeout (its smallest useful value is 2)
EDITORS_PREFIX = "/admin/"

_bound = threading.local()


def _cut(raw_connection, seconds: float) -> None:
    """Shut the connection's socket down, so the query waiting on it fails now (from the watchdog)."""
    try:
        descriptor = os.dup(raw_connection.fileno())
    except Exception:  # noqa: BLE001 - already closed: nothing waits on it
        return
    with contextlib.closing(socket.socket(fileno=descriptor)) as sock, contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    log.warning("A query took longer than %s s: its database connection was cut.", seconds)


@contextlib.contextmanager
def watchdog(raw_connection, seconds: float | None):
    """Cut `raw_connection` (a psycopg connection) if the block takes longer than `seconds`."""
    if not seconds or raw_connection is None:
        yield
        return
    timer = threading.Timer(seconds, _cut, args=(raw_connection, seconds))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def current_bound() -> float | None:
    """The bound on this thread's queries (None outside a request, and in a known editor's admin request)."""
    return getattr(_bound, "seconds", None)


def _watched(execute, sql, params, many, context):
    with watchdog(getattr(context["connection"], "connection", None), current_bound()):
        return execute(sql, params, many, context)


@contextlib.contextmanager
def bounded(seconds: float | None):
    """Queries in this block (this thread, the default database) may take `seconds` each (None: no bound)."""
    previous = getattr(_bound, "seconds", None)
    _bound.seconds = seconds
    try:
        with connection.execute_wrapper(_watched):
            yield
    finally:
        _bound.seconds = previous


def bounded_queries(get_response):
    def middleware(request):
        with bounded(HEALTH_SECONDS if request.path == "/healthz" else READER_SECONDS):
            return get_response(request)

    return middleware


def unbound_editors(get_response):
    """After the second factor's middleware: an editor's admin request, once the editor is known (a query of
    the session and the account, itself bounded), runs its queries without a bound."""

    def middleware(request):
        if request.path.startswith(EDITORS_PREFIX):
            user = request.user
            if user.is_authenticated and user.is_staff and user.is_verified():
                with bounded(None):
                    return get_response(request)
        return get_response(request)

    return middleware
