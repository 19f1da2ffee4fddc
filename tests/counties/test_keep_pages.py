"""manage.py keep_pages: the home, national, state and county pages rendered once, in both languages, into
the page cache every server shares; a page it could not keep makes the command fail (cron tells)."""

import pytest
from django.core.management import CommandError, call_command

from counties import pagecache
from counties.models import SharedPage
from tests.counties.factories import CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties():
    return [CountyFactory(), CountyFactory()]


def test_every_page_is_kept_for_every_server(two_counties, settings, capsys):
    settings.SITE_URL = "http://testserver"
    call_command("keep_pages")
    # en and es: home, national, the one state, the two counties
    assert "10 of 10 pages kept" in capsys.readouterr().out
    assert SharedPage.objects.count() == 10
    pagecache.local.clear()
    call_command("keep_pages")  # all kept: nothing rendered again
    assert SharedPage.objects.count() == 10


def test_pages_it_could_not_keep_make_it_fail(two_counties, settings):
    settings.SITE_URL = "https://not-an-allowed-host.example"
    with pytest.raises(CommandError, match="10 pages were not kept"):
        call_command("keep_pages")
    assert SharedPage.objects.count() == 0
