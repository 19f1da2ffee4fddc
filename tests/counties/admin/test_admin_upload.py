"""Uploading an ICE workbook in the admin: a dry-run preview that saves nothing, then confirm or cancel."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from counties.admin import upload as admin_upload
from counties.importers.ice import import_list
from counties.importers.lists import date_from_filename
from counties.models import Agency, Agreement, PendingUpload, Snapshot
from tests.counties import hostile
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db

HEADERS = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]
UPLOAD = reverse("admin:counties_snapshot_upload")
CONFIRM = reverse("admin:counties_snapshot_confirm")
CANCEL = reverse("admin:counties_snapshot_cancel")


def workbook(rows, headers=HEADERS, title="Sheet1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def texas_row(agency, county="Dallas County", kind="Municipality", signed="2025-06-01"):
    """A Texas Task Force row, with no links, in the columns of HEADERS."""
    return ["TEXAS", agency, kind, county, "Task Force Model", signed, "", ""]


SMALL_LIST = [
    texas_row("Dallas County Sheriff's Office", kind="County"),
    texas_row("Testville Police Department", "Nosuch County", signed="2026-01-01"),
    ["NOWHERE", "Imaginary Sheriff's Office", "County", "Imaginary County", "Task Force Model", "", "", ""],
]


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("uploader", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, user)
    client.user = user
    return client


def state_of_db():
    return (
        Snapshot.objects.count(),
        Agreement.objects.count(),
        Agreement.objects.current().count(),
        Agency.objects.count(),
        Agency.history.count(),
        Agreement.history.count(),
    )


def upload(client, content: bytes, name="participating-2026-11-02.xlsx", **fields):
    return client.post(UPLOAD, {"workbook": SimpleUploadedFile(name, content), **fields})


def stash(user, as_of: datetime.date) -> str:
    """The small list kept for `user` to confirm, as a preview keeps it; its token."""
    upload_file = SimpleUploadedFile(f"x-{as_of}.xlsx", workbook(SMALL_LIST))
    token, _meta = admin_upload.stash(upload_file, as_of=as_of, source_url="", user_id=user.pk)
    return token


FILLERS = [texas_row(f"Filler {i} Police Department") for i in range(12)]


def test_preview_changes_nothing_until_confirmed(editor_client, texas):
    baseline = [*SMALL_LIST[:1], texas_row("Listed Police Department"), *FILLERS]
    import_list(workbook(baseline), filename="participating-2026-11-01.xlsx")
    listed = Agreement.objects.get(agency__name="Listed Police Department")
    before = state_of_db()
    content = workbook(SMALL_LIST + FILLERS)
    response = upload(editor_client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing has been saved yet" in html
    assert "2026-11-02" in html  # the date came from the file name
    result = response.context["result"]
    assert result.rows_read == 15
    assert result.added == ["tx:testville police department/task-force"]
    assert result.dropped == [listed.public_id] and result.unresolved == 2
    assert "Testville Police Department" in html and "NOWHERE" in html
    assert "No longer listed (1)" in html
    # Issue 27: the preview names every agreement it adds or drops (from the plan: nothing is written yet),
    # Texas first, with its county, model and signed date; and marks the unplaced rows new in this list.
    sections = dict(response.context["sections"])
    assert [(r.agency, r.state, r.county, r.model, str(r.signed)) for r in sections["Agreements added"]] == [
        ("Testville Police Department", "TX", "", "Task Force", "2026-01-01")
    ]
    assert [(r.agency, r.county) for r in sections["No longer listed"]] == [
        ("Listed Police Department", "Dallas County")
    ]
    added = html.split("Agreements added (1): Texas first")[1].split("</table>")[0]
    assert "Testville Police Department" in added and "2026-01-01" in added and "not placed" in added
    assert result.new_unplaced == {row[0] for row in result.unresolved_rows}  # neither was on the list before
    assert "2 new in this list" in html and html.count("<td><strong>new</strong></td>") == 2
    assert state_of_db() == before
    listed.refresh_from_db()
    assert listed.is_current
    assert not Snapshot.objects.filter(as_of="2026-11-02").exists()
    token = response.context["token"]
    assert PendingUpload.objects.filter(token=token).count() == 1

    response = editor_client.post(CONFIRM, {"token": token}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    message = [str(m) for m in response.context["messages"]][0]
    assert "Agreements added: Testville Police Department (TX, Task Force)" in message
    assert "No longer listed: Listed Police Department (TX, Task Force)" in message
    snapshot = Snapshot.objects.get(as_of="2026-11-02")
    assert snapshot.filename == "participating-2026-11-02.xlsx" and snapshot.rows_read == 15
    assert snapshot.origin == Snapshot.Origin.UPLOAD
    assert snapshot.imported_by == editor_client.user  # who imported it (issue 24), shown in the admin
    changelist = editor_client.get(reverse("admin:counties_snapshot_changelist")).content.decode()
    assert editor_client.user.get_username() in changelist
    assert Agency.objects.filter(name="Testville Police Department").exists()
    assert not PendingUpload.objects.exists()  # the stored file is gone
    listed.refresh_from_db()
    assert not listed.is_current
    # A second confirm with the same token imports nothing more.
    editor_client.post(CONFIRM, {"token": token})
    assert Snapshot.objects.filter(as_of="2026-11-02").count() == 1
    # The same file again, for the next day: no new list, it would only confirm that list through that day.
    after = state_of_db()
    response = upload(editor_client, content, name="copy-2026-11-03.xlsx")
    html = response.content.decode()
    assert "confirms that list through 2026-11-03" in html and "Confirm: import this list" not in html
    assert state_of_db() == after
    # ... and for its own day: already imported, nothing to confirm.
    response = upload(editor_client, content, name="copy-2026-11-02.xlsx")
    html = response.content.decode()
    assert (
        "already imported" in html and "Confirm" not in html.split('class="submit-row"')[1].split("Cancel")[0]
    )


def test_cancel_discards_the_file(editor_client):
    token = stash(editor_client.user, datetime.date(2026, 2, 2))
    before = state_of_db()
    assert editor_client.post(CANCEL, {"token": token}).status_code == 302
    assert not PendingUpload.objects.exists()
    assert editor_client.post(CONFIRM, {"token": token}).status_code == 302
    assert state_of_db() == before


def fake_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"STATE,AGENCY\nTEXAS,x\n", "not an Excel workbook"),
        (b"\x00" * 64, "not an Excel workbook"),
        ("fake_zip", ""),
        ("no_header", ""),
        ("header_only", ""),
    ],
)
def test_malformed_workbooks_get_a_message_and_change_nothing(editor_client, content, message):
    if content == "fake_zip":
        content = fake_zip()
    elif content == "no_header":
        content = workbook([["just", "some", "cells"]], headers=None, title="Other")
    elif content == "header_only":
        content = workbook([])
    before = state_of_db()
    response = upload(editor_client, content)
    assert response.status_code == 200
    errors = [str(e) for errs in response.context["form"].errors.values() for e in errs]
    assert errors, "a malformed file must be explained"
    assert message in errors[0]
    assert state_of_db() == before
    assert not PendingUpload.objects.exists()


def test_a_huge_file_is_refused(editor_client, settings):
    settings.ICE_UPLOAD_MAX_BYTES = 1000
    response = upload(editor_client, workbook(SMALL_LIST * 50))
    assert response.status_code == 200
    assert "limit" in response.context["form"].non_field_errors()[0]
    assert not PendingUpload.objects.exists()


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({"as_of": "9999-12-31"}, "participating.xlsx", "date, 9999-12-31, is in the future"),
        ({}, "participating-2062-05-18.xlsx", "date (2062-05-18) is in the future); enter the date"),
        ({"as_of": "0001-01-01"}, "participating.xlsx", "date, 0001-01-01, is before any list"),
    ],
)
def test_a_list_dated_in_the_future_or_before_any_list_is_refused(editor_client, fields, name, message):
    """Confirmed, a list dated in the future would stay the newest for good: every later list would only add
    history, and no county's status would change again (found by an attack pass on the admin)."""
    before = state_of_db()
    response = upload(editor_client, workbook(SMALL_LIST), name=name, **fields)
    assert response.status_code == 200 and "token" not in response.context
    assert message in response.content.decode()
    assert state_of_db() == before


