import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load all shipped data once per test session, so every test sees the real counties and ICE lists.

    Each test runs in a transaction that is rolled back, so what a test adds or deletes is undone.
    Never use `transactional_db` casually: its flush would wipe this data for every later test.
    """
    with django_db_blocker.unblock():
        call_command("load_shipped_data", verbosity=0)


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
    page costs; tests/test_pagecache.py puts the one-second memo back to test it.
    """
    from django.core.cache import caches

    from counties import pagecache

    caches["pages"].clear()
    pagecache.forget_data_version()
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0)
