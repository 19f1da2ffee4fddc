"""The production shape's files (deploy/): the nginx config renders whole and nginx accepts it; the systemd
units name the commands that exist. `make soak` runs the shape itself (deploy/soak.py)."""

import shutil
import subprocess
import sys
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
