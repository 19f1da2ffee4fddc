"""The production shape's files (deploy/): the nginx config renders whole and nginx accepts it; the systemd
units name the commands that exist. `make soak` runs the shape itself (deploy/soak.py)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from render import KEYS, render  # noqa: E402


def values(tmp_path) -> dict[str, str]:
    return {
        "listen": "127.0.0.1:18080",
        "server_name": "localhost",
        "run_dir": str(tmp_path / "run"),
        "pid_file": str(tmp_path / "run" / "nginx.pid"),
        "log_dir": str(tmp_path / "log"),
        "static_root": str(ROOT / "staticfiles"),
        "mime_types": "/etc/nginx/mime.types",
        "user_line": "",
    }


def test_the_nginx_config_renders_with_every_value_and_no_placeholder_left(tmp_path):
    text = render(values(tmp_path))
    assert "{{" not in text.split("# What it is for")[1]
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text  # overwritten, never appended
    assert "client_max_body_size 64k;" in text and "client_header_timeout 10s;" in text
    assert (
        f"server unix:{tmp_path / 'run'}/web1.sock" in text
        and f"server unix:{tmp_path / 'run'}/web2.sock" in text
    )
    assert "$remote_addr" not in text.split("log_format private")[1].split(";")[0]  # no address in the log


@pytest.mark.parametrize(
    "bad", [{"listen": "80; include /etc/passwd"}, {"user_line": "a\nb"}, {"unknown": "x"}]
)
def test_a_wrong_value_is_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        render({**values(tmp_path), **bad})


def test_a_missing_value_is_refused(tmp_path):
    partial = values(tmp_path)
    del partial["static_root"]
    with pytest.raises(ValueError, match="static_root"):
        render(partial)
    assert set(KEYS) == set(values(tmp_path))


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="no nginx here")
def test_nginx_accepts_the_rendered_config(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "log").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(values(tmp_path)))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.server
@pytest.mark.skipif(not Path(NGINX).exists(), reason="no nginx here")
def test_with_no_app_server_up_nginx_says_so_in_both_languages_and_logs_no_readers_data(tmp_path):
    """Both app servers down (a deploy restarting them, a crash): nginx answered its own English 502, and
    wrote a "crit" line per request naming the reader's address and search words (a missing socket is
    logged at "crit"). Now: a 503 in English and Spanish with Retry-After, and no reader's data logged."""
    for folder in ("run", "log"):
        (tmp_path / folder).mkdir()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = {**values(tmp_path), "listen": f"127.0.0.1:{port}"}
    if os.geteuid() == 0:
        settings["user_line"] = "user www-data;"
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(settings))
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"])  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "run" / "nginx.pid").exists():
            assert nginx.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        paths = (
            "/es/counties/?q=zzsecretword",
            "/counties/tx/dallas-county/?q=zzsecretword",
            "/feeds/tx.atom",
        )
        for path in paths:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"User-Agent": "zzagent"}
            )
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 - localhost
            assert answer.value.code == 503
            assert answer.value.headers["Retry-After"] == "30"
            assert answer.value.headers["Cache-Control"] == "no-store"
            assert answer.value.headers["Content-Type"] == "text/html; charset=utf-8"
            body = answer.value.read().decode()
            assert "This page is briefly unavailable" in body
            assert '<p lang="es">El sitio se está reiniciando o está ocupado.' in body
            assert "nginx" not in body
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    logs = "".join(path.read_text() for path in (tmp_path / "log").iterdir())
    access = (tmp_path / "log" / "nginx-access.log").read_text().splitlines()
    # nginx's own 503 (no app server reached) is told from the site's: the app servers' statuses, logged
    assert len(access) == 3 and all(re.search(r" 503 \d+ [\d.]+ 502(, 502)?$", line) for line in access), (
        access
    )
    for secret in ("zzsecretword", "zzagent", "127.0.0.1, server", "client:"):
        assert secret not in logs


def test_the_systemd_units_run_the_sites_own_commands():
    units = {path.name: path.read_text() for path in (ROOT / "deploy" / "systemd").iterdir()}
    assert "--bind unix:/run/explainer/%i.sock" in units["explainer@.service"]
    assert "manage.py sync_ice_287g" in units["explainer-sync.service"]
    assert "manage.py keep_pages" in units["explainer-keep.service"]
    commands = {"sync_ice_287g", "keep_pages"}
    for command in commands:
        assert (ROOT / "counties" / "management" / "commands" / f"{command}.py").exists()


def test_the_readmes_install_steps_keep_readers_data_out_of_postgresqls_log():
    """The embedded server gets PRIVATE_LOGGING at every start; a production server is Debian's, whose
    defaults log a failed statement whole (a reader's report and contact): the README's install steps set
    every one of the same settings, with the same values."""
    from config.embedded_pg import PRIVATE_LOGGING

    readme = (ROOT / "README.md").read_text()
    install = readme[readme.index("apt-get install nginx postgresql") : readme.index("systemctl enable")]
    for name, value in PRIVATE_LOGGING.items():
        assert f"ALTER SYSTEM SET {name} = {value}" in install, name
    assert "pg_reload_conf()" in install