def test_a_file_name_without_a_date_needs_the_date(editor_client):
    response = upload(editor_client, workbook(SMALL_LIST), name="participating.xlsx")
    assert response.status_code == 200
    assert "enter the date" in response.content.decode()
    response = upload(editor_client, workbook(SMALL_LIST), name="participating.xlsx", as_of="2026-03-03")
    assert response.context["meta"]["as_of"] == "2026-03-03"


def test_a_file_refused_for_its_missing_date_stays_chosen(editor_client):
    """A browser empties a file field on every page load: the refused file waits (no date, this editor's),
    the form says so, and sending the date alone previews that file (issue 27)."""
    content = workbook(SMALL_LIST)
    response = upload(editor_client, content, name="participating.xlsx")
    form = response.context["form"]
    assert "as_of" in form.errors and "workbook" not in form.errors
    held = PendingUpload.objects.get()
    assert held.as_of is None and bytes(held.data) == content and held.editor == editor_client.user
    text = response.content.decode()
    assert f'name="held" value="{held.token}"' in text
    assert "Kept from your last try: participating.xlsx" in text
    # a held file cannot be confirmed: it was never previewed
    before = state_of_db()
    refused = editor_client.post(CONFIRM, {"token": held.token}, follow=True)
    assert "Nothing was imported" in refused.content.decode() and state_of_db() == before
    # the date, with no file chosen again: the preview of the kept file; the held copy gives way to it
    response = editor_client.post(UPLOAD, {"held": held.token, "as_of": "2026-03-03"})
    assert response.context["meta"]["as_of"] == "2026-03-03"
    assert response.context["meta"]["filename"] == "participating.xlsx"
    assert response.context["result"].rows_read == len(SMALL_LIST)
    kept = PendingUpload.objects.get()
    assert kept.token == response.context["token"] != held.token and kept.as_of == datetime.date(2026, 3, 3)


