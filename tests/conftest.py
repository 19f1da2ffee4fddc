"""Shared fixtures. Each test runs in a transaction that is rolled back, on a database that starts empty.

Tests that need the real data ask for the `shipped` fixture: the reference data (every U.S. county, ZIP
code and Texas place) and a window of ICE's lists (SHIPPED_WINDOW), loaded once per session, then kept
for every later test. With workers (`make test`), it is built once for the run, beside the first tests,
and each worker's database becomes a copy of it (tests/shipped_template.py). So that tests without it still
start from an empty database, tests that use it (and the browser tests, whose server reads it) run after
all the others. A transactional test empties the database when it ends; `shipped` loads the window again
in place if that happened (not a copy: the browser tests' server may hold connections to the database).

Checks that need the whole archive (328 lists) run in the slow suite (`make test-slow`, tests/slow/).
"""

import importlib
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

# The lists the fast suite loads: the oldest list, the lists around the facts the tests check (Lexington
# County's rename in Aug. 2025, Collin County's request in Jan. 2026, Denton's Task Force, requests that
# were dropped), and the newest list of each kind, so that "the newest list" is the site's own.
SHIPPED_WINDOW = {
    "participating": [
        date(2021, 1, 13), date(2024, 12, 18), date(2025, 2, 26), date(2025, 8, 8), date(2025, 8, 11),
        date(2025, 9, 3), date(2025, 12, 1), date(2026, 1, 23), date(2026, 1, 26), date(2026, 2, 2),
        date(2026, 5, 1), date(2026, 5, 18),
    ],
    "pending": [
        date(2025, 2, 21), date(2025, 3, 13), date(2025, 8, 28), date(2025, 9, 3), date(2026, 1, 8),
        date(2026, 1, 23), date(2026, 2, 27),
    ],
}  # fmt: skip


def shipped_window():
    from counties.importers.shipped import shipped_lists

    window = [entry for entry in shipped_lists() if entry.as_of in SHIPPED_WINDOW[entry.kind]]
    assert len(window) == sum(map(len, SHIPPED_WINDOW.values())), (
        "a date of SHIPPED_WINDOW is not in the manifest"
    )
    return window


def restore_editor_group():
    """The Editor group as the newest migration that sets it leaves it (a flush empties every table)."""
    migration = importlib.import_module("counties.migrations.0025_agency_history_counties")
    migration.create_editor_group(MigrationLoader(connection).project_state().apps, None)


@pytest.fixture(scope="module")
def _editor_group_after_the_module(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        restore_editor_group()  # the last test's flush removed it; the tests after this module need it


@pytest.fixture
def committed(_editor_group_after_the_module, transactional_db):
    """For tests that commit (several threads, processes or servers share the data): the database is
    emptied after each such test, so the Editor group is made again before it and after its module."""
    restore_editor_group()


SHIPPED_TEMPLATE = pytest.StashKey[tuple]()


def pytest_configure(config):
    """The run's controller (with workers) starts building the shipped data's template (tests/shipped_template.py)."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return
    if not config.getoption("numprocesses", None) or config.getoption("collectonly"):
        return
    from pytest_django.plugin import blocking_manager_key

    from tests import shipped_template

    with config.stash[blocking_manager_key].unblock():
        shipped_template.drop_left_behind()
    log_dir = Path(tempfile.mkdtemp(prefix="shipped-template-"))
    config.stash[SHIPPED_TEMPLATE] = (*shipped_template.start(log_dir), log_dir)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Each worker is told the template's name, its builder and where the builder writes (xdist)."""
    if SHIPPED_TEMPLATE in node.config.stash:
        template, _builder, _log_dir = node.config.stash[SHIPPED_TEMPLATE]
        node.workerinput["shipped_template"] = template.as_input()


def pytest_unconfigure(config):
    if SHIPPED_TEMPLATE not in config.stash:
        return
    from pytest_django.plugin import blocking_manager_key

    from tests import shipped_template

    template, builder, log_dir = config.stash[SHIPPED_TEMPLATE]
    if builder.poll() is None:
        builder.terminate()
    builder.wait()
    with config.stash[blocking_manager_key].unblock():
        shipped_template.drop(template.name)
    shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, django_db_blocker):
    """With workers, each worker's test database is made from the builder's migrated, empty copy
    (tests/shipped_template.py) instead of running every migration itself."""
    from django.conf import settings

    from tests.shipped_template import Template, wait_for

    template = Template.from_input(getattr(request.config, "workerinput", {}).get("shipped_template"))
    if template:
        with django_db_blocker.unblock():
            wait_for(template, template.migrated)
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = template.migrated


