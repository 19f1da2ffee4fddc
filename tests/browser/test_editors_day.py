"""An editor's day in the admin, in a real browser on the production server (issue 27): a superuser adds an
editor and gives them a second factor, the editor logs in with it, previews an upload of ICE's list and
cancels it, puts an event on Dallas County, Texas with the county picker, moves an agency and undoes it
from the history, and closes a reader's report. No shell after the first superuser (README, "Editors").

The site server shares this worker's test database (the shipped data). The test runs in a transaction
the server cannot see, so what the day needs is written (and removed after it) on another connection, in
a thread of its own (`committed`); what the day changes, it undoes itself.
"""

import datetime
import io
import re
import threading
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from counties.models import Agency, AgencyCounty, Correction, County, Event, PendingUpload, Snapshot, Source
from tests.browser.conftest import BASE_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-long-walk-through-the-admin-2026"  # noqa: S105 - a test account's, on a test database
NEWEST = BASE_DIR / "fixtures/ice287g/participating/participating-2026-05-18.xlsx"


def committed(work):
    """Run `work` on a connection of its own (a new thread's), committed at once; its result."""
    from django.db import connection

    result, failure = [], []

    def run():
        try:
            result.append(work())
        except Exception as error:  # noqa: BLE001 - raised again in the test's thread
            failure.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


