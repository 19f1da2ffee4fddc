"""The editors' admin: roles, history with reasons, revert, concurrent edits, checks, events."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from counties.editing import BEFORE_EDIT, record_version
from counties.editors import EDITOR_GROUP, EDITOR_PERMISSIONS
from counties.models import County, Event, Snapshot, Source
from tests.config.test_second_factor import code_now
from tests.counties.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    EventFactory,
    SnapshotFactory,
    SourceFactory,
    StateFactory,
)
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor1", password="unused-in-tests-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def editor_client(client, editor):
    login_with_second_factor(client, editor)
    return client


def texas_county(**fields):
    """The jail status is Texas's (SB 8, the TCJS report): elsewhere it is not an editor's to set."""
    return CountyFactory(state=StateFactory(code="TX", fips="48", name="Texas"), **fields)


def change_url(obj):
    return reverse(f"admin:counties_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(client, obj, **changes):
    """The change form's initial values, as a browser would post them back, with `changes` applied."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    # Inline management forms, if any.
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Roles -----------------------------------------------------------------------------------------


def test_editor_group_has_exactly_the_editing_permissions():
    codenames = set(Group.objects.get(name=EDITOR_GROUP).permissions.values_list("codename", flat=True))
    # what the migrations set is the list kept in code (counties/editors.py), no more and no less
    assert codenames == set(EDITOR_PERMISSIONS)
    assert "change_county" in codenames and "add_event" in codenames and "add_snapshot" in codenames
    assert "view_referenceload" in codenames and "add_referenceload" not in codenames
    assert {"add_agencycounty", "change_agencycounty"} <= codenames  # the counties an agency works in
    # they delete nothing but a wrong county row of an agency (with a reason, kept in its history)
    assert {c for c in codenames if c.startswith("delete_")} == {"delete_agencycounty"}
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}


