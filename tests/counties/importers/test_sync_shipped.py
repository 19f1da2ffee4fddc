"""End to end on the shipped data: the scheduled check against a stand-in for ICE's site as served today
(tests/counties/ice_site.py) confirms the list the site holds, then imports a newer list with ICE's date, and
the county page says so. The newer list is made up for the test: ICE's May 18, 2026 list (shipped) with one
added row."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from counties.importers import sync as sync_module
from counties.importers.lists import Col, parse_list
from counties.importers.shipped import ICE_DIR
from counties.models import Snapshot, SyncRun
from tests.counties.workbooks import PARTICIPATING
from tests.pages import page_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
MAY_18 = ICE_DIR / "participating" / "participating-2026-05-18.xlsx"
MADE_UP_ROW = [
    "TEXAS",
    "Dallas County Sheriff's Office",
    "County",
    "Dallas County",
    "Warrant Service Officer",
    datetime.datetime(2026, 11, 30),
    "https://www.ice.gov/doclib/287gMOA/made-up-for-a-test.pdf",
    None,
]


def newer_list() -> bytes:
    """ICE's list of May 18, 2026, rows as read, and one made-up row, in a workbook like ICE's."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PARTICIPATING)
    for row in parse_list(MAY_18.read_bytes()).rows:
        signed = row[Col.SIGNED_RAW] or (
            datetime.date.fromisoformat(row[Col.SIGNED]) if row[Col.SIGNED] else None
        )
        sheet.append(
            [
                row[Col.STATE],
                row[Col.AGENCY],
                row[Col.TYPE],
                row[Col.COUNTY],
                row[Col.SUPPORT],
                signed,
                row[Col.MOA] or "link",
                row[Col.ADDENDUM] or None,
            ]
        )
    sheet.append(MADE_UP_ROW)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_check_confirms_the_list_held_then_imports_a_newer_one_that_the_county_page_shows(
    shipped, client, ice, monkeypatch
):
    monkeypatch.setattr(sync_module, "_today", lambda: TODAY)
    before = page_text(client.get("/counties/tx/dallas-county/"))
    assert (
        "As of ICE's list of May 18, 2026, the Dallas County Sheriff's Office has no 287(g) agreement."
        in before
    )
    assert "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026" in before

    # ICE still serves the list of May 18, 2026 (the same file) behind its file service: confirmed.
    ice.publish(
        MAY_18.read_bytes(), "participatingAgencies05182026am.xlsx", modified=datetime.date(2026, 5, 18)
    )
    call_command("sync_ice_287g", "--url", ice.old_page_url, stdout=io.StringIO())
    participating = SyncRun.objects.get(item="participating")
    assert participating.result == "unchanged" and participating.list_date == datetime.date(2026, 5, 18)
    assert SyncRun.objects.get(item="pending").result == "absent"
    confirmed = page_text(client.get("/counties/tx/dallas-county/"))
    assert (
        "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 6, 2026, after SB 8's "
        "reported deadline of Dec. 1, 2026; an agreement signed since may not be on it yet."
    ) in confirmed
    assert "cannot show what the sheriff has done since" not in confirmed
    # The pending list: ICE's last one that we know of, never today's news.
    assert "ICE's last pending list, of Feb. 27, 2026, had no request from any Texas agency." in confirmed

    # A newer list, named in ICE's scheme since September 2026, only in Content-Disposition.
    ice.publish(newer_list(), "287gParticipatingAgencies120426pm.xlsx", modified=datetime.date(2026, 12, 4))
    out = io.StringIO()
    call_command("sync_ice_287g", "--url", ice.page_url, stdout=out)
    assert "Participating agencies list: A new list imported" in out.getvalue()
    newest = Snapshot.objects.newest()
    assert (newest.as_of, newest.filename, newest.origin) == (
        datetime.date(2026, 12, 4),
        "287gParticipatingAgencies120426pm.xlsx",
        "sync",
    )
    assert newest.agreements_added == 1 and newest.agreements_dropped == 0
    after = page_text(client.get("/counties/tx/dallas-county/"))
    assert (
        "As of ICE's list of Dec. 4, 2026, the Dallas County Sheriff's Office has a 287(g) agreement with ICE: "
        "Warrant Service Officer."
    ) in after
    assert "ICE's list of Dec. 4, 2026 was still its newest when last checked, on Dec. 6, 2026." in after
    spanish = page_text(client.get("/es/counties/tx/dallas-county/"))
    assert "4 de diciembre de 2026" in spanish
