"""sync_ice_287g when ICE's site (or whatever answers in its place) sends what no real ICE page has sent:
each is a recorded outcome, never a check that stops unrecorded, never a list from another site, never a
check that runs for many minutes. Found by an attack pass with a hostile stand-in of ICE's site; each case
here failed before its fix."""

import datetime
import time

import pytest
from django.urls import reverse

from counties.importers import sync as sync_module
from counties.importers.download import same_site
from counties.importers.sync import sync
from counties.models import Snapshot, SyncRun
from tests.counties.ice_site import FILE_SERVICE
from tests.counties.workbooks import police, workbook
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
NAME = "287gParticipatingAgencies120426pm.xlsx"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(sync_module, "_today", lambda: TODAY)


def by_item(runs):
    return {run.item: run for run in runs}


def test_a_last_modified_at_the_end_of_time_is_no_date_not_a_crash(texas, ice):
    path = ice.serve_file(workbook(police("Alpha")), filename=NAME)
    ice.routes[path][1]["Last-Modified"] = "Fri, 31 Dec 9999 23:59:59 -1400"  # OverflowError in localtime
    ice.page((path, "View 287(g) Participating Agencies"))
    runs = by_item(sync(ice.page_url))
    assert runs["page"].result == "found"
    assert runs["participating"].result == "imported"
    assert Snapshot.objects.newest().as_of == datetime.date(2026, 12, 4)  # the name's date


def test_a_link_that_is_no_address_is_passed_over(texas, ice):
    path = ice.serve_file(workbook(police("Alpha")), filename=NAME)
    ice.page(("http://[2001:db8::1/doc.pdf", "Model agreement"), (path, "View 287(g) Participating Agencies"))
    runs = by_item(sync(ice.page_url))
    assert runs["participating"].result == "imported"


@pytest.mark.parametrize("where", ["etag", "link text", "address"])
def test_a_nul_from_ice_is_recorded_without_it(texas, ice, where):
    """PostgreSQL takes no NUL in text: a NUL in a validator, a link's text or an address stopped the check
    after the import, with the lists' rows never written."""
    body = workbook(police("Alpha"))
    if where == "address":
        path = FILE_SERVICE + "participatingAgencies%0012052026.xlsx"
        ice.serve_file(body, filename=None, modified=datetime.date(2026, 12, 5), path=path)
        ice.page((path, "View 287(g) Participating Agencies"))
    else:
        path = ice.serve_file(body, filename=NAME, etag='"a\x00b"' if where == "etag" else "")
        ice.page(
            (
                path,
                "View 287(g) \x00Participating Agencies"
                if where == "link text"
                else "View 287(g) Participating Agencies",
            )
        )
    runs = by_item(sync(ice.page_url))
    assert set(runs) == {"page", "participating", "pending"}
    participating = SyncRun.objects.get(pk=runs["participating"].pk)
    assert participating.result == "imported", participating.message
    stored = [getattr(participating, f.attname) for f in SyncRun._meta.concrete_fields]
    assert not [value for value in stored if isinstance(value, str) and "\x00" in value]


def test_a_raw_nul_in_a_link_does_not_stop_the_check(texas, ice):
    path = ice.serve_file(workbook(police("Alpha")), filename=NAME)
    ice.page(
        (FILE_SERVICE + "99\x00x.xlsx", "View 287(g) Participating Agencies"),
        (path, "Participating Agencies"),
    )
    runs = by_item(sync(ice.page_url))
    assert runs["participating"].result == "imported"
    assert "\x00" not in SyncRun.objects.get(pk=runs["page"].pk).message


