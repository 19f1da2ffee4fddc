"""sync_ice_287g against a stand-in for ICE's site as it serves its lists today (tests/counties/ice_site.py:
the page moved, workbook links to ICE's file service with the name only in Content-Disposition, new name
schemes, no pending link), never the internet."""

import datetime
import io
import time

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from counties.importers import sync as sync_module
from counties.importers.sync import sync
from counties.models import Agreement, Snapshot, SyncRun
from tests.counties.ice_site import FILE_SERVICE
from tests.counties.workbooks import PENDING, pending_row, plain_workbook, police, workbook
from tests.editors import login_with_second_factor
from tests.pages import page_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(sync_module, "_today", lambda: TODAY)


def publish(ice, filename, modified, *names):
    """ICE's page linking one list, of these police departments, served as `filename` (modified on `modified`)."""
    return ice.publish(workbook(police(*names)), filename, modified=modified)


def by_item(runs):
    return {run.item: run for run in runs}


def test_a_list_behind_the_file_service_is_imported_with_the_date_in_its_content_disposition(texas, ice):
    ice.publish(
        workbook(police("Alpha", "Bravo")),
        "287gParticipatingAgencies120426pm.xlsx",
        modified=datetime.date(2026, 12, 4),
        etag='"a1"',
    )
    runs = by_item(sync(ice.old_page_url))  # the old address redirects to the page's new one
    page, participating, pending = runs["page"], runs["participating"], runs["pending"]
    assert page.result == "found" and "1 candidate link" in page.message
    assert participating.result == "imported"
    assert (participating.filename, participating.list_date) == (
        "287gParticipatingAgencies120426pm.xlsx",
        datetime.date(2026, 12, 4),
    )
    assert (participating.kind_from, participating.date_from) == ("name", "name")
    assert participating.link_text == "View 287(g) Participating Agencies"
    assert participating.url.startswith(ice.base + FILE_SERVICE)
    newest = Snapshot.objects.newest()
    assert (newest.as_of, newest.origin, newest.unchanged_through) == (
        datetime.date(2026, 12, 4),
        "sync",
        TODAY,
    )
    assert newest.filename == "287gParticipatingAgencies120426pm.xlsx"
    assert Agreement.objects.current().count() == 2
    # No pending link: a state, not a failure.
    assert pending.result == "absent" and "links no pending list" in pending.message

    # The next check: the file service answers 304 to the ETag it sent; the list is confirmed.
    later = datetime.date(2026, 12, 7)
    sync_module._today = lambda: later  # noqa: SLF001 - undone by monkeypatch
    runs = by_item(sync(ice.page_url))
    assert runs["participating"].result == "unchanged" and runs["participating"].http_status == 304
    assert ice.requests[-1][1].get("If-None-Match") == '"a1"'
    assert Snapshot.objects.newest().unchanged_through == later


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("ParticipatingAgency120326.xlsx", datetime.date(2026, 12, 3)),
        ("participatingAgencies_20261203.xlsx", datetime.date(2026, 12, 3)),
        ("participatingAgencies12032026mid.xlsx", datetime.date(2026, 12, 3)),
        ("participatingAgencies120320263pm.xlsx", datetime.date(2026, 12, 3)),  # a stray digit after the year
    ],
)
def test_every_name_scheme_gives_icess_date(texas, ice, filename, expected):
    publish(ice, filename, expected, "Alpha")
    participating = by_item(sync(ice.page_url))["participating"]
    assert (participating.result, participating.list_date, participating.date_from) == (
        "imported",
        expected,
        "name",
    )
    assert Snapshot.objects.newest().as_of == expected


def test_a_name_with_an_impossible_date_is_dated_by_last_modified_and_the_run_says_so(texas, ice):
    publish(ice, "participatingAgencies12033026am.xlsx", datetime.date(2026, 12, 3), "Alpha")
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.result == "imported" and participating.date_from == "Last-Modified"
    assert "Dated 2026-12-03 by the server's Last-Modified" in participating.message
    assert "3026-12-03) is in the future" in participating.message
    assert Snapshot.objects.newest().as_of == datetime.date(2026, 12, 3)


