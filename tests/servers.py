"""Real app servers for tests that need one of their own: gunicorn with the site's configuration
(config/gunicorn.conf.py), DEBUG off, on a free localhost port, its logs in files the test reads.

    with app_server(tmp_path, database_url=...) as server:
        urllib.request.urlopen(server.url + "/healthz")
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[1]
# Settings never connect to the database at start-up, so a server that only answers malformed requests
# or static files can be given an address where no database listens.
NO_DATABASE = "postgres://nobody@127.0.0.1:9/none"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict) -> str:
    """A DATABASE_URL for Django's connection settings (the test database, for another process)."""
    db = settings_dict
    port = f":{db['PORT']}" if db.get("PORT") else ""
    credentials = f"{quote(db['USER'] or '', safe='')}:{quote(db['PASSWORD'] or '', safe='')}"
    return f"postgres://{credentials}@{quote(db['HOST'] or '', safe='')}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    access_log: Path
    error_log: Path

    def logs(self) -> str:
        return "".join(p.read_text() for p in (self.access_log, self.error_log) if p.exists())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_app_server(folder: Path, *, database_url: str | None = NO_DATABASE, workers=1, threads=2, env=None):
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environ = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "app-server-tests-" + "k" * 50,  # one key for every server of a test
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": url,
        "DATABASE_URL": database_url or "",
        **(env or {}),
    }
    if database_url is None:  # the embedded server (PGDATA_DIR in env)
        del environ["DATABASE_URL"]
    access_log, error_log = folder / "access.log", folder / "error.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"),
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
        *("--access-logfile", str(access_log), "--error-logfile", str(error_log)),
    ]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=environ)  # noqa: S603 - our own fixed command
    server = AppServer(url=url, process=process, access_log=access_log, error_log=error_log)
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            # Listening; wait until a worker answers (any status: the database may be away on purpose).
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=10)  # noqa: S310 - localhost
            except urllib.error.HTTPError:
                pass
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                continue
            return server
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the app server did not start:\n{server.logs()}")
        time.sleep(0.2)


@contextlib.contextmanager
def app_server(folder: Path, **options):
    server = start_app_server(folder, **options)
    try:
        yield server
    finally:
        server.stop()


def raw_request(url: str, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are (a malformed request) and return what the server answered."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


class DatabaseProxy:
    """A TCP port in front of a PostgreSQL Unix socket that a test can switch off and on again: a
    database server going away (refused connections, open ones cut) and coming back, without touching
    the database itself."""

    def __init__(self, socket_path: str):
        self.socket_path = socket_path
        self.port = free_port()
        self._listener = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    def pause(self) -> None:
        """A server that stops answering (SIGSTOP, a frozen machine): connections stay open and new ones are
        accepted, but nothing goes through either way until resume()."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, []
        for sock in [listener, *sockets]:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            try:
                upstream.connect(self.socket_path)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
