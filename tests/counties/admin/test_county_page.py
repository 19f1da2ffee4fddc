"""A county's admin page (issue 27): what the public page shows, with links, and one timeline of who
changed what about the county and why (its own edits, events, agencies, agreements, ICE's lists)."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from counties.history import history_reason
from tests.counties.admin.test_editors_admin import change_url, form_data, new_event, texas_county
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory
from tests.editors import login_with_second_factor
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("timeline", password="unused-in-tests-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return login_with_second_factor(client, user)


def test_the_county_page_shows_its_agencies_agreements_events_and_one_timeline(editor_client):
    county = texas_county(name="Timeline County")
    police = AgencyFactory(
        county=county, state=county.state, name="Timeline Police Department", kind="police"
    )
    with history_reason("ICE list imported"):
        agreement = AgreementFactory(agency=police, model="task-force")
    response = editor_client.post(
        reverse("admin:counties_event_add"), new_event(county, summary="The court voted.")
    )
    assert response.status_code == 302
    data = form_data(
        editor_client, county, jail_status_note="Checked with the jail", change_reason="Called the jail"
    )
    assert editor_client.post(change_url(county), data).status_code == 302
    county.refresh_from_db()
    assert county.jail_status_note == "Checked with the jail"

    page = editor_client.get(change_url(county))
    html, text = page.content.decode(), page_text(page)
    assert county.get_absolute_url() in html  # the public page
    assert reverse("admin:counties_agency_change", args=[police.pk]) in html
    assert reverse("admin:counties_agreement_change", args=[agreement.pk]) in html
    assert "The court voted." in text
    timeline = text[text.index("Timeline: who changed what") :]
    assert "timeline" in timeline and "Called the jail" in timeline  # who and why
    assert "Event of 2026-02-03: “The court voted.” added" in timeline
    assert "Agency Timeline Police Department" in timeline
    assert reverse("admin:counties_county_history", args=[county.pk]) in html  # where an edit is undone


def test_the_county_page_costs_the_same_queries_with_more_agencies(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    county = CountyFactory(name="Busy County")
    agency = AgencyFactory(county=county, state=county.state, name="Busy Police", kind="police")
    AgreementFactory(agency=agency, model="task-force")
    url = change_url(county)
    editor_client.get(url)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    for n in range(5):
        agency = AgencyFactory(county=county, state=county.state, name=f"Busy {n} Police", kind="police")
        AgreementFactory(agency=agency, model="task-force")
    with CaptureQueriesContext(connection) as many:
        assert "Busy 4 Police" in editor_client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