@pytest.fixture
def day(site_server, django_db_blocker):
    """The first superuser (made once at the shell, as the README says), a source and a reader's report;
    all removed after the test with everything the day made."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    def prepare():
        chief = get_user_model().objects.create_superuser("chief-editor", password=PASSWORD)
        device = StaticDevice.objects.create(user=chief, name="Recovery codes", confirmed=True)
        StaticToken.objects.create(device=device, token="chief1234")  # noqa: S106
        source = Source.objects.create(
            title="Commissioners court minutes (test)", publisher="Dallas County", url="https://example.org/m"
        )
        dallas = County.objects.get(state__code="TX", name="Dallas County")
        report = Correction.objects.create(
            county=dallas, what_is_wrong="The sheriff's date looks wrong (test)."
        )
        agency = (
            Agency.objects.filter(state__code="TX", kind="police", county_locked=False, county__isnull=False)
            .annotate(rows=Count("placements"))
            .filter(rows=1)  # one county: moved, it works in Dallas County alone
            .exclude(county=dallas)
            .order_by("name")
            .first()
        )
        return {
            "source": source, "dallas": dallas, "report": report, "agency": agency, "rows": rows_of(agency),
            "county": agency.county_id,
            "snapshots": Snapshot.objects.count(),
        }  # fmt: skip

    def tidy(made):
        Event.objects.filter(source=made["source"]).delete()
        made["source"].delete()
        made["report"].delete()
        PendingUpload.objects.filter(editor__username__in=["chief-editor", "new-editor"]).delete()
        get_user_model().objects.filter(username__in=["chief-editor", "new-editor"]).delete()
        agency, rows = made["agency"], made["rows"]
        if rows_of(agency) != rows:  # a failed test left it moved: put it back
            agency.set_county_rows(
                [{"county": c, "share": s, "placed_by": how, "via": via} for c, s, how, via in rows]
            )
            Agency.objects.filter(pk=agency.pk).update(county_id=made["county"], county_locked=False)
        return Snapshot.objects.count()

    with django_db_blocker.unblock():
        made = committed(prepare)
    yield made
    with django_db_blocker.unblock():
        assert committed(lambda: tidy(made)) == made["snapshots"]  # the upload was only previewed


def rows_of(agency):
    return list(
        AgencyCounty.objects.filter(agency=agency)
        .order_by("county_id")
        .values_list("county_id", "share", "placed_by", "via")
    )


def log_in(page, username, code, password=PASSWORD):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", code)
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()
    page.wait_for_url("**/admin/")


def pick_county(page, field, typed):
    """Django's autocomplete (select2): open the field's box, type, and wait for the answer to what was
    typed (not the list it shows before); its options."""
    if not page.locator(".select2-container--open").count():
        page.locator(f'[aria-labelledby="select2-id_{field}-container"]').click()
    search = page.locator(".select2-container--open .select2-search__field")
    with page.expect_response(
        lambda r: "/autocomplete/" in r.url and parse_qs(urlsplit(r.url).query).get("term") == [typed]
    ):
        search.fill(typed)
    page.wait_for_function(
        "() => { const o = document.querySelector('.select2-container--open .select2-results__option');"
        " return o && !o.classList.contains('loading-results'); }"
    )
    return page.locator(".select2-container--open .select2-results__option")


def saved(page):
    """Wait for the admin's answer to a save: its success message, or fail with the form's errors."""
    page.wait_for_selector(".messagelist .success, .errornote, .errorlist")
    problems = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not problems, problems


def new_list_workbook() -> bytes:
    """ICE's newest list we hold, with one new Texas agreement, dated after it."""
    book = openpyxl.load_workbook(NEWEST)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    row = dict.fromkeys(headers, "")
    values = {
        "STATE": "TEXAS",
        "LAW ENFORCEMENT AGENCY": "Walkthrough Police Department",
        "TYPE": "Municipality",
        "COUNTY": "Dallas County",
        "SUPPORT TYPE": "Task Force Model",
        "SIGNED": datetime.datetime(2026, 11, 20),
    }
    for name in headers:
        for key, value in values.items():
            if name and str(name).strip().upper() == key:
                row[name] = value
    sheet.append([row[name] for name in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_editors_day_without_the_shell(page, day, tmp_path):
    # A superuser adds an editor: the account, staff and the Editor group, then a second factor.
    log_in(page, "chief-editor", "chief1234")
    page.goto("/admin/auth/user/add/")
    page.fill("#id_username", "new-editor")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("input[name=_continue]").click()
    page.wait_for_url(re.compile(r"/admin/auth/user/\d+/change/"))
    assert "new-editor has: None: cannot log in." in page.locator("#second-factor").inner_text()
    page.check("#id_is_staff")
    page.select_option("#id_groups_from", label="Editor")
    page.locator("#id_groups_add").click()
    page.locator("input[name=_continue]").click()
    saved(page)
    page.get_by_role("button", name="Give a new second factor (app and codes)").click()
    page.wait_for_selector(".second-factor-qr svg")
    codes = page.locator("#content-main ul code").all_inner_texts()
    assert len(codes) == 10
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")

    # The new editor logs in with a recovery code.
    log_in(page, "new-editor", codes[0])
    assert page.get_by_role("link", name="Check ICE's site now").count() == 0  # a superuser's button only
    assert page.locator("#user-tools").inner_text().upper().count("NEW-EDITOR") == 1

    # An upload of ICE's next list: the preview names the new agreement, Texas first; cancelled.
    workbook = tmp_path / "participating-2026-12-01.xlsx"
    workbook.write_bytes(new_list_workbook())
    page.goto("/admin/counties/snapshot/upload/")
    page.set_input_files("#id_workbook", str(workbook))
    page.get_by_role("button", name="Preview the changes").click()
    page.wait_for_selector("text=Nothing has been saved yet", timeout=60_000)
    added = page.locator("h2", has_text="Agreements added (1): Texas first")
    assert added.count() == 1
    table = page.locator("h2:has-text('Agreements added') + .preview-table table")
    assert "Walkthrough Police Department" in table.inner_text() and "2026-11-20" in table.inner_text()
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_selector("text=Cancelled. Nothing was imported.")

    # An event on Dallas County, Texas, with the picker.
    page.goto("/admin/counties/event/add/")
    options = pick_county(page, "county", "Dallas")  # it listed Dallas County, AL first (issue 27)
    names = options.all_inner_texts()
    assert names[0] == "Dallas County, TX" and "Dallas County, AL" in names  # every county with its state
    options = pick_county(page, "county", "Dallas, TX")  # typed again in the open box
    assert options.all_inner_texts() == ["Dallas County, TX"]
    options.first.click()
    page.fill("#id_date", "2026-12-04")
    page.select_option("#id_kind", index=1)
    page.fill("#id_summary", "Walkthrough: the court discussed the agreement (test).")
    page.fill("#id_summary_es", "Recorrido: la corte habló del acuerdo (prueba).")
    page.locator('[aria-labelledby="select2-id_source-container"]').click()
    page.locator(".select2-container--open .select2-search__field").fill("Commissioners court minutes (test)")
    page.locator(".select2-results__option", has_text="Commissioners court minutes (test)").first.click()
    page.locator("input[name=_save]").click()
    saved(page)
    event = Event.objects.get(summary__startswith="Walkthrough:")
    assert event.county == day["dallas"] and event.history.first().history_user.username == "new-editor"

    # A placement fixed and undone: the agency moved to Dallas County, then its earlier version restored.
    agency = day["agency"]
    page.goto(f"/admin/counties/agency/{agency.pk}/change/")
    options = pick_county(page, "county", "Dallas County, TX")
    options.first.click()
    page.fill("#id_change_reason", "Walkthrough: trying a move (test)")
    page.locator("input[name=_save]").click()
    saved(page)
    moved = set(AgencyCounty.objects.filter(agency=agency).values_list("county", flat=True))
    assert moved == {day["dallas"].pk}
    page.goto(f"/admin/counties/agency/{agency.pk}/history/")
    history = page.locator("#change-history")
    assert "Walkthrough: trying a move (test)" in history.inner_text()
    assert "Counties it works in" in history.inner_text()
    history.locator("tbody tr").nth(1).locator("a").first.click()  # the version before the move
    page.get_by_role("button", name="Revert").click()
    saved(page)
    assert rows_of(agency) == day["rows"]  # every county row as it was, with how it was placed

    # A reader's report closed with an answer.
    page.goto(f"/admin/counties/correction/{day['report'].pk}/change/")
    page.select_option("#id_status", "closed")
    page.fill("#id_answer", "Checked against ICE's list of 2026-05-18: the date is right.")
    page.locator("input[name=_save]").click()
    saved(page)
    report = Correction.objects.get(pk=day["report"].pk)
    assert report.status == "closed" and report.closed_by.username == "new-editor"