def test_a_file_chosen_again_replaces_the_kept_one(editor_client):
    """A kept file, then another file chosen (still without a date): the new one is kept, the old one goes."""
    upload(editor_client, workbook(SMALL_LIST), name="participating.xlsx")
    first = PendingUpload.objects.get()
    second = workbook(SMALL_LIST[:1])
    response = editor_client.post(
        UPLOAD, {"held": first.token, "workbook": SimpleUploadedFile("other.xlsx", second)}
    )
    kept = PendingUpload.objects.get()
    assert kept.token != first.token and bytes(kept.data) == second and kept.filename == "other.xlsx"
    assert "Kept from your last try: other.xlsx" in response.content.decode()
    response = editor_client.post(UPLOAD, {"held": kept.token, "as_of": "2026-03-03"})
    assert response.context["meta"]["filename"] == "other.xlsx" and response.context["result"].rows_read == 1


def test_a_held_file_is_only_its_editors(editor_client, client):
    upload(editor_client, workbook(SMALL_LIST), name="participating.xlsx")
    held = PendingUpload.objects.get()
    other = User.objects.create_user("other-editor", is_staff=True)
    other.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, other)
    response = client.post(UPLOAD, {"held": held.token, "as_of": "2026-03-03"})
    assert response.status_code == 200
    assert "Choose the workbook file." in response.content.decode()
    assert PendingUpload.objects.get() == held  # untouched


