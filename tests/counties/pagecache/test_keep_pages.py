"""manage.py keep_pages: the home, national, state and county pages rendered once, in both languages, into
the page cache every server shares; a page it could not keep makes the command fail (cron tells)."""

import pytest
from django.core.management import CommandError, call_command

from counties import pagecache
from counties.models import SharedPage
from tests.counties.factories import CountyFactory
from tests.pages import wsgi_get

pytestmark = pytest.mark.django_db


def kept_count() -> int:
    """Kept pages in the shared cache (not keep_pages's own mark, which lives among them)."""
    return SharedPage.objects.filter(key__startswith="kept:").count()


@pytest.fixture
def two_counties():
    return [CountyFactory(), CountyFactory()]


def test_every_page_is_kept_for_every_server(two_counties, settings, capsys):
    settings.SITE_URL = "http://testserver"
    call_command("keep_pages")
    # en and es: home, national, the one state, the two counties
    assert "10 of 10 pages kept" in capsys.readouterr().out
    assert kept_count() == 10
    pagecache.local.clear()
    call_command("keep_pages")  # all kept: nothing rendered again
    assert kept_count() == 10


def test_a_server_serves_what_it_kept_without_rendering(two_counties, settings, monkeypatch):
    """keep_pages renders through the test client; an app server answers through Django's WSGI handler
    (which sets the script prefix, part of the page's key): the same page, found, not rendered again."""
    settings.SITE_URL = "http://testserver"
    call_command("keep_pages")
    pagecache.local.clear()
    rendered = []
    keep = pagecache._keep
    monkeypatch.setattr(pagecache, "_keep", lambda *args: rendered.append(args) or keep(*args))
    for county in two_counties:
        for prefix in ("", "/es"):
            status, body = wsgi_get(f"{prefix}/counties/{county.state.slug}/{county.slug}/")
            assert status == "200 OK" and county.slug.encode() in body
    assert rendered == []


def test_pages_it_could_not_keep_make_it_fail(two_counties, settings):
    settings.SITE_URL = "https://not-an-allowed-host.example"
    with pytest.raises(CommandError, match="10 pages were not kept"):
        call_command("keep_pages")
    assert kept_count() == 0


def test_a_run_after_a_complete_one_ends_at_once_until_the_data_changes(
    two_counties, settings, capsys, django_assert_num_queries
):
    settings.SITE_URL = "http://testserver"
    call_command("keep_pages")
    capsys.readouterr()
    pagecache.local.clear()
    # The lock; the correction form's expired counts swept, closed reports' contacts blanked and expired
    # failed sign-ins deleted (each in a savepoint here, inside the test's transaction: three, four and three
    # statements; one, two and one in production); the data version, the mark, the unlock.
    with django_assert_num_queries(14):
        call_command("keep_pages")
    assert capsys.readouterr().out == ""  # a cron job every few minutes mails nothing
    call_command("keep_pages", verbosity=2)
    assert "already kept for this data version and day" in capsys.readouterr().out

    two_counties[0].population = 12_345  # an editor's save: a new data version
    two_counties[0].save()
    call_command("keep_pages")
    assert "10 of 10 pages kept" in capsys.readouterr().out
    call_command("keep_pages", "--force")
    assert "10 of 10 pages kept" in capsys.readouterr().out


def test_the_mark_goes_with_the_pages_when_the_shared_cache_is_emptied(two_counties, settings, capsys):
    settings.SITE_URL = "http://testserver"
    call_command("keep_pages")
    pagecache.clear()  # here and shared: the pages and the mark
    assert kept_count() == 0
    call_command("keep_pages")
    assert "10 of 10 pages kept" in capsys.readouterr().out.splitlines()[-1]
    assert kept_count() == 10


def test_a_run_that_failed_is_not_marked_done(two_counties, settings, capsys):
    settings.SITE_URL = "https://not-an-allowed-host.example"
    with pytest.raises(CommandError):
        call_command("keep_pages")
    settings.SITE_URL = "http://testserver"
    call_command("keep_pages")
    assert "10 of 10 pages kept" in capsys.readouterr().out


def test_one_run_at_a_time(two_counties, settings, capsys):
    """A second run while the first holds the lock (another connection: another process) does nothing."""
    from django.db import connections

    from counties.management.commands.keep_pages import KEEP_LOCK

    settings.SITE_URL = "http://testserver"
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [KEEP_LOCK])
        call_command("keep_pages", verbosity=2)
        assert "Another keep_pages is running" in capsys.readouterr().out
        assert kept_count() == 0
    finally:
        # Unlock before closing: a closed connection's backend lets go of its locks only as it exits, after
        # close() returns, so the next run could still find the lock held (seen once on a busy machine).
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [KEEP_LOCK])
        other.close()
    call_command("keep_pages")
    assert kept_count() == 10


def test_failed_sign_ins_go_when_their_lockout_is_over(two_counties, settings):
    """django-axes deletes expired attempts (an address, a browser's name) only when someone next tries to
    sign in: after a last try, they stayed for good. keep_pages deletes them once the lockout (an hour) is
    over, as the privacy page says; a live one stays, or the lockout would end early."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    settings.SITE_URL = "http://testserver"

    def attempt(name, minutes_ago):
        made = AccessAttempt.objects.create(
            username=name, ip_address="192.0.2.7", user_agent="Probe", failures_since_start=5
        )
        AccessAttempt.objects.filter(pk=made.pk).update(
            attempt_time=timezone.now() - timedelta(minutes=minutes_ago)
        )

    attempt("over", 61)
    attempt("live", 59)
    call_command("keep_pages")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["live"]
    from explainer import content

    assert settings.AXES_COOLOFF_TIME == 1  # the hour the privacy page names
    assert "an hour after the last failed try" in " ".join(content.get_page("en", "privacy").body.split())
    assert "una hora después del último intento fallido" in " ".join(
        content.get_page("es", "privacy").body.split()
    )
