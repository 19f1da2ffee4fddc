"""The data version every kept page is keyed on (counties/pagecache.py): every change of what pages show is
a new one, a version is never given twice, and a release that serves other static files is another release.
Found by a review of what several app servers on one database share."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from counties import pagecache
from counties.models import DataVersion, SharedPage

pytestmark = pytest.mark.django_db


def version() -> int:
    return pagecache.read_data_version()


def test_a_migrate_that_ran_migrations_is_a_new_data_version():
    """A data migration writes through historical models, which send no signal: pages kept before it
    would have been served after it until the next edit. A migrate with nothing to run (`make run` migrates
    at every start) leaves the version, and the pages `keep_pages` kept, as they were."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from counties.apps import CountiesConfig

    before = version()
    call_command("migrate", verbosity=0)  # nothing to run
    assert version() == before
    config = apps.get_app_config("counties")
    assert isinstance(config, CountiesConfig)
    ran = [(object(), False)]  # as `migrate` sends it: the migrations it ran, and whether backwards
    post_migrate.send(
        sender=config, app_config=config, verbosity=0, interactive=False, using="default", plan=ran, apps=apps
    )
    assert version() > before


def test_a_version_is_never_given_twice_even_after_a_restore():
    """A restore from a backup brings back an older counter, while every process may still hold pages
    kept under the versions given since the backup."""
    pagecache.data_changed()
    restored = version()
    pagecache.data_changed()
    pagecache.data_changed()
    given_since = version()
    time.sleep(0.01)  # a restore takes longer than that
    DataVersion.objects.filter(pk=1).update(counter=restored)  # pg_restore
    pagecache.data_changed()
    assert version() > given_since


def test_the_shared_copies_go_when_the_change_is_committed(django_capture_on_commit_callbacks):
    """Deleting them inside the change's transaction held their rows locked through a whole import."""
    SharedPage.objects.create(key="kept:an-old-page", page=b"old", expires=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pagecache.data_changed()
        assert SharedPage.objects.filter(key="kept:an-old-page").exists()  # not while the change runs
    assert callbacks
    assert not SharedPage.objects.filter(key="kept:an-old-page").exists()


def test_other_static_files_are_another_release(settings, tmp_path):
    """Pages name their stylesheet and scripts by content hash: a server with other static files must not
    serve a page another server kept (its stylesheet would be a 404 there)."""
    for folder in pagecache.RELEASE_SOURCES:
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<link rel=stylesheet href=site.css>")
    stylesheet = tmp_path / "static" / "site.css"
    stylesheet.write_text("body { color: black }")
    settings.BASE_DIR = tmp_path
    pagecache.release.cache_clear()
    try:
        first = pagecache.release()
        stylesheet.write_text("body { color: #111 }")
        pagecache.release.cache_clear()
        assert pagecache.release() != first
    finally:
        pagecache.release.cache_clear()