def test_no_file_at_all_is_asked_for(editor_client):
    response = editor_client.post(UPLOAD, {"as_of": "2026-03-03"})
    assert "Choose the workbook file." in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_bad_file_is_not_held(editor_client):
    response = upload(editor_client, b"not a workbook", name="participating.xlsx")
    assert "not an Excel workbook" in response.content.decode()
    assert not PendingUpload.objects.exists()


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 43, "a/b" * 20])
def test_confirm_refuses_unknown_or_malformed_tokens(editor_client, token):
    before = state_of_db()
    response = editor_client.post(CONFIRM, {"token": token}, follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert state_of_db() == before


def test_confirm_refuses_another_editors_upload_or_a_changed_file(editor_client):
    other = User.objects.create_user("someone-else", is_staff=True)
    token = stash(other, datetime.date(2026, 4, 4))
    before = state_of_db()
    response = editor_client.post(CONFIRM, {"token": token}, follow=True)
    assert "belongs to another editor" in response.content.decode()

    token = stash(editor_client.user, datetime.date(2026, 4, 5))
    PendingUpload.objects.filter(token=token).update(data=workbook(SMALL_LIST[:1]))
    response = editor_client.post(CONFIRM, {"token": token}, follow=True)
    assert "changed after the preview" in response.content.decode()
    assert state_of_db() == before


def test_only_editors_may_upload(client):
    user = User.objects.create_user("viewer", is_staff=True)
    login_with_second_factor(client, user)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(CONFIRM, {"token": "x" * 43}).status_code == 403


def test_confirm_and_cancel_are_post_only(editor_client):
    assert editor_client.get(CONFIRM).status_code == 405
    assert editor_client.get(CANCEL).status_code == 405


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("participating-2026-05-18.xlsx", "2026-05-18"),
        ("participatingAgencies05182026.xlsx", "2026-05-18"),
        ("participatingEntities-20260518.xlsx", "2026-05-18"),
        ("list.xlsx", None),
        ("participating-2026-13-45.xlsx", None),
    ],
)
def test_the_date_is_taken_from_the_file_name(name, expected):
    found = date_from_filename(name)
    assert (found.isoformat() if found else None) == expected


def test_an_editors_county_choice_survives_later_imports(editor_client, texas):
    """Resolve an agency's county in the admin; the next ICE list (same agency, ICE's county) keeps it."""
    row = texas_row("Testville Police Department", "Nosuch County", signed="")
    first = upload(editor_client, workbook([row]), name="first-2026-11-04.xlsx")
    editor_client.post(CONFIRM, {"token": first.context["token"]})
    agency = Agency.objects.get(name="Testville Police Department")
    assert agency.county is None and agency.unresolved_reason

    from counties.models import County

    chosen = County.objects.get(state__code="TX", name="Dallas County")
    change = reverse("admin:counties_agency_change", args=[agency.pk])
    page = editor_client.get(change).context
    form = page["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    data.update({"county": chosen.pk, "change_reason": "Testville is in Dallas County (city website)"})
    for inline in page["inline_admin_formsets"]:  # every inline as the page shows it, unchanged
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        for inline_form in formset.initial_forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False):
                    data[inline_form.add_prefix(name)] = "on" if value is True else value
    response = editor_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert agency.county == chosen and agency.county_locked

    row_again = [*row[:3], "Tarrant County", *row[4:]]  # ICE now names another county
    second = upload(editor_client, workbook([row_again]), name="second-2026-11-05.xlsx")
    editor_client.post(CONFIRM, {"token": second.context["token"]})
    agency.refresh_from_db()
    assert agency.county == chosen and agency.county_locked
    assert agency.history.filter(history_change_reason__startswith="Testville is in Dallas").exists()


# --- Hostile files, a full disk, expiry ------------------------------------------------------------


@pytest.mark.parametrize(("build", "message"), hostile.BOMBS)
def test_a_workbook_bomb_gets_a_clear_message_and_leaves_nothing(editor_client, build, message):
    before = state_of_db()
    started = hostile.children_cpu_seconds()
    response = upload(editor_client, build())
    assert hostile.children_cpu_seconds() - started < 5  # a check refused it, long before the 10 s limit
    assert response.status_code == 200
    assert message in response.context["form"].non_field_errors()[0]
    assert state_of_db() == before
    assert not PendingUpload.objects.exists()


def test_a_database_that_cannot_store_the_upload_gives_a_clear_message(editor_client, monkeypatch):
    """A full disk: the database refuses the insert; the editor is told, and nothing is kept."""

    def full_disk(*args, **kwargs):
        raise DatabaseError('could not extend file "base/16384/16999": No space left on device')

    monkeypatch.setattr(PendingUpload.objects, "create", full_disk)
    before = state_of_db()
    response = upload(editor_client, workbook(SMALL_LIST))
    assert response.status_code == 200
    assert "could not be kept for confirmation" in response.context["form"].non_field_errors()[0]
    assert state_of_db() == before
    assert not PendingUpload.objects.exists()


