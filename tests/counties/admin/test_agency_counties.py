"""The counties an agency works in, as editors change them (issue 27): a county row goes with a reason, an
undo puts the rows back with the agency, and the history says what changed in words."""

import contextlib
import re
import threading

import pytest
from django.urls import reverse

from counties.editing import IMPORT_RUNNING
from counties.models import AgencyCounty
from tests.counties.admin.test_editors_admin import change_url, form_data
from tests.counties.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    EventFactory,
    StateFactory,
    place,
)
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("county-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, user)
    return client


def with_rows(client, agency, *, delete=(), add=(), **changes):
    """The agency's change form as a browser posts it: its county rows (in the inline's order), those in
    `delete` ticked for removal, the counties in `add` as new rows."""
    data = form_data(client, agency, **changes)
    rows = list(agency.placements.order_by("county__name"))
    for index, row in enumerate(rows):
        data |= {
            f"placements-{index}-id": str(row.pk),
            f"placements-{index}-agency": str(agency.pk),
            f"placements-{index}-county": str(row.county_id),
        }
        if row.county in delete:
            data[f"placements-{index}-DELETE"] = "on"
    for offset, county in enumerate(add):
        data |= {f"placements-{len(rows) + offset}-agency": str(agency.pk)}
        data[f"placements-{len(rows) + offset}-county"] = str(county.pk)
    data["placements-TOTAL_FORMS"] = str(len(rows) + len(add))
    return data


def counties_of(agency):
    return set(AgencyCounty.objects.filter(agency=agency).values_list("county__name", flat=True))


def errors(response):
    text = [str(response.context["adminform"].form.errors)]
    text += [str(f.formset.non_form_errors()) for f in response.context["inline_admin_formsets"]]
    return " ".join(text)


@pytest.fixture
def two_counties():
    state = StateFactory(code="TX", fips="48", name="Texas")
    return CountyFactory(state=state, name="Alpha County"), CountyFactory(state=state, name="Beta County")


def test_a_save_refused_for_its_county_rows_leaves_no_stored_version_behind(editor_client, two_counties):
    """The stored version is kept before an editor's change only when the change is saved: the county rows
    are checked after the agency's own form, and a refusal there leaves the history as it was."""
    alpha, beta = two_counties
    agency = place(
        AgencyFactory(state=alpha.state, county=alpha, name="Twotown Police", kind="police"), alpha, beta
    )
    agency.history.all().delete()  # as an import leaves it
    response = editor_client.post(change_url(agency), with_rows(editor_client, agency, delete=[beta]))
    assert response.status_code == 200 and "Say why you remove a county" in errors(response)
    assert not agency.history.exists()


def test_a_county_row_is_removed_with_a_reason_and_the_history_says_so(editor_client, two_counties):
    alpha, beta = two_counties
    agency = place(
        AgencyFactory(state=alpha.state, county=alpha, name="Twotown Police", kind="police"), alpha, beta
    )
    url = change_url(agency)
    response = editor_client.post(url, with_rows(editor_client, agency, delete=[beta]))
    assert response.status_code == 200 and "Say why you remove a county" in errors(response)
    assert counties_of(agency) == {"Alpha County", "Beta County"}

    data = with_rows(editor_client, agency, delete=[beta], change_reason="City limits map: not in Beta")
    assert editor_client.post(url, data).status_code == 302
    assert counties_of(agency) == {"Alpha County"}
    record = agency.history.order_by("-history_id").first()
    assert record.history_change_reason == "City limits map: not in Beta"
    assert [row["county"] for row in record.county_rows] == [alpha.pk]

    page = history_page(editor_client, agency)
    assert "Counties it works in" in page
    assert "Alpha County, TX; Beta County, TX &nbsp;&rarr;&nbsp;&nbsp;Alpha County, TX" in page
    assert page.count("City limits map: not in Beta") == 1  # one reason column


def test_removing_the_main_countys_row_makes_another_row_the_main_county(editor_client, two_counties):
    alpha, beta = two_counties
    agency = place(
        AgencyFactory(state=alpha.state, county=alpha, name="Twotown Police", kind="police"), alpha, beta
    )
    data = with_rows(editor_client, agency, delete=[alpha], change_reason="Not in Alpha")
    response = editor_client.post(change_url(agency), data, follow=True)
    agency.refresh_from_db()
    assert agency.county == beta and counties_of(agency) == {"Beta County"}
    assert any("it is now Beta County" in str(m) for m in response.context["messages"])


def test_an_agency_keeps_at_least_one_county(editor_client, two_counties):
    alpha, _ = two_counties
    agency = AgencyFactory(state=alpha.state, county=alpha)
    data = with_rows(editor_client, agency, delete=[alpha], change_reason="Wrong county")
    response = editor_client.post(change_url(agency), data)
    assert response.status_code == 200 and "keeps at least one county" in errors(response)
    assert counties_of(agency) == {"Alpha County"}


def history_page(client, agency) -> str:
    """The history page's table, tags dropped and spaces folded, as an editor reads it."""
    html = client.get(reverse("admin:counties_agency_history", args=[agency.pk])).content.decode()
    start = html.index('id="change-history"')
    table = html[start : html.index("</table>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def revert(client, agency, record, reason=""):
    url = reverse("admin:counties_agency_simple_history", args=[agency.pk, record.history_id])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()} | {"change_reason": reason}
    return client.post(url, data, follow=True)


def test_undoing_an_edit_puts_the_agencys_counties_back_with_it(editor_client, client, two_counties):
    """The bug: a revert cleared the main county and left its row, so the county page said the sheriff has
    no agreement and, below, that an agency in the county has one."""
    alpha, beta = two_counties
    alabama = CountyFactory(state=StateFactory(code="AL", fips="01", name="Alabama"), name="Dallas County")
    agency = AgencyFactory(state=alpha.state, county=alpha, name="Alpha Police", kind="police")
    url = change_url(agency)
    assert (
        editor_client.post(url, with_rows(editor_client, agency, change_reason="Checked")).status_code == 302
    )
    checked = agency.history.order_by("-history_id").first()
    assert [row["county"] for row in checked.county_rows] == [alpha.pk]

    data = with_rows(
        editor_client, agency, add=[alabama], county=alabama.pk, other_state="on", change_reason="Wrong pick"
    )
    assert editor_client.post(url, data).status_code == 302
    assert counties_of(agency) == {"Alpha County", "Dallas County"}

    response = revert(editor_client, agency, checked)
    agency.refresh_from_db()
    assert agency.county == alpha and counties_of(agency) == {"Alpha County"}
    latest = agency.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Restored an earlier version from the history"
    assert [row["county"] for row in latest.county_rows] == [alpha.pk]
    assert not any("did not record" in str(m) for m in response.context["messages"])
    alabama_page = client.get(alabama.get_absolute_url()).content.decode()
    assert "Alpha Police" not in alabama_page


def test_undoing_to_a_version_that_kept_no_counties_keeps_its_main_county_and_says_so(
    editor_client, two_counties
):
    alpha, beta = two_counties
    agency = AgencyFactory(state=alpha.state, county=alpha, name="Alpha Police", kind="police")
    first = agency.history.earliest("history_date")
    first.county_rows = None  # as every agency's history row before issue 27
    first.save()
    data = with_rows(editor_client, agency, county=beta.pk, change_reason="Moved")
    assert editor_client.post(change_url(agency), data).status_code == 302
    assert counties_of(agency) == {"Beta County"}
    response = revert(editor_client, agency, first)
    agency.refresh_from_db()
    assert agency.county == alpha and counties_of(agency) == {"Alpha County"}
    assert any("did not record the counties" in str(m) for m in response.context["messages"])


def test_history_values_read_as_words(editor_client, two_counties):
    alpha, _ = two_counties
    agency = AgencyFactory(state=alpha.state, county=None, name="Nowhere Police", kind="police")
    data = with_rows(editor_client, agency, county=alpha.pk, change_reason="Placed by its city")
    assert editor_client.post(change_url(agency), data).status_code == 302
    page = history_page(editor_client, agency)
    assert "pk=None" not in page and "Deleted county" not in page
    assert "County: (none) &nbsp;&rarr;&nbsp;&nbsp;Alpha County, TX" in page
    assert "Placed by: not placed &nbsp;&rarr;&nbsp;&nbsp;an editor" in page  # labels, not codes
    assert "County locked: no &nbsp;&rarr;&nbsp;&nbsp;yes" in page
    assert "Counties it works in: (none) &nbsp;&rarr;&nbsp;&nbsp;Alpha County, TX" in page
    assert page.count("Placed by its city") == 1
    assert "an import (no editor)" in page and "(none given)" in page  # the factory's row: nobody, no reason
    assert " None " not in page


def test_an_import_records_the_counties_with_its_history_rows(texas):
    import datetime

    from counties.importers.ice import import_list
    from tests.counties.admin.test_admin_upload import SMALL_LIST, workbook

    import_list(
        workbook(SMALL_LIST), as_of=datetime.date(2026, 11, 2), filename="participating-2026-11-02.xlsx"
    )
    from counties.models import Agency

    sheriff = Agency.objects.get(name="Dallas County Sheriff's Office")
    record = sheriff.history.order_by("-history_id").first()
    assert record.history_user is None
    assert [row["county"] for row in record.county_rows] == [sheriff.county_id]
    assert record.county_rows[0]["placed_by"] == sheriff.placements.get().placed_by


def test_undoing_to_an_unplaced_version_takes_the_agency_off_every_county_page_and_says_so(
    editor_client, two_counties
):
    """The import could not place it (no county, no rows); an editor placed it; undoing that returns it
    to the state page's unplaced list, where the next import places it by its own rules."""
    alpha, _ = two_counties
    agency = AgencyFactory(
        state=alpha.state, county=None, name="Nowhere Police", kind="police", unresolved_reason="no-county"
    )
    unplaced = agency.history.earliest("history_date")
    assert unplaced.county_rows == []
    data = with_rows(editor_client, agency, county=alpha.pk, change_reason="Placed by its city")
    assert editor_client.post(change_url(agency), data).status_code == 302
    agency.refresh_from_db()
    assert (agency.placed_by, agency.unresolved_reason) == ("editor", "")
    response = revert(editor_client, agency, unplaced)
    agency.refresh_from_db()
    assert agency.county is None and not agency.county_locked and counties_of(agency) == set()
    # How it was placed, and why not, come back with the county (the download says how each is placed).
    assert (agency.placed_by, agency.unresolved_reason) == ("", "no-county")
    assert any("on no county page" in str(m) for m in response.context["messages"])


def test_undoing_to_an_unrecorded_version_keeps_the_counties_that_include_its_main_county(
    editor_client, two_counties
):
    alpha, beta = two_counties
    agency = place(
        AgencyFactory(state=alpha.state, county=alpha, name="Twotown Police", kind="police"), alpha, beta
    )
    data = with_rows(editor_client, agency, change_reason="Renamed", name="Twotown Police Dept")
    assert editor_client.post(change_url(agency), data).status_code == 302
    before = agency.history.order_by("-history_id")[1]
    before.county_rows = None  # as history rows written before migration 0025
    before.save()
    response = revert(editor_client, agency, before)
    agency.refresh_from_db()
    assert agency.name == "Twotown Police" and counties_of(agency) == {"Alpha County", "Beta County"}
    assert any("did not record" in str(m) for m in response.context["messages"])


def test_two_editors_changing_an_agencys_counties_at_once_are_told(editor_client, client, two_counties):
    """The agency's own fields stay the same when a county row goes, so its fingerprint must cover its rows."""
    from django.contrib.auth.models import Group, User

    alpha, beta = two_counties
    agency = place(
        AgencyFactory(state=alpha.state, county=alpha, name="Twotown Police", kind="police"), alpha, beta
    )
    mine = with_rows(editor_client, agency, change_reason="Checked the city's map")
    other = User.objects.create_user("other-county-editor", is_staff=True)
    other.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, other)
    theirs = with_rows(client, agency, delete=[beta], change_reason="Not in Beta")
    assert client.post(change_url(agency), theirs).status_code == 302
    assert counties_of(agency) == {"Alpha County"}
    response = editor_client.post(change_url(agency), mine)  # still lists Beta's row, as it was
    assert response.status_code == 200 and "Someone else saved this record" in response.content.decode()
    assert counties_of(agency) == {"Alpha County"}


def test_odd_version_addresses_are_not_found(editor_client, two_counties):
    alpha, _ = two_counties
    agency = AgencyFactory(state=alpha.state, county=alpha)
    for version in ["abc", "1e3", "-1"]:
        url = f"/admin/counties/agency/{agency.pk}/history/{version}/"
        assert editor_client.get(url).status_code == 404
        assert editor_client.post(url, {"change_reason": "x"}).status_code == 404


def test_a_view_only_user_cannot_revert(client, two_counties):
    from django.contrib.auth.models import Permission, User

    alpha, beta = two_counties
    agency = AgencyFactory(state=alpha.state, county=alpha, name="Alpha Police", kind="police")
    first = agency.history.earliest("history_date")
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_agency"))
    login_with_second_factor(client, viewer)
    url = reverse("admin:counties_agency_simple_history", args=[agency.pk, first.history_id])
    assert client.post(url, {"name": "Changed", "change_reason": "x"}).status_code == 403
    agency.refresh_from_db()
    assert agency.name == "Alpha Police"


def test_the_history_page_reads_no_more_for_more_rows(
    editor_client, two_counties, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alpha, beta = two_counties
    agency = AgencyFactory(state=alpha.state, county=alpha, name="Alpha Police", kind="police")
    url = reverse("admin:counties_agency_history", args=[agency.pk])

    def queries():
        editor_client.get(url)  # the saves' messages are read (and the session written) here, not below
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return [query["sql"][:120] for query in captured.captured_queries]

    def move(*counties):
        for county in counties:
            data = with_rows(editor_client, agency, county=county.pk, change_reason=f"Moved to {county}")
            assert editor_client.post(change_url(agency), data).status_code == 302

    move(beta, alpha)  # three rows, two with changes
    few = queries()
    move(beta, alpha, beta, alpha)  # seven
    many = queries()
    assert len(many) == len(few), (few, many)


def test_a_county_from_a_public_page_shows_the_page_in_the_admin(editor_client):
    """Issue 26: the placement's evidence where an editor checks it."""
    florida = StateFactory(code="FL", fips="12", name="Florida")
    lee = CountyFactory(state=florida, name="Lee County")
    agency = AgencyFactory(
        state=florida, county=lee, name="Florida Gulf Coast University Police Department", kind="police",
        placed_by="table",
    )  # fmt: skip
    AgencyCounty.objects.filter(agency=agency).update(via="campus")
    page = editor_client.get(change_url(agency)).content.decode()
    url = "https://en.wikipedia.org/wiki/Florida_Gulf_Coast_University"
    assert f'<a href="{url}" rel="noopener noreferrer">{url}</a>' in page
    other = AgencyFactory(state=florida, county=lee, name="Lee County Sheriff's Office")
    assert "wikipedia" not in editor_client.get(change_url(other)).content.decode()


@contextlib.contextmanager
def an_import_running(*, shared=False):
    """The import lock held by another connection, as an import (a sync's, an upload's) holds it, or shared,
    as another editor's save holds it while it is written."""
    from django.db import connection

    from counties import locks

    taken, done = threading.Event(), threading.Event()

    def hold():
        try:
            with connection.cursor() as cursor:
                mode = "_shared" if shared else ""
                cursor.execute(f"SELECT pg_advisory_lock{mode}(%s)", [locks.IMPORT])
                taken.set()
                done.wait(30)
                cursor.execute(f"SELECT pg_advisory_unlock{mode}(%s)", [locks.IMPORT])
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        done.set()
        holder.join()


def refusals(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def test_an_editors_save_while_an_import_runs_is_refused_with_the_input_kept(editor_client, two_counties):
    """An import's plan is made before it writes: a county an editor saved in between would be written over.
    So the save is refused while an import holds the lock (and an import waits for a save)."""
    alpha, beta = two_counties
    agency = place(
        AgencyFactory(state=alpha.state, county=alpha, name="Onetown Police", kind="police"), alpha
    )
    url = change_url(agency)
    data = with_rows(editor_client, agency, add=[beta], change_reason="The city's map shows Beta too")
    with an_import_running():
        response = editor_client.post(url, data)
        assert response.status_code == 200 and IMPORT_RUNNING in refusals(response)
        assert response.context["adminform"].form.data["change_reason"] == "The city's map shows Beta too"
        assert counties_of(agency) == {"Alpha County"}
        agreement = AgreementFactory(agency=agency)
        refused = editor_client.post(change_url(agreement), form_data(editor_client, agreement, moa_url=""))
        assert refused.status_code == 200 and IMPORT_RUNNING in refusals(refused)
        event = EventFactory(county=alpha)
        refused = editor_client.post(
            change_url(event), form_data(editor_client, event, summary="Vote (test)")
        )
        assert refused.status_code == 200 and IMPORT_RUNNING in refusals(refused)
    # Another editor's save in flight (the lock shared) does not stop this one.
    with an_import_running(shared=True):
        assert editor_client.post(url, data).status_code == 302
    assert counties_of(agency) == {"Alpha County", "Beta County"}
