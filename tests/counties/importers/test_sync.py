"""sync_ice_287g against a local HTTP server playing ICE's site as it served its lists until spring 2026
(links to participatingAgenciesMMDDYYYY.xlsx and pendingAgencies...xlsx under /doclib/), which the sync still
reads (ICE's site as it is today: tests/counties/importers/test_sync_today.py): new lists imported,
the same list confirmed, 304 handled, every kind of bad answer recorded with nothing changed, and emails
when a list's state changes."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from counties.importers import sync as sync_module
from counties.importers.sync import sync
from counties.models import Agreement, Snapshot, SyncRun
from tests.counties.ice_site import IceSite, http_date, serve
from tests.counties.workbooks import PENDING, pending_row, police, tf, workbook
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)
PAGE = '<html><body><a href="/doclib/287g/{participating}">Participating</a> <a href="/doclib/287g/{pending}">Pending</a></body></html>'


class Ice2025(IceSite):
    """ICE's site as it served its lists until spring 2026: a page linking .xlsx files by name."""

    def publish(
        self, path, body, *, status=200, etag="", modified: datetime.date | None = None, content_type=None
    ):
        headers = {
            "Content-Type": content_type
            or ("text/html" if path.endswith(".html") else "application/octet-stream")
        }
        if etag:
            headers["ETag"] = etag
        if modified:
            headers["Last-Modified"] = http_date(modified)
        self.route(path, status, headers, body)

    def page(self, participating, pending):
        self.publish("/287g.html", PAGE.format(participating=participating, pending=pending).encode())


@pytest.fixture
def ice():
    """This module's ICE: the site as it was (overrides the conftest's stand-in of today)."""
    site = Ice2025()
    server = serve(site)
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(sync_module, "_today", lambda: TODAY)


def results(runs):
    return {run.item: run.result for run in runs}


def run_sync(ice, **options):
    return sync(ice.base + "/287g.html", **options)


def test_a_new_list_is_imported_and_the_same_list_later_only_confirms_it(texas, ice):
    ice.publish(
        "/doclib/287g/participatingAgencies11302026am.xlsx",
        workbook(police("Alpha", "Bravo")),
        etag='"v1"',
        modified=datetime.date(2026, 11, 30),
    )
    ice.publish(
        "/doclib/287g/pendingAgencies11302026am.xlsx",
        workbook([pending_row("Collin County Sheriff's Office", "Collin County")], PENDING),
        modified=datetime.date(2026, 11, 30),
    )
    ice.page("participatingAgencies11302026am.xlsx", "pendingAgencies11302026am.xlsx")
    runs = run_sync(ice)
    assert results(runs) == {"page": "found", "participating": "imported", "pending": "imported"}
    newest = Snapshot.objects.newest()
    assert (newest.as_of, newest.origin, newest.unchanged_through) == (
        datetime.date(2026, 11, 30),
        "sync",
        TODAY,
    )
    assert newest.source_url.endswith("participatingAgencies11302026am.xlsx")
    assert Agreement.objects.current().count() == 2

    # Six hours later: ICE answers 304 for the participating file (its ETag is sent back); the pending file
    # comes again, byte for byte: both only confirm what is held. No new list.
    later = datetime.date(2026, 12, 3)
    sync_module._today = lambda: later  # noqa: SLF001 - the clock for this second check (undone by monkeypatch)
    runs = run_sync(ice)
    assert results(runs) == {"page": "found", "participating": "unchanged", "pending": "unchanged"}
    participating = [r for r in runs if r.item == "participating"][0]
    assert participating.http_status == 304
    assert ice.requests[-2][1].get("If-None-Match") == '"v1"'
    assert Snapshot.objects.count() == 2
    assert Snapshot.objects.newest().unchanged_through == later
    assert Snapshot.objects.newest(Snapshot.Kind.PENDING).unchanged_through == later