@pytest.mark.parametrize(
    ("url", "site", "same"),
    [
        (
            "https://www.ice.gov/file-download/download/public/1",
            "https://www.ice.gov/identify-and-arrest/287g",
            True,
        ),
        ("https://ice.gov/x.xlsx", "https://www.ice.gov/287g", True),
        ("https://files.ice.gov/x.xlsx", "https://www.ice.gov/287g", True),
        ("https://WWW.ICE.GOV/x.xlsx", "https://www.ice.gov/287g", True),
        ("https://www.ice.gov./x.xlsx", "https://www.ice.gov/287g", True),
        ("https://www.ice.gov@evil.example/x.xlsx", "https://www.ice.gov/287g", False),  # user info
        ("https://notice.gov/x.xlsx", "https://www.ice.gov/287g", False),
        ("https://www.ice.gov.evil.example/x.xlsx", "https://www.ice.gov/287g", False),
        ("https://other.gov/x.xlsx", "https://www.ice.gov./287g", False),  # a trailing dot is no wider domain
        ("http://169.254.169.254/latest/meta-data/", "https://www.ice.gov/287g", False),
        ("http://127.0.0.2/x.xlsx", "http://127.0.0.1:8000/287g", False),  # an address by number: only itself
        ("http://127.0.0.1:9/x.xlsx", "http://127.0.0.1:8000/287g", True),  # another port, the same host
        ("http://[2001:db8::1/x", "https://www.ice.gov/287g", False),  # no address at all
    ],
)
def test_what_counts_as_ices_own_site(url, site, same):
    assert same_site(url, site) is same


def test_a_held_file_named_with_a_line_break_is_downloadable(client, admin_user):
    run = SyncRun.objects.create(
        item="participating",
        result=SyncRun.Result.HELD,
        filename='participatingAgencies\n12052026 "x".xlsx',
        held_file=b"PK\x03\x04 a workbook",
        started_at=datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC),
        finished_at=datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC),
    )
    login_with_second_factor(client, admin_user)
    response = client.get(reverse("admin:counties_syncrun_held_file", args=[run.pk]))
    assert response.status_code == 200 and response.content == b"PK\x03\x04 a workbook"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition
    assert "participatingAgencies12052026" in disposition


def test_the_name_taken_from_an_address_has_no_control_characters(texas, ice):
    path = FILE_SERVICE + "participatingAgencies%0A12052026.xlsx"
    ice.serve_file(workbook(police("Alpha")), filename=None, modified=datetime.date(2026, 12, 5), path=path)
    ice.page((path, "View 287(g) Participating Agencies"))
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.filename == "participatingAgencies12052026.xlsx"


def test_a_page_of_slow_links_is_cut_off_as_a_whole(texas, ice):
    """Each link had its own deadline: twelve links that drip took twelve times the timeout (12 minutes with
    the default), holding the check's lock and a thread all along."""
    links = []
    for _ in range(8):
        path = ice.serve_file(workbook(police("Alpha")), filename=NAME)
        ice.drip[path] = 0.5
        links.append((path, "View 287(g) Participating Agencies"))
    ice.page(*links)
    started = time.monotonic()
    runs = by_item(sync(ice.page_url, timeout=1))
    took = time.monotonic() - started
    assert took < 6, f"the check of a page with a 1 s timeout ran {took:.1f} s"
    assert runs["page"].result == "failed"
    assert "was not tried: the check had run its 3 seconds" in runs["page"].message
    assert not Snapshot.objects.exists()


def test_a_list_on_another_site_is_never_fetched(texas, ice):
    """A link, or a redirect, off ICE's site is not followed: the lists are ICE's own (the stand-in runs on
    127.0.0.1; 'localhost' is another host to it)."""
    path = ice.serve_file(workbook(police("Alpha")), filename=NAME)
    elsewhere = ice.base.replace("127.0.0.1", "localhost") + path
    ice.page((elsewhere, "View 287(g) Participating Agencies"))
    page = by_item(sync(ice.page_url))["page"]
    assert page.result == "failed" and "a link off ICE's site: not fetched" in page.message
    ice.route(FILE_SERVICE + "1", 302, {"Location": elsewhere}, b"")
    ice.page((FILE_SERVICE + "1", "View 287(g) Participating Agencies"))
    page = by_item(sync(ice.page_url))["page"]
    assert page.result == "failed" and "not followed" in page.message
    assert [p for p, _headers in ice.requests if p == path] == [], "the file was fetched from the other host"
    assert not Snapshot.objects.exists()


def test_an_unexpected_error_reading_the_page_is_recorded(texas, ice, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something no one foresaw")

    monkeypatch.setattr(sync_module, "discover", broken)
    page = by_item(sync(ice.page_url))["page"]
    assert (
        page.result == "failed"
        and "RuntimeError" in page.message
        and SyncRun.objects.filter(pk=page.pk).exists()
    )