def test_a_list_with_no_date_anywhere_is_held_for_an_editor(texas, ice):
    publish(ice, "participatingAgencies09002026am.xlsx", None, "Alpha")  # day 00, no Last-Modified
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.result == "held" and "cannot be told" in participating.message
    assert "not a real date" in participating.message and participating.held_file
    assert not Snapshot.objects.exists()


def test_kind_from_the_link_text_then_from_the_columns(texas, ice):
    """No name in Content-Disposition nor in the address: the link's text says which list; with a text
    that names none, the columns do (a pending list has no SIGNED column)."""
    pending_path = ice.serve_file(
        workbook([pending_row("Collin County Sheriff's Office", "Collin County")], PENDING),
        filename=None,
        modified=datetime.date(2026, 12, 2),
    )
    participating_path = ice.serve_file(
        workbook(police("Alpha")), filename=None, modified=datetime.date(2026, 12, 2)
    )
    ice.page((participating_path, "Download the list (XLSX)"), (pending_path, "Pending agencies"))
    runs = by_item(sync(ice.page_url))
    assert (runs["participating"].result, runs["participating"].kind_from) == ("imported", "columns")
    assert (runs["pending"].result, runs["pending"].kind_from) == ("imported", "link text")
    assert runs["pending"].date_from == "Last-Modified"
    assert Snapshot.objects.newest(Snapshot.Kind.PENDING).as_of == datetime.date(2026, 12, 2)


def test_a_name_that_contradicts_the_columns_is_held(texas, ice):
    ice.publish(
        workbook([pending_row("X Sheriff's Office")], PENDING),
        "287gParticipatingAgencies120326am.xlsx",
        modified=datetime.date(2026, 12, 3),
    )
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.result == "held" and "columns are those of the pending list" in participating.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"body": b"<!DOCTYPE html><p>Access denied</p>", "content_type": "text/html"}, "an HTML page"),
        ({"body": plain_workbook(["Name", "Phone"], ["A", "1"])}, "ICE"),
        ({"body": b"PK\x03\x04 not really a zip"}, "workbook"),
    ],
    ids=["html-from-the-file-service", "a-zip-that-is-not-ices-workbook", "a-broken-zip"],
)
def test_an_answer_that_is_not_a_list_is_a_recorded_failure_that_changes_nothing(texas, ice, answer, reason):
    ice.publish(
        answer["body"],
        "287gParticipatingAgencies120326am.xlsx",
        content_type=answer.get("content_type", "application/octet-stream"),
    )
    page = by_item(sync(ice.page_url))["page"]
    assert page.result == "failed" and "None of the 1 links" in page.message and reason in page.message
    assert not Snapshot.objects.exists()


def test_a_page_with_no_lists_fails_loudly(texas, ice):
    ice.page()
    with pytest.raises(CommandError, match="failed"):
        call_command("sync_ice_287g", "--url", ice.page_url, stdout=io.StringIO())
    (page,) = SyncRun.objects.all()
    assert page.result == "failed" and "has no link to any list" in page.message


def test_the_command_exits_0_when_the_participating_list_was_checked_without_a_pending_link(texas, ice):
    publish(ice, "ParticipatingAgency120326.xlsx", datetime.date(2026, 12, 3), "Alpha")
    out = io.StringIO()
    call_command("sync_ice_287g", "--url", ice.page_url, stdout=out)
    assert "Participating agencies list: A new list imported" in out.getvalue()
    assert "Pending agencies list: ICE's page links no such list" in out.getvalue()


