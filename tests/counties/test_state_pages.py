"""State table with plain-link filters and sorting, and the national page; fixed query counts."""

import datetime

import pytest
from django.urls import reverse

from counties.models import Agency, Snapshot
from tests.counties.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    SnapshotFactory,
    StateFactory,
    place,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def testland():
    """Testland with four counties: sheriff (task force), police only (jail), former sheriff, nothing."""
    old = SnapshotFactory(as_of=datetime.date(2030, 1, 1))
    newest = SnapshotFactory(as_of=datetime.date(2030, 2, 1))
    state = StateFactory()
    counties = {
        name: CountyFactory(state=state, name=f"{name} County", population=pop)
        for name, pop in [("Ash", 500), ("Birch", 90_000), ("Cedar", 7_000), ("Dogwood", 20)]
    }
    sheriff = AgencyFactory(county=counties["Ash"], state=state, name="Ash County Sheriff's Office")
    AgreementFactory(agency=sheriff, model="task-force", first_listed=newest)
    police = AgencyFactory(
        county=counties["Birch"], state=state, name="Birchville PD", kind=Agency.Kind.POLICE
    )
    AgreementFactory(agency=police, model="jail", first_listed=newest)
    former = AgencyFactory(county=counties["Cedar"], state=state, name="Cedar County Sheriff's Office")
    AgreementFactory(agency=former, model="warrant", first_listed=old, last_listed=old, is_current=False)
    return state


def rows(response):
    """County names in the table, in order."""
    return [s.county.name for s in response.context["shown"]]


def test_every_county_with_counts(client, testland):
    response = client.get(reverse("counties:state", kwargs={"state": "zz"}))
    assert response.status_code == 200
    assert rows(response) == ["Ash County", "Birch County", "Cedar County", "Dogwood County"]
    text = page_text(response)
    assert "the sheriff has a 287(g) agreement in 1 of Testland's 4 counties" in text
    assert "Other agencies only (1)" in text
    assert "Sheriff's agreement no longer listed (1)" in text
    assert "No agreement listed (1)" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=sheriff", ["Ash County"]),
        ("status=others", ["Birch County"]),
        ("status=former", ["Cedar County"]),
        ("status=none", ["Dogwood County"]),
        ("model=task-force", ["Ash County"]),
        ("model=jail", ["Birch County"]),
        ("model=warrant", []),  # only a former agreement: not counted
        ("sort=population", ["Birch County", "Cedar County", "Ash County", "Dogwood County"]),
        ("sort=status", ["Ash County", "Birch County", "Cedar County", "Dogwood County"]),
        (
            "status=bogus&model=<script>&sort=';drop",
            ["Ash County", "Birch County", "Cedar County", "Dogwood County"],
        ),
    ],
)
def test_filters_and_sorts_are_plain_links(client, testland, query, expected):
    response = client.get(f"/counties/zz/?{query}")
    assert response.status_code == 200
    assert rows(response) == expected
    assert "<script>" not in response.content.decode()


def test_filter_links_are_in_the_page(client, testland):
    html = client.get("/counties/zz/").content.decode()
    assert 'href="?status=sheriff#counties"' in html
    assert 'href="?model=task-force#counties"' in html
    filtered = client.get("/counties/zz/?status=others&sort=population").content.decode()
    assert 'href="?status=others&amp;sort=population&amp;model=jail#counties"' in filtered  # keeps the others
    assert 'href="?status=others&amp;sort=name#counties"' in filtered


def test_state_page_is_a_constant_handful_of_queries(client, testland, django_assert_num_queries):
    # The data version (counties/pagecache.py), the state, the newest list, counties, agreements, the
    # sheriffs' requests, unplaced.
    with django_assert_num_queries(9):  # + the shared copy looked up, then kept
        assert client.get("/counties/zz/").status_code == 200
    other = StateFactory(code="ZY", fips="98", name="Otherland")
    CountyFactory(state=other, fips="98001")
    unplaced = AgencyFactory(state=other, county=None, name="Nowhere PD", kind=Agency.Kind.POLICE)
    AgreementFactory(agency=unplaced, model="task-force")
    with django_assert_num_queries(9):
        assert client.get("/counties/zy/").status_code == 200
    # Kept once rendered: the same page again costs only the data version.
    with django_assert_num_queries(1):
        assert client.get("/counties/zy/").status_code == 200


def test_agencies_not_placed_in_a_county_are_listed_on_the_state_page(client, testland):
    """Nobody's agency goes missing: an agreement with no county is on the state page, not on none."""
    newest = Snapshot.objects.newest()
    lost = AgencyFactory(
        state=testland, county=None, name="Lost Creek PD", kind=Agency.Kind.POLICE, county_raw="#N/A"
    )
    AgreementFactory(
        agency=lost, model="task-force", first_listed=newest, moa_url="https://www.ice.gov/x.pdf"
    )
    AgreementFactory(agency=lost, model="warrant", first_listed=newest, moa_url="")
    gone = AgencyFactory(state=testland, county=None, name="Gone Town PD", kind=Agency.Kind.POLICE)
    AgreementFactory(agency=gone, model="jail", is_current=False, first_listed=newest, last_listed=newest)
    statewide = AgencyFactory(state=testland, county=None, name="Testland Patrol", statewide=True)
    AgreementFactory(agency=statewide, model="task-force", first_listed=newest)

    response = client.get("/counties/zz/")
    section = response.content.decode().split('id="unplaced"')[1].split("</section>")[0]
    assert "Lost Creek PD" in section and "“#N/A”" in section
    assert 'Warrant Service Officer, <a href="https://www.ice.gov/x.pdf">Task Force</a>' in section
    assert "Gone Town PD" not in section  # no longer listed by ICE
    assert "Testland Patrol" not in section  # statewide: on every county page already
    # An editor placing the agency (a save, recorded by django-simple-history) changes the page and its ETag.
    etag = response["ETag"]
    place(lost, testland.counties.get(name="Ash County"))
    again = client.get("/counties/zz/")
    assert again["ETag"] != etag
    assert 'id="unplaced"' not in again.content.decode()
    assert "Lost Creek PD" in client.get("/counties/zz/ash-county/").content.decode()


def test_state_page_cache_headers(client, testland):
    response = client.get("/counties/zz/")
    assert "public" in response["Cache-Control"]
    assert client.get("/counties/zz/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert response.cookies == {}


def test_national_page_counts_current_agreements_by_state_and_model(
    client, testland, django_assert_num_queries
):
    with django_assert_num_queries(6):  # the data version, the shared copy, three for the page, keeping it
        response = client.get(reverse("counties:national"))
    with django_assert_num_queries(1):  # kept: only the data version
        assert client.get(reverse("counties:national")).status_code == 200
    assert response.status_code == 200
    row = next(r for r in response.context["states"] if r["code"] == "ZZ")
    assert row["models"] == {"jail": 1, "task-force": 1}
    assert row["total"] == 2
    assert row["agencies"] == 2
    assert row["sheriffs"] == 1
    assert "Feb. 1, 2030" in page_text(response)