def _uses_shipped(item) -> bool:
    return "shipped" in item.fixturenames or "site_server" in item.fixturenames


def _long(item) -> int:
    """0: own servers, old databases migrated forward (long, mostly waiting); 1: the browser (long modules);
    2: the rest."""
    if item.get_closest_marker("server") or item.get_closest_marker("migrations"):
        return 0
    return 1 if item.get_closest_marker("browser") else 2


def pytest_collection_modifyitems(config, items):
    """Tests on an empty database first, then those that load the shipped data (it stays loaded). In each
    part the long ones first: with workers, a long test or module that comes last keeps its worker busy
    while the other has nothing left to do (the Makefile also caps the tests a worker is sent at once)."""
    items.sort(key=lambda item: (_uses_shipped(item), _long(item)))


def _load(django_db_blocker, template=None):
    from counties.importers.shipped import load_shipped_data
    from counties.models import County, Snapshot

    with django_db_blocker.unblock():
        if County.objects.exists() and Snapshot.objects.exists():
            return
        if template:  # the run's copy, built once (tests/shipped_template.py)
            from tests.shipped_template import clone_into_this_database

            clone_into_this_database(template)
            return
        call_command("flush", interactive=False, verbosity=0)  # whatever a half-empty database holds
        restore_editor_group()  # a flush removed it too
        load_shipped_data(lists=shipped_window())


@pytest.fixture(scope="session")
def _shipped_session(request, django_db_setup, django_db_blocker):
    from tests.shipped_template import Template

    template = Template.from_input(getattr(request.config, "workerinput", {}).get("shipped_template"))
    _load(django_db_blocker, template)


@pytest.fixture
def shipped(_shipped_session, django_db_blocker):
    """The real reference data and the window of ICE's lists (see SHIPPED_WINDOW), committed."""
    _load(django_db_blocker)  # a transactional test may have emptied the database since
    forget_shared_pages(django_db_blocker)


def forget_shared_pages(django_db_blocker):
    """Pages the browser tests' server kept in the database (committed) are not this test's pages."""
    from counties.models import SharedPage

    with django_db_blocker.unblock():
        SharedPage.objects.all().delete()


@pytest.fixture(autouse=True, scope="session")
def _static_files_read_once():
    """Each test's client builds the middleware stack anew, and WhiteNoise's reads all of STATIC_ROOT (711
    files, 85 ms) each time: 700 times a run, a minute of one core. The files do not change while the tests
    run, so each middleware gets the entries the first one read with the same settings (the production code
    path, read once). No test sets WHITENOISE_MIMETYPES or WHITENOISE_IMMUTABLE_FILE_TEST, which the key
    leaves out."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise

    original = WhiteNoise.update_files_dictionary
    read = {}

    def update_files_dictionary(self, root, prefix):
        key = (
            type(self), root, prefix, self.max_age, self.allow_all_origins, self.charset, self.index_file,
            self.add_headers_function, settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"],
        )  # fmt: skip
        if key not in read:
            before = dict(self.files)
            original(self, root, prefix)
            read[key] = {url: file for url, file in self.files.items() if before.get(url) is not file}
        self.files.update(read[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary
    yield
    WhiteNoise.update_files_dictionary = original


@pytest.fixture(autouse=True)
def _quick_password_hashes(request, settings):
    """Django's own advice for test speed: a cheap hasher (each PBKDF2 hash costs 0.2 s here, and the admin
    tests make and check hundreds). Not for tests whose servers check a password with the real settings."""
    if not (request.node.get_closest_marker("server") or request.node.get_closest_marker("browser")):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    """Downloads are files keyed on the data version; a rolled-back test would reuse another's."""
    settings.DATA_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture(autouse=True)
def _english_urls():
    """A request under /es/ leaves Spanish active in the thread; tests reverse() English URLs."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first, except where a test says otherwise."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_page_cache(monkeypatch):
    """Each test starts with no rendered page kept from another test (counties/pagecache.py).

    The data version is read on every request (VERSION_TTL 0), so the pinned query counts are the most a
    page costs; tests/counties/pagecache/test_pagecache.py puts the one-second memo back to test it.
    """
    from counties import early, pagecache

    early.table.clear()
    pagecache.local.clear()  # (shared copies are database rows: rolled back with each test)
    pagecache.forget_data_version()
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0)