def test_editors_hear_once_when_the_pending_link_goes_and_once_when_it_comes_back(texas, ice, settings):
    settings.ADMINS = [("Site admin", "admin@example.org")]
    editor = User.objects.create_user("ed", email="ed@example.org", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    participating = ice.serve_file(
        workbook(police("Alpha")),
        filename="participatingAgencies12012026am.xlsx",
        modified=datetime.date(2026, 12, 1),
    )
    pending = ice.serve_file(
        workbook([pending_row("X Sheriff's Office")], PENDING),
        filename="pendingAgencies12012026am.xlsx",
        modified=datetime.date(2026, 12, 1),
    )
    ice.page((participating, "View 287(g) Participating Agencies"), (pending, "View 287(g) Pending Agencies"))
    sync(ice.page_url)
    assert mail.outbox == []
    ice.page((participating, "View 287(g) Participating Agencies"))  # ICE drops the pending link
    sync(ice.page_url)
    sync(ice.page_url)
    assert len(mail.outbox) == 2  # once, to each of the two (one message each)
    assert all("no longer links one" in m.body for m in mail.outbox)
    assert "the newest we hold is of 2026-12-01" in mail.outbox[0].body
    ice.page((participating, "View 287(g) Participating Agencies"), (pending, "View 287(g) Pending Agencies"))
    sync(ice.page_url)
    assert len(mail.outbox) == 4 and all("links one again" in m.body for m in mail.outbox[2:])


def test_a_re_served_old_file_under_a_new_name_is_held(texas, ice):
    publish(ice, "participatingAgencies12012026am.xlsx", datetime.date(2026, 12, 1), "Alpha")
    sync(ice.page_url)
    publish(ice, "287gParticipatingAgencies120326am.xlsx", datetime.date(2026, 12, 3), "Alpha", "Bravo")
    sync(ice.page_url)
    publish(ice, "ParticipatingAgency120526.xlsx", datetime.date(2026, 12, 5), "Alpha")
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.result == "held" and "re-served" in participating.message
    assert Agreement.objects.current().count() == 2


def test_a_second_different_list_on_the_same_date_is_held_not_a_failure(texas, ice):
    publish(ice, "287gParticipatingAgencies120326am.xlsx", datetime.date(2026, 12, 3), "Alpha")
    sync(ice.page_url)
    publish(ice, "287gParticipatingAgencies120326pm.xlsx", datetime.date(2026, 12, 3), "Alpha", "Bravo")
    participating = by_item(sync(ice.page_url))["participating"]
    assert (
        participating.result == "held" and "second, different list dated 2026-12-03" in participating.message
    )
    assert "pm" in participating.message
    assert Snapshot.objects.count() == 1


def test_of_two_links_the_newest_list_is_checked(texas, ice):
    older = ice.serve_file(
        workbook(police("Alpha")),
        filename="287gParticipatingAgencies120126pm.xlsx",
        modified=datetime.date(2026, 12, 1),
    )
    newer = ice.serve_file(
        workbook(police("Alpha", "Bravo")),
        filename="287gParticipatingAgencies120326am.xlsx",
        modified=datetime.date(2026, 12, 3),
    )
    ice.page((newer, "View 287(g) Participating Agencies"), (older, "Previous list"))
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.list_date == datetime.date(2026, 12, 3) and Agreement.objects.current().count() == 2


def test_a_drip_fed_file_is_cut_off_at_the_deadline(texas, ice):
    path = publish(ice, "287gParticipatingAgencies120326am.xlsx", None, "Alpha")
    ice.drip[path] = 0.5  # one byte every half second: minutes for the whole file
    started = time.monotonic()
    runs = by_item(sync(ice.page_url, timeout=2))
    took = time.monotonic() - started
    assert runs["page"].result == "failed" and "did not arrive in 2 seconds" in runs["page"].message
    assert took < 15, f"a 2 s deadline let the download run {took:.1f} s"
    assert not Snapshot.objects.exists()


def test_a_redirect_to_something_other_than_http_is_refused(texas, ice):
    ice.route("/identify-and-arrest/287g", 302, {"Location": "file:///etc/passwd"}, b"")
    page = by_item(sync(ice.page_url))["page"]
    assert page.result == "failed" and "file:///etc/passwd" in page.message


def test_the_admin_shows_how_each_list_was_found_and_an_absent_pending_link_is_no_failure(
    texas, ice, client, admin_user
):
    publish(ice, "ParticipatingAgency120326.xlsx", datetime.date(2026, 12, 3), "Alpha")
    sync(ice.page_url)
    login_with_second_factor(client, admin_user)
    index = client.get("/admin/").content.decode()
    assert "did not succeed" not in index
    assert "links no pending list" in index
    changelist = client.get("/admin/counties/syncrun/").content.decode()
    assert "ParticipatingAgency120326.xlsx" in changelist and "Last-Modified" not in changelist
    assert ">name<" in changelist  # kind from and dated by: the file's name


def test_the_state_page_and_the_feeds_say_how_current_the_list_is(texas, ice, client, monkeypatch):
    publish(ice, "participatingAgencies05182026am.xlsx", datetime.date(2026, 5, 18), "Alpha")
    monkeypatch.setattr(sync_module, "_today", lambda: datetime.date(2026, 5, 18))
    sync(ice.page_url)
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    predates = "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what Texas sheriffs"
    assert predates in page_text(client.get("/counties/tx/"))
    assert predates in client.get("/feeds/tx.atom").content.decode().replace("&#x27;", "'")
    monkeypatch.setattr(sync_module, "_today", lambda: TODAY)
    runs = by_item(sync(ice.page_url))  # the same file again: confirmed today
    assert runs["participating"].result == "unchanged"
    confirmed = (
        "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 6, 2026, after SB 8"
    )
    assert confirmed in page_text(client.get("/counties/tx/"))
    assert confirmed in client.get("/feeds/tx.atom").content.decode().replace("&#x27;", "'")
    site_feed = client.get("/feeds/changes.atom").content.decode().replace("&#x27;", "'")
    assert "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 6, 2026." in site_feed


def test_broken_markup_on_the_page_is_a_recorded_failure_not_a_traceback(texas, ice):
    ice.route(
        "/identify-and-arrest/287g",
        200,
        {"Content-Type": "text/html"},
        b"<html><![foo[ x ]]><a href=x>y</a></html>",
    )
    page = by_item(sync(ice.page_url))["page"]
    assert page.result == "failed" and "could not be read as HTML" in page.message


def test_a_validator_too_long_to_keep_is_not_kept_and_the_check_still_counts(texas, ice):
    ice.publish(
        workbook(police("Alpha")),
        "ParticipatingAgency120326.xlsx",
        modified=datetime.date(2026, 12, 3),
        etag='"' + "e" * 300 + '"',
    )
    participating = by_item(sync(ice.page_url))["participating"]
    assert participating.result == "imported" and participating.etag == "" and participating.last_modified


def test_an_unanswered_link_that_is_not_named_pending_leaves_the_pending_state_absent(texas, ice):
    path = ice.serve_file(
        workbook(police("Alpha")),
        filename="ParticipatingAgency120326.xlsx",
        modified=datetime.date(2026, 12, 3),
    )
    ice.page(
        (path, "View 287(g) Participating Agencies"), ("/file-download/download/public/999", "Annual report")
    )
    runs = by_item(sync(ice.page_url))
    assert runs["participating"].result == "imported"
    assert runs["pending"].result == "absent" and "1 other link(s) gave no answer" in runs["pending"].message
    ice.page(
        (path, "View 287(g) Participating Agencies"),
        ("/file-download/download/public/998", "View 287(g) Pending Agencies"),
    )
    assert by_item(sync(ice.page_url))["pending"].result == "failed"  # a link named for the pending list


def test_many_other_documents_on_the_file_service_do_not_push_the_list_out(texas, ice):
    others = [(f"/file-download/download/public/{500 + i}", f"Fact sheet {i}") for i in range(20)]
    path = ice.serve_file(
        workbook(police("Alpha")),
        filename="ParticipatingAgency120326.xlsx",
        modified=datetime.date(2026, 12, 3),
    )
    ice.page(*others, (path, "View 287(g) Participating Agencies"))
    assert by_item(sync(ice.page_url))["participating"].result == "imported"


def test_a_new_file_dated_before_the_newest_list_held_is_held_not_filed_into_history(texas, ice):
    publish(ice, "participatingAgencies12012026am.xlsx", datetime.date(2026, 12, 1), "Alpha")
    sync(ice.page_url)
    # ICE's January 2026 typo again: a new list named a year early, and no Last-Modified to tell.
    publish(ice, "participatingAgencies12032025am.xlsx", None, "Alpha", "Bravo")
    participating = by_item(sync(ice.page_url))["participating"]
    assert (
        participating.result == "held" and "before the newest we hold (2026-12-01)" in participating.message
    )
    assert Snapshot.objects.count() == 1


def test_last_modified_is_read_as_the_sites_day():
    from counties.importers.download import Download

    late = Download(url="", filename="", last_modified="Sat, 05 Dec 2026 03:30:00 GMT")
    assert late.last_modified_date == datetime.date(2026, 12, 4)  # 9:30 pm in Texas