def test_a_resaved_file_with_the_same_rows_confirms_the_list_and_adds_none(texas, ice):
    ice.publish("/doclib/287g/participatingAgencies11302026am.xlsx", workbook(police("Alpha")))
    ice.publish(
        "/doclib/287g/pendingAgencies11302026am.xlsx", workbook([pending_row("X Sheriff's Office")], PENDING)
    )
    ice.page("participatingAgencies11302026am.xlsx", "pendingAgencies11302026am.xlsx")
    run_sync(ice)
    ice.publish(
        "/doclib/287g/participatingAgencies12012026am.xlsx", workbook(police("Alpha"), title="Saved again")
    )
    ice.page("participatingAgencies12012026am.xlsx", "pendingAgencies11302026am.xlsx")
    runs = run_sync(ice)
    assert results(runs)["participating"] == "unchanged"
    assert Snapshot.objects.participating().count() == 1
    assert Snapshot.objects.newest().unchanged_through == TODAY


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda ice: ice.publish("/287g.html", b"", status=403), "403"),
        (lambda ice: ice.publish("/287g.html", b"oops", status=500), "500"),
        (
            lambda ice: ice.publish("/287g.html", b"<html><p>We moved things around.</p></html>"),
            "has no link to any list",
        ),
    ],
    ids=["forbidden", "server-error", "no-links"],
)
def test_a_bad_page_is_a_recorded_failure_and_changes_nothing(texas, ice, setup, message):
    setup(ice)
    runs = run_sync(ice)
    (page,) = runs
    assert page.result == "failed" and message in page.message
    assert not Snapshot.objects.exists()


def test_a_timeout_is_a_recorded_failure(texas, ice):
    ice.page("participatingAgencies11302026am.xlsx", "pendingAgencies11302026am.xlsx")
    ice.delay = 2
    (page,) = run_sync(ice, timeout=0.5)
    assert page.result == "failed" and "timed out" in page.message.lower()


def _published(ice, participating_rows, name="participatingAgencies11302026am.xlsx", **options):
    ice.publish(f"/doclib/287g/{name}", workbook(participating_rows), **options)
    ice.publish(
        "/doclib/287g/pendingAgencies11302026am.xlsx", workbook([pending_row("X Sheriff's Office")], PENDING)
    )
    ice.page(name, "pendingAgencies11302026am.xlsx")


def test_a_workbook_that_fails_the_importers_checks_is_a_failure(texas, ice):
    ice.publish("/doclib/287g/participatingAgencies11302026am.xlsx", b"this is not a workbook")
    ice.publish(
        "/doclib/287g/pendingAgencies11302026am.xlsx", workbook([pending_row("X Sheriff's Office")], PENDING)
    )
    ice.page("participatingAgencies11302026am.xlsx", "pendingAgencies11302026am.xlsx")
    runs = run_sync(ice)
    assert results(runs)["participating"] == "failed" and "not an Excel workbook" in runs[1].message
    assert not Snapshot.objects.participating().exists()


def test_a_file_far_larger_than_usual_is_a_failure(texas, ice, monkeypatch):
    monkeypatch.setattr(
        sync_module, "MAX_GROWTH", 3
    )  # 100 in production; a small factor keeps the test file small
    _published(ice, police("Alpha"))
    run_sync(ice)
    padding = [
        tf(f"Agency {i} with a long made-up name to grow the file Police Department") for i in range(1500)
    ]
    _published(ice, padding, name="participatingAgencies12012026am.xlsx")
    runs = run_sync(ice)
    assert results(runs)["participating"] == "failed" and "3 times the last one" in runs[1].message
    assert Snapshot.objects.participating().count() == 1


def test_a_file_whose_name_and_server_dates_disagree_is_held(texas, ice):
    """ICE named its January 2026 files 2025: the server's Last-Modified tells."""
    _published(
        ice,
        police("Alpha"),
        name="participatingAgencies11302025am.xlsx",
        modified=datetime.date(2026, 11, 30),
    )
    runs = run_sync(ice)
    held = [r for r in runs if r.item == "participating"][0]
    assert held.result == "held" and "2025-11-30" in held.message and "2026-11-30" in held.message
    assert held.held_file and not Snapshot.objects.participating().exists()


def test_an_old_list_served_again_and_the_other_kind_of_list_are_held(texas, ice):
    _published(ice, police("Alpha"))
    run_sync(ice)
    _published(ice, police("Alpha", "Bravo"), name="participatingAgencies12012026am.xlsx")
    run_sync(ice)
    _published(ice, police("Alpha"), name="participatingAgencies12022026am.xlsx")  # the rows of 11-30 again
    runs = run_sync(ice)
    assert results(runs)["participating"] == "held" and "re-served" in runs[1].message
    ice.publish(
        "/doclib/287g/participatingAgencies12022026pm.xlsx",
        workbook([pending_row("X Sheriff's Office")], PENDING),
    )
    ice.page("participatingAgencies12022026pm.xlsx", "pendingAgencies11302026am.xlsx")
    runs = run_sync(ice)
    assert results(runs)["participating"] == "held" and "pending list" in runs[1].message
    assert Agreement.objects.current().count() == 2