def test_an_upload_older_than_an_hour_is_refused_and_swept(editor_client):
    token = stash(editor_client.user, datetime.date(2026, 2, 3))
    hour_ago = timezone.now() - datetime.timedelta(minutes=61)
    PendingUpload.objects.filter(token=token).update(created_at=hour_ago)
    response = editor_client.post(CONFIRM, {"token": token}, follow=True)
    assert "This preview has expired" in response.content.decode()
    assert not PendingUpload.objects.exists()
    assert not Snapshot.objects.filter(as_of="2026-02-03").exists()
    # Left alone, an old upload is swept by the next upload.
    stash(editor_client.user, datetime.date(2026, 2, 4))
    PendingUpload.objects.update(created_at=hour_ago)
    upload(editor_client, b"")
    assert not PendingUpload.objects.exists()


def test_another_editor_cannot_cancel_an_upload(editor_client, client):
    other = User.objects.create_user("other-editor", is_staff=True)
    other.groups.add(Group.objects.get(name="Editor"))
    token = stash(editor_client.user, datetime.date(2026, 2, 5))
    login_with_second_factor(client, other)
    response = client.post(CANCEL, {"token": token}, follow=True)
    assert PendingUpload.objects.filter(token=token).exists()
    text = response.content.decode()
    assert "Nothing to cancel" in text and "Cancelled." not in text  # it says what happened


def test_a_superuser_can_cancel_another_editors_preview(editor_client, client):
    """It said "Cancelled" and cancelled nothing (issue 24)."""
    boss = User.objects.create_superuser("boss", password="unused-in-tests-1234")
    token = stash(editor_client.user, datetime.date(2026, 2, 6))
    login_with_second_factor(client, boss)
    response = client.post(CANCEL, {"token": token}, follow=True)
    assert not PendingUpload.objects.filter(token=token).exists()
    assert "Cancelled. Nothing was imported." in response.content.decode()


def test_a_second_editor_is_told_that_another_import_is_running(editor_client, texas):
    """Two editors previewing at once serialized on the import lock and both got 500s (issue 24): a preview
    takes the lock only if it is free, and otherwise says so at once."""
    import psycopg
    from django.db import connection

    from counties import locks
    from tests.servers import database_url

    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [locks.IMPORT])  # an import running elsewhere
        response = upload(editor_client, workbook(SMALL_LIST + FILLERS))
        assert response.status_code == 200
        assert "Another import is running right now" in response.content.decode()
        assert not PendingUpload.objects.exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [locks.IMPORT])
    response = upload(editor_client, workbook(SMALL_LIST + FILLERS))
    assert "Another import is running" not in response.content.decode()
    assert PendingUpload.objects.count() == 1


@pytest.mark.parametrize(
    "address",
    [
        "https://evil.example\\@www.ice.gov/doclib/participating.xlsx",
        "https://evil.example@www.ice.gov/x.xlsx",
        "https://evil.example/participating.xlsx",
        "https://www.ice.gov.evil.example/x.xlsx",
    ],
)
def test_where_it_was_downloaded_must_be_icegov_itself(editor_client, address):
    """Pages link a list's address as "ice.gov": an address elsewhere, or one that only looks like ICE's,
    was accepted and labelled so on every county page (issue 24, the attack pass)."""
    response = upload(editor_client, workbook(SMALL_LIST), source_url=address)
    assert response.status_code == 200
    assert not PendingUpload.objects.filter(as_of__isnull=False).exists()  # no preview, nothing to confirm
    text = response.content.decode()
    assert "ICE&#x27;s own site" in text or "cannot contain" in text


def test_an_icegov_address_is_taken(editor_client):
    response = upload(
        editor_client,
        workbook(SMALL_LIST),
        # A right-to-left override pasted with it is dropped, as in every other form editors fill in.
        source_url="https://www.ice.gov/doclib/about/offices/ero/287g/\u202ex.xlsx",
    )
    assert PendingUpload.objects.count() == 1, response.content.decode()[:500]
    assert (
        response.context["meta"]["source_url"] == "https://www.ice.gov/doclib/about/offices/ero/287g/x.xlsx"
    )