def test_editor_cannot_manage_users_or_groups(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403


def test_editor_cannot_delete_a_snapshot(editor_client):
    snapshot = SnapshotFactory()
    response = editor_client.post(
        reverse("admin:counties_snapshot_delete", args=[snapshot.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()
    bulk = editor_client.post(
        reverse("admin:counties_snapshot_changelist"),
        {"action": "delete_selected", "_selected_action": [snapshot.pk], "post": "yes"},
    )
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert bulk.status_code in (200, 302)


def test_editor_cannot_delete_events_or_sources(editor_client):
    event = EventFactory()
    assert (
        editor_client.post(
            reverse("admin:counties_event_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Event.objects.filter(pk=event.pk).exists()


def test_staff_without_the_group_sees_nothing(client):
    user = User.objects.create_user("staff-only", is_staff=True)
    login_with_second_factor(client, user)
    assert client.get(reverse("admin:counties_county_changelist")).status_code == 403


def test_editor_reaches_the_pages_that_are_theirs(editor_client):
    for name in [
        "county",
        "agency",
        "agreement",
        "event",
        "source",
        "correction",
        "snapshot",
        "request",
        "change",
    ]:
        assert editor_client.get(reverse(f"admin:counties_{name}_changelist")).status_code == 200, name
    assert editor_client.get(reverse("admin:counties_event_add")).status_code == 200
    assert editor_client.get(reverse("admin:counties_snapshot_upload")).status_code == 200


def test_the_editors_front_page_says_how_many_readers_reports_wait(editor_client):
    """The about and methodology pages say an editor reviews every report: the first page an editor sees
    says when any wait, with the oldest's date, and links them."""
    from counties.models import Correction
    from tests.counties.factories import CountyFactory

    assert (
        "No reader's report waits for an editor."
        in editor_client.get(reverse("admin:index")).content.decode()
    )
    county = CountyFactory()
    Correction.objects.create(county=county, what_is_wrong="The date is wrong.")
    Correction.objects.create(
        county=county,
        what_is_wrong="Closed one.",
        status=Correction.Status.CLOSED,
        answer="Checked.",
        closed_at=timezone.now(),
    )
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert (
        "1 reader&#x27;s report waits for an editor" in page
        or "1 reader's report waits for an editor" in page
    )
    assert reverse("admin:counties_correction_changelist") in page
    Correction.objects.create(county=county, what_is_wrong="Another.")
    assert (
        "2 readers' reports wait for an editor" in editor_client.get(reverse("admin:index")).content.decode()
    )


def test_what_the_rebuild_sets_on_an_agreement_is_shown_not_edited(editor_client):
    """The lists an agreement was first seen on, left and came back on come from ICE's lists only."""
    agreement = AgreementFactory()
    html = editor_client.get(reverse("admin:counties_agreement_change", args=[agreement.pk])).content.decode()
    for field in ("first_listed", "last_listed", "dropped_on", "gone_from", "back_on"):
        assert f'name="{field}"' not in html, field
    assert 'name="signed"' in html  # what an editor may correct stays editable


# --- Admin security headers ------------------------------------------------------------------------


def test_every_admin_response_says_no_store(client, editor_client):
    for response in [
        client.get(reverse("admin:login")),
        client.get(reverse("admin:index")),  # redirect to the login
        client.get("/admin/no-such-page/"),
        editor_client.get(reverse("admin:counties_county_changelist")),
    ]:
        cache_control = response.headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, response


def test_login_is_locked_out_after_repeated_failures(client):
    target = User.objects.create_user("target", password="the-right-password-42", is_staff=True)
    app = TOTPDevice.objects.create(user=target, name="app", confirmed=True)
    url = reverse("admin:login")
    statuses = [
        client.post(url, {"username": "target", "password": "wrong"}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post(
        url, {"username": "target", "password": "the-right-password-42"}, REMOTE_ADDR="203.0.113.9"
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by this one's failures.
    other = client.post(
        url,
        {"username": "target", "password": "the-right-password-42", "otp_token": code_now(app)},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302


def test_failed_logins_are_logged_without_the_address(client, caplog):
    User.objects.create_user("logged", password="the-right-password-42", is_staff=True)
    with caplog.at_level("DEBUG", logger="axes"):
        for _ in range(5):
            client.post(
                reverse("admin:login"), {"username": "logged", "password": "x"}, REMOTE_ADDR="203.0.113.61"
            )
    assert "logged" in caplog.text and "lock" in caplog.text.lower()
    assert "203.0.113.61" not in caplog.text


def test_a_password_typed_as_the_user_name_is_in_no_log_and_no_table_and_still_locked_out(client, caplog):
    """An editor who pastes the password into the name field (or the code field): django-axes logged and
    stored whatever was typed. A name no account has is recorded as a keyed hash, the same for each try, so
    the lockout holds; what axes keeps of the post masks the name and the code."""
    User.objects.create_user("careful", password="the-right-password-42", is_staff=True)
    url = reverse("admin:login")
    with caplog.at_level("DEBUG", logger="axes"):
        statuses = [
            client.post(
                url,
                {"username": "the-right-password-42", "password": "x", "otp_token": "pasted-secret-7"},
                REMOTE_ADDR="203.0.113.62",
            ).status_code
            for _ in range(5)
        ]
        known = client.post(url, {"username": "careful", "password": "wrong"}, REMOTE_ADDR="203.0.113.62")
    assert statuses == [200, 200, 200, 200, 429]
    assert known.status_code == 200  # another name, not locked out by the first one's tries
    attempts = list(AccessAttempt.objects.values("username", "post_data", "get_data"))
    names = [attempt["username"] for attempt in attempts]
    assert len(names) == 2 and "careful" in names  # a name an account has, as typed: whose login was tried
    (unknown,) = set(names) - {"careful"}  # one record for the five tries
    assert re.fullmatch(r"\(no such user [0-9a-f]{12}\)", unknown)
    for secret in ("the-right-password-42", "pasted-secret-7"):
        assert secret not in caplog.text
        assert not [attempt for attempt in attempts if secret in repr(attempt)]
    assert "'careful'" in caplog.text


def test_a_successful_login_clears_the_failed_ones(client):
    """AXES_RESET_ON_SUCCESS: four wrong passwords, the right one with the code, then four more wrong ones
    are still not a lockout (the name axes records on success is the one it counted failures under)."""
    user = User.objects.create_user("forgetful", password="the-right-password-42", is_staff=True)
    app = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    url = reverse("admin:login")

    def fail_four_times():
        return [
            client.post(
                url, {"username": "forgetful", "password": "wrong"}, REMOTE_ADDR="203.0.113.63"
            ).status_code
            for _ in range(4)
        ]

    assert fail_four_times() == [200] * 4
    right = {"username": "forgetful", "password": "the-right-password-42", "otp_token": code_now(app)}
    assert client.post(url, right, REMOTE_ADDR="203.0.113.63").status_code == 302
    assert not AccessAttempt.objects.filter(username="forgetful").exists()
    client.logout()
    assert fail_four_times() == [200] * 4


def test_a_lockout_does_not_shut_out_the_other_editors_behind_the_same_address(client):
    """An office behind one public address: one editor's failures lock that editor's name only."""
    User.objects.create_user("mistyper", password="the-right-password-42", is_staff=True)
    colleague = User.objects.create_user("colleague", password="another-right-password-7", is_staff=True)
    app = TOTPDevice.objects.create(user=colleague, name="app", confirmed=True)
    url = reverse("admin:login")
    office = "203.0.113.20"
    for _ in range(5):
        client.post(url, {"username": "mistyper", "password": "wrong"}, REMOTE_ADDR=office)
    locked = client.post(
        url, {"username": "mistyper", "password": "the-right-password-42"}, REMOTE_ADDR=office
    )
    assert locked.status_code == 429
    response = client.post(
        url,
        {"username": "colleague", "password": "another-right-password-7", "otp_token": code_now(app)},
        REMOTE_ADDR=office,
    )
    assert response.status_code == 302


# --- History with reasons, and revert ----------------------------------------------------------------


def test_a_status_change_needs_a_reason_and_is_recorded(editor_client, editor):
    county = texas_county(jail_status=County.JailStatus.UNKNOWN)
    data = form_data(editor_client, county, jail_status="jail")
    response = editor_client.post(change_url(county), data)
    assert response.status_code == 200
    assert "Say why you are changing this" in response.content.decode()
    county.refresh_from_db()
    assert county.jail_status == "unknown"

    data["change_reason"] = "TCJS jail list of 2026-05-01"
    response = editor_client.post(change_url(county), data)
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.jail_status == "jail"
    latest = county.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "TCJS jail list of 2026-05-01"
    assert latest.jail_status == "jail"
    # The status is now the editors' (a reload of the TCJS report keeps it), dated the day of the check.
    assert county.jail_status_source == County.JailSource.EDITOR
    assert county.jail_status_as_of == timezone.localdate()


def test_a_note_alone_keeps_the_reports_status_and_a_status_change_drops_the_reports_caveat(editor_client):
    report_day = datetime.date(2026, 7, 1)
    county = texas_county(
        jail_status=County.JailStatus.PRIVATE,
        jail_status_as_of=report_day,
        jail_status_note="The report's caveat.",
    )
    data = form_data(editor_client, county, jail_status_note="A better caveat.", change_reason="Wording")
    assert "jail_status_as_of" not in data and "jail_status_source" not in data  # never a form's to set
    assert editor_client.post(change_url(county), data).status_code == 302
    county.refresh_from_db()
    assert (county.jail_status_note, county.jail_status_source) == (
        "A better caveat.",
        County.JailSource.TCJS,
    )
    assert county.jail_status_as_of == report_day

    data = form_data(editor_client, county, jail_status="jail", change_reason="The sheriff runs it now")
    assert editor_client.post(change_url(county), data).status_code == 302
    county.refresh_from_db()
    assert (county.jail_status, county.jail_status_source) == ("jail", County.JailSource.EDITOR)
    assert county.jail_status_as_of == timezone.localdate()
    assert county.jail_status_note == ""  # written for the report's status, not the editor's

    data = form_data(
        editor_client, county, jail_status="none", jail_status_note="Closed in 2026.", change_reason="Closed"
    )
    assert editor_client.post(change_url(county), data).status_code == 302
    county.refresh_from_db()
    assert (county.jail_status, county.jail_status_note) == ("none", "Closed in 2026.")


def test_a_county_outside_texas_has_no_jail_status_to_set(editor_client):
    """SB 8 and the TCJS report are Texas's: outside Texas the status and its note are shown, not edited,
    and a form posted with them anyway changes neither."""
    county = CountyFactory(state=StateFactory(code="CA", fips="06", name="California"))
    form = editor_client.get(change_url(county)).context["adminform"].form
    assert "jail_status" not in form.fields and "jail_status_note" not in form.fields
    data = form_data(editor_client, county, change_reason="Checked")
    data.update(jail_status="jail", jail_status_note="Posted anyway.")
    assert editor_client.post(change_url(county), data).status_code == 302
    county.refresh_from_db()
    assert (county.jail_status, county.jail_status_note, county.jail_status_source, county.jail_status_as_of) == (
        County.JailStatus.UNKNOWN, "", County.JailSource.TCJS, None,
    )  # fmt: skip
    texas = texas_county()
    assert "jail_status" in editor_client.get(change_url(texas)).context["adminform"].form.fields


def test_a_revert_outside_texas_leaves_the_jail_status_as_stored(editor_client):
    """A revert writes an old version's whole row: a status an editor set outside Texas before it became
    Texas's alone is not put back, nor dated as an editor's."""
    county = CountyFactory(
        state=StateFactory(code="CA", fips="06", name="California"),
        jail_status=County.JailStatus.JAIL,
        jail_status_note="Set by hand.",
    )
    old = county.history.earliest("history_date")
    County.objects.filter(pk=county.pk).update(jail_status=County.JailStatus.UNKNOWN, jail_status_note="")
    url = reverse("admin:counties_county_simple_history", args=[county.pk, old.history_id])
    form = editor_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data["change_reason"] = "Undo"
    assert editor_client.post(url, data).status_code == 302
    county.refresh_from_db()
    assert (county.jail_status, county.jail_status_note, county.jail_status_source, county.jail_status_as_of) == (
        County.JailStatus.UNKNOWN, "", County.JailSource.TCJS, None,
    )  # fmt: skip
    assert county.history.latest("history_date").history_change_reason == "Undo"  # the revert itself saved


def test_a_revert_of_the_jail_status_is_the_editors_too(editor_client):
    """A revert restores an old version's fields, the source and the date included: the status it puts
    back is an editor's act of today, and one that leaves the status as it is changes neither."""
    county = texas_county(jail_status=County.JailStatus.JAIL, jail_status_as_of=datetime.date(2026, 7, 1))
    original = county.history.earliest("history_date")
    data = form_data(editor_client, county, jail_status="none", change_reason="Closed")
    assert editor_client.post(change_url(county), data).status_code == 302
    county.refresh_from_db()
    assert county.jail_status_source == County.JailSource.EDITOR

    def revert_to(version):
        url = reverse("admin:counties_county_simple_history", args=[county.pk, version.history_id])
        form = editor_client.get(url).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
        response = editor_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        county.refresh_from_db()

    revert_to(original)  # back to "jail", the version of the report (source "tcjs", July 1)
    assert (county.jail_status, county.jail_status_source) == ("jail", County.JailSource.EDITOR)
    assert county.jail_status_as_of == timezone.localdate()
    revert_to(original)  # the same status again: the version's source and date ("tcjs", July 1) stay out
    assert (county.jail_status_source, county.jail_status_as_of) == (
        County.JailSource.EDITOR,
        timezone.localdate(),
    )


def revert(client, obj, version, reason="Undo"):
    """Restore `version` of `obj` from its history page, as an editor's browser posts it."""
    url = reverse(f"admin:counties_{obj._meta.model_name}_simple_history", args=[obj.pk, version.history_id])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data["change_reason"] = reason
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    obj.refresh_from_db()


def test_a_rows_first_edit_can_be_undone_though_its_load_left_no_history(editor_client):
    """The shipped data and the imports write in bulk, with no history: an editor's first change kept only
    the changed version, so it could not be undone (found by an attack pass on the admin)."""
    county = texas_county(seat="Mentone")
    county.history.all().delete()  # as the reference load leaves it
    data = form_data(editor_client, county, seat="Mentone<script>", change_reason="Typo")
    assert editor_client.post(change_url(county), data).status_code == 302
    before, after = county.history.order_by("history_date", "history_id")
    assert (before.seat, before.history_change_reason, before.history_user) == ("Mentone", BEFORE_EDIT, None)
    assert (after.seat, after.history_change_reason) == ("Mentone<script>", "Typo")
    revert(editor_client, county, before)
    assert county.seat == "Mentone" and county.history.count() == 3  # and no second "before" version
    # A reload that changes the row without history (a new TCJS report, say): kept before the next edit.
    County.objects.filter(pk=county.pk).update(seat="Reloaded")
    data = form_data(editor_client, county, seat="Edited", change_reason="Edit")
    assert editor_client.post(change_url(county), data).status_code == 302
    reloaded = county.history.order_by("-history_date", "-history_id")[1]
    assert (reloaded.seat, reloaded.history_change_reason) == ("Reloaded", BEFORE_EDIT)


def test_a_revert_keeps_what_the_form_shows_read_only(editor_client, editor):
    """A revert writes an old version's whole row: it no longer erases when the county was last checked,
    nor brings back what an import has changed in an agreement since."""
    county = CountyFactory(seat="Old seat")
    first = county.history.earliest("history_date")
    assert editor_client.post(reverse("admin:counties_county_checked", args=[county.pk])).status_code == 302
    county.refresh_from_db()
    checked = (county.last_verified_at, county.last_verified_by)
    assert checked[1] == editor
    County.objects.filter(pk=county.pk).update(seat="New seat")
    revert(editor_client, county, first)
    assert county.seat == "Old seat" and (county.last_verified_at, county.last_verified_by) == checked

    agreement = AgreementFactory(is_current=True, moa_url="https://www.ice.gov/doclib/287gMOA/a.pdf")
    listed = agreement.history.earliest("history_date")
    data = form_data(
        editor_client, agreement, moa_url="https://www.ice.gov/doclib/287gMOA/b.pdf", change_reason="Fix"
    )
    assert editor_client.post(change_url(agreement), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.details_locked  # an editor's correction: later imports keep it
    dropped = SnapshotFactory(as_of=datetime.date(2026, 5, 18))
    type(agreement).objects.filter(pk=agreement.pk).update(is_current=False, dropped_on=dropped)  # an import
    revert(editor_client, agreement, listed)
    assert (agreement.is_current, agreement.dropped_on) == (False, dropped)
    # Undoing the correction back to the import's link unlocks it, as that version was.
    assert agreement.moa_url.endswith("/a.pdf") and not agreement.details_locked


def test_history_page_lists_who_and_why(editor_client):
    source = SourceFactory(title="Original title")
    data = form_data(editor_client, source, title="Better title", change_reason="Typo in the title")
    assert editor_client.post(change_url(source), data).status_code == 302
    page = editor_client.get(reverse("admin:counties_source_history", args=[source.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Typo in the title" in text and "editor1" in text


def test_an_earlier_version_can_be_restored(editor_client):
    event = EventFactory(summary="First wording of the event.")
    data = form_data(editor_client, event, summary="A wrong edit.", change_reason="Trying a new wording")
    assert editor_client.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert event.summary == "A wrong edit."
    # The oldest history row is the first save, made by the factory.
    original = event.history.earliest("history_date")
    revert_url = reverse("admin:counties_event_simple_history", args=[event.pk, original.history_id])
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    response = editor_client.post(revert_url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.summary == "First wording of the event."
    assert event.history.first().history_change_reason == "Restored an earlier version from the history"


# --- Concurrent edits ------------------------------------------------------------------------------


def test_two_editors_saving_the_same_record_do_not_overwrite_each_other(client, editor):
    other = User.objects.create_user("editor2", is_staff=True)
    other.groups.add(Group.objects.get(name="Editor"))
    source = SourceFactory(title="Minutes", publisher="Sample County")

    login_with_second_factor(client, editor)
    mine = form_data(client, source, title="Minutes (mine)", change_reason="mine")
    from django.test import Client

    theirs_client = Client()
    login_with_second_factor(theirs_client, other)
    theirs = form_data(theirs_client, source, publisher="Sample County Clerk", change_reason="theirs")

    assert theirs_client.post(change_url(source), theirs).status_code == 302
    response = client.post(change_url(source), mine)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Someone else saved this record while you were editing it" in text
    assert "editor2" in text
    source.refresh_from_db()
    assert (source.title, source.publisher) == ("Minutes", "Sample County Clerk")
    # Nothing the editor typed is lost: the form comes back with it ...
    form = response.context["adminform"].form
    assert form["title"].value() == "Minutes (mine)"
    # ... armed with the new version, so saving again after checking is a deliberate choice.
    again = {**mine, "version": form["version"].value()}
    assert again["version"] == record_version(source)
    assert client.post(change_url(source), again).status_code == 302
    source.refresh_from_db()
    assert source.title == "Minutes (mine)"


def test_a_missing_version_token_is_a_conflict_not_an_overwrite(editor_client):
    source = SourceFactory(title="Kept")
    data = form_data(editor_client, source, title="Changed", change_reason="x")
    data.pop("version")
    response = editor_client.post(change_url(source), data)
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.title == "Kept"


# --- Marking a county checked ------------------------------------------------------------------------


def test_mark_checked_button_and_action(editor_client, editor):
    county, other = CountyFactory(), CountyFactory()
    response = editor_client.post(reverse("admin:counties_county_checked", args=[county.pk]))
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.last_verified_by == editor and county.last_verified_at is not None
    assert county.history.first().history_change_reason == "Marked as checked"
    assert editor_client.get(reverse("admin:counties_county_checked", args=[county.pk])).status_code == 405

    editor_client.post(
        reverse("admin:counties_county_changelist"),
        {"action": "mark_checked", "_selected_action": [other.pk]},
    )
    other.refresh_from_db()
    assert other.last_verified_by == editor


# --- Resolving agencies ------------------------------------------------------------------------------


def test_choosing_a_county_for_an_unresolved_agency_locks_it(editor_client):
    agency = AgencyFactory(
        county=None,
        name="Smapleville Police",
        unresolved_reason="County 'Smaple' not found",
        county_raw="Smaple",
    )
    county = CountyFactory()
    # The session also holds ICE's real unresolved agencies: search so this one is on the first page.
    listed = editor_client.get(
        reverse("admin:counties_agency_changelist") + "?attention=no-county&q=Smapleville"
    )
    assert agency.name in listed.content.decode()
    data = form_data(editor_client, agency, county=county.pk, change_reason="Typo for Sample in ICE's list")
    response = editor_client.post(change_url(agency), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert agency.county == county and agency.county_locked and agency.unresolved_reason == ""


def test_an_editor_adds_a_county_an_agency_works_in(editor_client):
    """The agency's counties are an inline: an editor adds one; the page of each county shows the agency,
    the main county stays, later imports keep the choice, and a new data version is made."""
    from counties.models import AgencyCounty, DataVersion

    first = CountyFactory()
    agency = AgencyFactory(county=first, state=first.state, name="Twocounty Police", kind="police")
    second = CountyFactory(state=first.state)
    row = agency.placements.get()
    version = DataVersion.objects.filter(pk=1).values_list("counter", flat=True).first() or 0
    data = form_data(editor_client, agency, change_reason="The city lies in both counties")
    data.update(
        {
            "placements-TOTAL_FORMS": "2",
            "placements-0-id": str(row.pk),
            "placements-0-agency": str(agency.pk),
            "placements-0-county": str(first.pk),
            "placements-1-agency": str(agency.pk),
            "placements-1-county": str(second.pk),
        }
    )
    response = editor_client.post(change_url(agency), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agency.refresh_from_db()
    rows = sorted((p.county_id, p.placed_by) for p in AgencyCounty.objects.filter(agency=agency))
    assert rows == sorted([(first.pk, "ice"), (second.pk, "editor")])
    assert (agency.county, agency.county_locked, agency.placed_by) == (first, True, "editor")
    assert DataVersion.objects.get(pk=1).counter > version


# --- Events ------------------------------------------------------------------------------------------


def test_an_event_must_name_a_county_or_an_agency():
    source = SourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(date=datetime.date(2026, 1, 1), kind="vote", summary="x", source=source)


def test_an_event_needs_a_source_and_starts_as_a_draft(editor_client):
    county = CountyFactory()
    url = reverse("admin:counties_event_add")
    base = {"county": county.pk, "date": "2026-02-03", "kind": "vote", "summary": "The court voted to apply."}
    response = editor_client.post(url, base)
    assert response.status_code == 200
    assert not Event.objects.filter(county=county).exists()
    source = SourceFactory()
    response = editor_client.post(url, {**base, "source": source.pk})
    assert response.status_code == 302
    event = Event.objects.get(county=county)
    assert not event.is_published
    assert event.history.first().history_change_reason == "Added"


def event_on(county, date) -> dict:
    """A new event's form as an editor posts it."""
    return {
        "county": county.pk,
        "date": date,
        "kind": "vote",
        "summary": "Voted.",
        "source": SourceFactory().pk,
    }


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("9999-12-31", "9999-12-31 is in the future: check the year."),
        ("2062-02-03", "2062-02-03 is in the future: check the year."),
        ("0001-01-01", "0001-01-01 is before Section 287(g) became law (1996-09-30): check the year."),
        ("1995-06-01", "1995-06-01 is before Section 287(g) became law (1996-09-30): check the year."),
    ],
)
def test_a_date_with_a_slip_of_the_year_is_refused(editor_client, date, message):
    """An event dated 9999 headed every feed for good, and one of year 1 made the feed invalid; an agreement
    signed in the future went into the downloads (found by an attack pass on the admin)."""
    county = CountyFactory()
    response = editor_client.post(reverse("admin:counties_event_add"), event_on(county, date))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Event.objects.filter(county=county).exists()
    agreement = AgreementFactory(signed=datetime.date(2025, 3, 1))
    data = form_data(editor_client, agreement, signed=date, change_reason="Signing date")
    response = editor_client.post(change_url(agreement), data)
    assert response.status_code == 200 and message in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.signed == datetime.date(2025, 3, 1)


def test_a_date_kept_as_ice_gave_it_does_not_stop_other_changes(editor_client):
    agreement = AgreementFactory(signed=datetime.date(2062, 1, 1))  # ICE's own slip, as imported
    data = form_data(
        editor_client, agreement, moa_url="https://www.ice.gov/doclib/287gMOA/c.pdf", change_reason="Link"
    )
    assert editor_client.post(change_url(agreement), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.moa_url.endswith("/c.pdf") and agreement.signed == datetime.date(2062, 1, 1)


def test_dates_up_to_tomorrow_and_old_sources_are_taken(editor_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    event = event_on(CountyFactory(), tomorrow)
    assert editor_client.post(reverse("admin:counties_event_add"), event).status_code == 302
    # A source may be older than 287(g) itself (the site cites court opinions of 1995).
    source = SourceFactory()
    data = form_data(editor_client, source, published="1995-07-01", change_reason="Date")
    assert editor_client.post(change_url(source), data).status_code == 302
    source.refresh_from_db()
    assert source.published == datetime.date(1995, 7, 1)


def test_event_without_county_or_agency_gets_a_clear_message(editor_client):
    response = editor_client.post(
        reverse("admin:counties_event_add"),
        {"date": "2026-02-03", "kind": "vote", "summary": "Nobody.", "source": SourceFactory().pk},
    )
    assert response.status_code == 200
    assert "Choose the county or the agency this event is about." in response.content.decode()


def test_publish_action_records_history(editor_client):
    event = EventFactory(is_published=False)
    editor_client.post(
        reverse("admin:counties_event_changelist"), {"action": "publish", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.is_published
    assert event.history.first().history_change_reason == "Published"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://x.org/a"]
)
def test_source_urls_must_be_http(editor_client, url):
    response = editor_client.post(
        reverse("admin:counties_source_add"), {"title": "t", "publisher": "p", "url": url}
    )
    assert response.status_code == 200
    assert not Source.objects.filter(title="t", publisher="p").exists()


def test_agency_names_stay_read_only_for_editors_where_imports_own_them(editor_client):
    agency = AgencyFactory()
    page = editor_client.get(change_url(agency))
    assert "key" not in page.context["adminform"].form.fields
    assert "county" in page.context["adminform"].form.fields


def test_problem_rows_link_to_the_agency_to_fix(editor_client):
    from counties.models import SnapshotData

    snapshot = SnapshotFactory()
    SnapshotData.objects.create(
        snapshot=snapshot,
        rows=b"",
        unresolved=[[7, "TEXAS", "Odd <b>Name</b> PD", "task-force", "No county"]],
    )
    html = editor_client.get(reverse("admin:counties_snapshot_change", args=[snapshot.pk])).content.decode()
    assert "Find the agency" in html and "q=Odd+%3Cb%3EName%3C%2Fb%3E+PD" in html
    assert "<b>Name</b>" not in html and "Odd &lt;b&gt;Name&lt;/b&gt; PD" in html


# --- text and addresses where they enter (issue 24) --------------------------------------------------


def test_control_characters_and_bidi_overrides_are_cleaned_where_editors_type(editor_client):
    """A vertical tab pasted from Word, a NUL, a right-to-left override: gone before the event is saved."""
    county = CountyFactory()
    response = editor_client.post(
        reverse("admin:counties_event_add"),
        {
            "county": county.pk,
            "date": "2026-02-03",
            "kind": "vote",
            "summary": "The court\x0bvoted\x07 to \u202eapply.",
            "source": SourceFactory().pk,
        },
    )
    assert response.status_code == 302
    assert Event.objects.get(county=county).summary == "The court voted to apply."
    # a NUL is refused outright, with a message (Django's own check)
    response = editor_client.post(
        reverse("admin:counties_event_add"),
        {"county": county.pk, "date": "2026-02-04", "kind": "vote", "summary": "x\x00", "source": 1},
    )
    assert response.status_code == 200 and "Null characters are not allowed" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example\\@www.ice.gov/doclib/x.pdf",
        "https://user:secret@www.ice.gov/doclib/x.pdf",
        "https://www.ice.gov\\..\\evil",
    ],
)
def test_an_address_that_would_take_a_browser_elsewhere_is_refused(editor_client, url):
    response = editor_client.post(
        reverse("admin:counties_source_add"), {"title": "t", "publisher": "p", "url": url}
    )
    assert response.status_code == 200
    assert not Source.objects.filter(title="t", publisher="p").exists()
    text = response.content.decode()
    assert any(
        message in text
        for message in ("cannot contain a backslash", "cannot contain a user name or password", "valid URL")
    )


def test_a_link_is_labelled_by_the_host_a_browser_would_use():
    from counties.templatetags.counties import link_host

    assert link_host("https://evil.example\\@www.ice.gov/doclib/x.pdf") == "evil.example"
    assert link_host("https://someone@www.ice.gov/doclib/x.pdf") == "ice.gov"
    assert link_host("https://www.ice.gov/doclib/x.pdf") == "ice.gov"


def new_event(county, **fields) -> dict:
    """What the admin's "add event" form posts for a vote on `county`, with a new source."""
    return {
        "county": county.pk,
        "date": "2026-02-03",
        "kind": "vote",
        "summary": "The court voted to apply.",
        "source": SourceFactory().pk,
        **fields,
    }


def test_a_published_event_needs_its_spanish_summary(editor_client):
    """Issue 27: an event without Spanish showed English on Spanish pages, silently."""
    county = CountyFactory()
    url = reverse("admin:counties_event_add")
    base = new_event(county, is_published="on")
    response = editor_client.post(url, base)
    assert (
        response.status_code == 200
        and "A published event needs its Spanish summary" in response.content.decode()
    )
    assert not Event.objects.filter(county=county).exists()
    assert editor_client.post(url, {**base, "summary_es": "La corte votó para pedirlo."}).status_code == 302
    draft = EventFactory(is_published=False, summary_es="")
    response = editor_client.post(
        reverse("admin:counties_event_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert not draft.is_published
    assert any("no Spanish summary yet" in str(m) for m in response.context["messages"])


def test_an_english_only_event_says_so_on_spanish_pages(client):
    event = EventFactory(is_published=True, summary_es="")
    county = event.county
    text = client.get(f"/es/counties/{county.state.slug}/{county.slug}/").content.decode()
    assert event.summary in text and "(solo en inglés)" in text
    assert (
        "(solo en inglés)" not in client.get(f"/counties/{county.state.slug}/{county.slug}/").content.decode()
    )


def test_one_save_of_an_agency_makes_one_history_row_with_its_final_state(editor_client):
    """Issue 27: moving an agency's county made two rows, the first a half-finished state (its new main
    county without the county row), and reverting to it was a trap."""
    first = CountyFactory()
    second = CountyFactory(state=first.state)
    agency = AgencyFactory(county=first, state=first.state, name="Onerow Police", kind="police")
    before = agency.history.count()
    row = agency.placements.get()
    data = form_data(editor_client, agency, county=second.pk, change_reason="Moved after checking its city")
    data.update(
        {
            "placements-0-id": str(row.pk),
            "placements-0-agency": str(agency.pk),
            "placements-0-county": str(first.pk),
        }
    )
    response = editor_client.post(change_url(agency), data)
    assert response.status_code == 302, [f.formset.errors for f in response.context["inline_admin_formsets"]]
    assert agency.history.count() == before + 1
    record = agency.history.order_by("-history_id").first()
    assert (record.county_id, record.county_locked, record.placed_by) == (second.pk, True, "editor")
    assert record.history_change_reason == "Moved after checking its city"