def test_a_list_that_drops_an_unusual_share_is_held(texas, ice):
    _published(ice, police(*[f"A{i}" for i in range(20)]))
    run_sync(ice)
    _published(ice, police("A0"), name="participatingAgencies12012026am.xlsx")
    runs = run_sync(ice)
    assert results(runs)["participating"] == "held" and "drops 19 of the 20" in runs[1].message
    assert Agreement.objects.current().count() == 20


def test_editors_and_admins_are_emailed_when_a_lists_state_changes(texas, ice, settings):
    settings.ADMINS = [("Site admin", "admin@example.org")]
    editor = User.objects.create_user("ed", email="ed@example.org", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    User.objects.create_user("gone", email="gone@example.org", is_staff=True, is_active=False).groups.add(
        Group.objects.get(name="Editor")
    )
    User.objects.create_superuser(
        "boss", email="boss@example.org"
    )  # edits too, though in no group (issue 27)
    User.objects.create_user("reader", email="reader@example.org")  # not staff: never told
    _published(ice, police("Alpha"))
    run_sync(ice)
    assert mail.outbox == []  # the first success is no news
    ice.publish("/287g.html", b"", status=500)
    run_sync(ice)
    everyone = ["admin@example.org", "boss@example.org", "ed@example.org"]
    assert sorted(address for message in mail.outbox for address in message.to) == everyone
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees another editor's address
    assert "failed" in mail.outbox[0].body and "500" in mail.outbox[0].body
    run_sync(ice)
    assert len(mail.outbox) == 3  # still failing: no second email
    ice.page("participatingAgencies11302026am.xlsx", "pendingAgencies11302026am.xlsx")
    run_sync(ice)
    assert len(mail.outbox) == 6 and all("working again" in m.body for m in mail.outbox[3:])


def test_the_command_says_what_happened_and_fails_loudly_on_a_failure(texas, ice):
    _published(ice, police("Alpha"))
    out = io.StringIO()
    call_command("sync_ice_287g", "--url", ice.base + "/287g.html", stdout=out)
    assert "Participating agencies list: A new list imported" in out.getvalue()
    ice.publish("/287g.html", b"", status=503)
    with pytest.raises(CommandError, match="failed"):
        call_command("sync_ice_287g", "--url", ice.base + "/287g.html", stdout=io.StringIO())
    assert SyncRun.objects.filter(result="failed").count() == 1


def test_the_admin_index_shows_the_last_successful_check(texas, ice, client, admin_user):
    _published(ice, police("Alpha"))
    run_sync(ice)
    login_with_second_factor(client, admin_user)
    html = client.get("/admin/").content.decode()
    assert (
        "ICE&#x27;s site last checked successfully on" in html
        or "ICE's site last checked successfully on" in html
    )


@pytest.mark.usefixtures("committed")  # the check runs in a thread of its own, on its own connection
def test_an_editor_checks_ices_site_now_from_the_admin(texas, ice, settings, client, monkeypatch):
    """Issue 27: the admin home told editors about `manage.py sync_ice_287g`; now a button runs the
    scheduled check at once (in the background: a check may take longer than a request may), one at a
    time."""
    from django.db import connections
    from django.urls import reverse

    from counties import locks
    from counties.admin import lists as lists_admin

    settings.ICE_PAGE_URL = ice.base + "/287g.html"
    _published(ice, police("Alpha", "Bravo"))
    editor = User.objects.create_user("checker", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, editor)
    assert 'value="Check ICE\'s site now"' in client.get(reverse("admin:index")).content.decode()
    started = []
    real = lists_admin.check_in_background
    monkeypatch.setattr(lists_admin, "check_in_background", lambda: started.append(real()) or started[-1])
    url = reverse("admin:counties_syncrun_check_now")
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert any("Checking ICE's site now" in str(m) for m in response.context["messages"])
    started[0].join(timeout=120)
    assert not started[0].is_alive()
    assert Snapshot.objects.filter(as_of=datetime.date(2026, 11, 30), origin=Snapshot.Origin.SYNC).exists()
    assert SyncRun.objects.filter(item="page").exists()
    # While another check holds the lock (the scheduler's, on another connection), none is started.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [locks.SYNC])
        response = client.post(url, follow=True)
        assert started[-1] is None
        assert any("running already" in str(m) for m in response.context["messages"])
    finally:
        other.close()
    # Readers of the public pages and editors without the right to upload lists cannot start one.
    reader = User.objects.create_user("reader2", is_staff=True)
    login_with_second_factor(client, reader)
    assert client.post(url).status_code == 403
