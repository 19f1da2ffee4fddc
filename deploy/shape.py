"""The production shape on this machine, for `make soak` (deploy/soak.py): Debian's PostgreSQL in a cluster
of its own, the site migrated and loaded, app servers (gunicorn on Unix sockets) and nginx in front
(deploy/nginx.conf.template through deploy/render.py), each stopped in reverse order; and the HTTP helpers
the checks use."""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
from render import render  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def log(message: str) -> None:
    print(f"soak: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)
    log(f"ok: {message}")


# --- the pieces ----------------------------------------------------------------------------------------


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise Failed(
            "Debian's PostgreSQL server is not installed (apt-get install postgresql; make soak does it as root)"
        )
    return Path(found[-1]).parent


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Shape:
    """The running pieces, stopped in reverse order by close()."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="explainer-soak-"))
        self.work.chmod(0o755)
        self.run_dir = self.work / "run"
        self.log_dir = self.work / "log"
        self.run_dir.mkdir()
        self.log_dir.mkdir()
        self.pg_dir = self.work / "pg"
        self.pg_port = free_port()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.apps: dict[str, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.pg_started = False
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "PGDATA_DIR", "DATABASE_URL"}},
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/explainer",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "HTTPS": "0",
            "BEHIND_PROXY": "1",
            "CSRF_TRUSTED_ORIGINS": self.url,
            "WEB_CONCURRENCY": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    # PostgreSQL: Debian's server, a cluster of its own (trust on this machine only: a test)
    def start_postgres(self) -> None:
        pg = postgres_bin()
        self.pg_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres", "postgres")
        subprocess.run(
            as_postgres([str(pg / "initdb"), "-D", str(self.pg_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                         "--no-locale"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = (
            f"-k {self.pg_dir} -p {self.pg_port} -c listen_addresses=127.0.0.1 -c log_min_messages=log "
            "-c log_min_error_statement=panic -c log_error_verbosity=terse"
        )
        subprocess.run(
            as_postgres([str(pg / "pg_ctl"), "-D", str(self.pg_dir), "-o", options, "-l",
                         str(self.pg_dir / "server.log"), "-w", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.pg_started = True
        subprocess.run(
            [str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "explainer"],
            check=True,
        )
        log(f"PostgreSQL {pg.parent.name} (Debian's) on 127.0.0.1:{self.pg_port}")

    def manage(self, *args: str) -> float:
        start = time.monotonic()
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True)
        return time.monotonic() - start

    def start_app(self, name: str) -> None:
        sock = self.run_dir / f"{name}.sock"
        command = [
            PYTHON, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py",
            "--bind", f"unix:{sock}", "--workers", self.env["WEB_CONCURRENCY"],
        ]  # fmt: skip
        out = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.apps[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status = unix_get(sock, "/healthz")
            except OSError:
                status = None
            if status == 200:
                break
            if self.apps[name].poll() is not None or time.monotonic() > deadline:
                raise Failed(f"app server {name} did not start: see {self.log_dir / (name + '.log')}")
            time.sleep(0.3)
        log(f"app server {name} on unix:{sock}")

    def kill_app(self, name: str) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.apps[name].pid, signal.SIGKILL)
        self.apps[name].wait()

    def start_nginx(self) -> None:
        conf = self.work / "nginx.conf"
        conf.write_text(
            render(
                {
                    "listen": f"127.0.0.1:{self.port}",
                    "server_name": "localhost",
                    "run_dir": str(self.run_dir),
                    "pid_file": str(self.run_dir / "nginx.pid"),
                    "log_dir": str(self.log_dir),
                    "static_root": str(ROOT / "staticfiles"),
                    "mime_types": "/etc/nginx/mime.types",
                    "user_line": "user www-data;" if os.geteuid() == 0 else "",
                }
            )
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([nginx, "-t", "-q", "-p", str(self.work), "-c", str(conf)], check=True)
        self.nginx = subprocess.Popen([nginx, "-p", str(self.work), "-c", str(conf), "-g", "daemon off;"])
        deadline = time.monotonic() + 20
        while fetch(self.url + "/healthz")[0] != 200:
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise Failed("nginx did not start: see " + str(self.log_dir / "nginx-error.log"))
            time.sleep(0.2)
        log(f"nginx {nginx_version(nginx)} on {self.url}")

    def close(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.nginx.wait(timeout=10)
            if self.nginx.poll() is None:
                self.nginx.kill()
        for process in self.apps.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=15)
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
        if self.pg_started:
            subprocess.run(
                as_postgres([str(postgres_bin() / "pg_ctl"), "-D", str(self.pg_dir), "-m", "fast", "stop"]),
                stdout=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(self.work, ignore_errors=True)


def nginx_version(nginx: str) -> str:
    text = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr
    return text.strip().rsplit("/", 1)[-1]


# --- HTTP helpers ----------------------------------------------------------------------------------------


def unix_get(sock: Path, path: str) -> int:
    connection = http.client.HTTPConnection("localhost", timeout=10)
    connection.sock = socket.socket(socket.AF_UNIX)
    connection.sock.settimeout(10)
    connection.sock.connect(str(sock))
    connection.request("GET", path, headers={"Host": "localhost"})
    status = connection.getresponse().status
    connection.close()
    return status


def fetch(url: str, *, method="GET", body=None, headers=None, timeout=10.0):
    """(status, headers, body text, seconds); status None when the request failed."""
    parts = urllib.parse.urlsplit(url)
    start = time.monotonic()
    try:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers or {})  # fmt: skip
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        connection.close()
        return response.status, response.headers, text, time.monotonic() - start
    except OSError:
        return None, {}, "", time.monotonic() - start


# --- the checks ------------------------------------------------------------------------------------------
