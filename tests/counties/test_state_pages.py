"""State table with plain-link filters and sorting, and the national page; fixed query counts."""

import datetime
import html
import re

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


def row_text(response, fips) -> str:
    """The words of one county's row in the table."""
    row = response.content.decode().split(f'id="fips-{fips}"')[1].split("</tr>")[0]
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", row.partition(">")[2])).split())


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
    # The total (what the rows are sorted by) comes first, and on phones every cell says what it counts.
    row_html = response.content.decode().split('href="/counties/zz/">Testland</a></th>')[1].split("</tr>")[0]
    labelled = re.findall(r'data-label="([^"]+)">(\d+)</td>', row_html)
    assert [(html.unescape(label), n) for label, n in labelled] == [
        ("All agreements", "2"),
        ("Jail Enforcement", "1"),
        ("Warrant Service Officer", "0"),
        ("Task Force", "1"),
        ("Agencies", "2"),
        ("Sheriff's offices", "1"),
    ]


def test_agency_counts_use_each_languages_plural_forms(client, testland):
    """'3 police department' was wrong: each kind is counted with Django's plural forms, in both languages."""
    newest = Snapshot.objects.newest()
    ash = testland.counties.get(name="Ash County")
    for n in range(3):
        police = AgencyFactory(county=ash, state=testland, name=f"Ashton {n} PD", kind=Agency.Kind.POLICE)
        AgreementFactory(agency=police, model="task-force", first_listed=newest)
    constable = AgencyFactory(county=ash, state=testland, name="Ash Pct. 1", kind=Agency.Kind.CONSTABLE)
    AgreementFactory(agency=constable, model="warrant", first_listed=newest)

    def cell(path, fips):
        return row_text(client.get(path), fips)

    english = cell("/counties/zz/", ash.fips)
    assert "1 sheriff's office, 3 police departments, 1 constable's office" in english
    birch = testland.counties.get(name="Birch County")
    assert "1 police department" in cell("/counties/zz/", birch.fips)
    spanish = cell("/es/counties/zz/", ash.fips)
    assert "1 oficina del alguacil, 3 departamentos de policía, 1 oficina del condestable" in spanish
    assert "1 departamento de policía" in cell("/es/counties/zz/", birch.fips)


@pytest.fixture
def texas_sample():
    """Six Texas counties, one for each case of SB 8's gap (the jail status decides whether SB 8 applies)."""
    from counties.models import County, Request

    newest = SnapshotFactory(as_of=datetime.date(2030, 2, 1))
    old = SnapshotFactory(as_of=datetime.date(2029, 1, 1))
    pending_old = SnapshotFactory(kind=Snapshot.Kind.PENDING, as_of=datetime.date(2029, 6, 1))
    pending = SnapshotFactory(kind=Snapshot.Kind.PENDING, as_of=datetime.date(2030, 1, 15))
    texas = StateFactory(code="TX", fips="48", name="Texas")
    jail, private, no_jail = County.JailStatus.JAIL, County.JailStatus.PRIVATE, County.JailStatus.NO_JAIL
    rows = [
        ("48001", "Anderson County", jail),  # sheriff has an agreement: SB 8 is met
        ("48003", "Andrews County", jail),  # nothing, but a request on ICE's pending list
        ("48005", "Angelina County", private),  # the sheriff's agreement is no longer listed
        ("48007", "Aransas County", no_jail),  # no jail: SB 8 does not apply
        ("48009", "Archer County", jail),  # only a police department has one
        ("48011", "Armstrong County", ""),  # jail status not known
        ("48013", "Atascosa County", jail),  # a request that went away without an agreement
    ]
    counties = {
        name.split()[0]: CountyFactory(state=texas, fips=fips, name=name, jail_status=status)
        for fips, name, status in rows
    }
    sheriff = AgencyFactory(county=counties["Anderson"], state=texas)
    AgreementFactory(agency=sheriff, model="jail", first_listed=newest)
    requester = AgencyFactory(county=counties["Andrews"], state=texas)
    Request.objects.create(
        public_id="andrews/request", agency=requester, model="task-force", first_pending=pending,
        last_pending=pending, outcome=Request.Outcome.PENDING,
    )  # fmt: skip
    former = AgencyFactory(county=counties["Angelina"], state=texas)
    AgreementFactory(agency=former, model="warrant", first_listed=old, last_listed=old, is_current=False)
    police = AgencyFactory(
        county=counties["Archer"], state=texas, name="Archer City PD", kind=Agency.Kind.POLICE
    )
    AgreementFactory(agency=police, model="task-force", first_listed=newest)
    dropped = AgencyFactory(county=counties["Atascosa"], state=texas)
    Request.objects.create(
        public_id="atascosa/request", agency=dropped, model="warrant", first_pending=pending_old,
        last_pending=pending_old, gone_on=pending, outcome=Request.Outcome.DROPPED,
    )  # fmt: skip
    return texas


def test_texas_filter_sb8_applies_and_no_sheriff_agreement(client, texas_sample):
    from explainer import stats

    page = client.get("/counties/tx/")
    text = page_text(page)
    # Andrews (a request is not an agreement), Angelina (no longer listed), Archer (police only), Atascosa.
    assert "SB 8 applies and the sheriff has no agreement on ICE's newest list (4)" in text
    assert 'href="?sb8=no-agreement#counties"' in page.content.decode()
    # The count the home page gives for the same counties, and the home page links to them.
    assert stats.compute()["tx_sb8_counties_without_sheriff_agreement"] == 4
    assert 'href="/counties/tx/?sb8=no-agreement#counties"' in client.get("/").content.decode()

    response = client.get("/counties/tx/?sb8=no-agreement")
    assert rows(response) == ["Andrews County", "Angelina County", "Archer County", "Atascosa County"]
    assert "None listed Requested: on ICE's pending list of Jan. 15, 2030" in row_text(response, "48003")
    assert "Request gone without an agreement (ICE's pending list of Jan. 15, 2030)" in row_text(
        response, "48013"
    )
    assert "Requested" not in row_text(response, "48005")
    filtered = page_text(response)
    assert "A request on ICE's pending list is not an agreement" in filtered
    assert "1 of these sheriffs has a request on ICE's pending list." in filtered
    # Filters combine, as plain links that keep one another.
    both = client.get("/counties/tx/?sb8=no-agreement&status=others")
    assert rows(both) == ["Archer County"]
    assert "1 of these sheriffs" not in page_text(both)

    spanish = page_text(client.get("/es/counties/tx/?sb8=no-agreement"))
    assert "Se aplica la SB 8 y el alguacil no tiene acuerdo en la lista más reciente de ICE (4)" in spanish
    assert "1 de estos alguaciles tiene una solicitud en la lista de pendientes de ICE." in spanish


def test_the_sb8_filter_is_texas_only(client, testland):
    response = client.get("/counties/zz/?sb8=no-agreement")
    assert rows(response) == ["Ash County", "Birch County", "Cedar County", "Dogwood County"]
    assert "Texas SB 8:" not in page_text(response)
    assert "SB 8 applies and the sheriff" not in page_text(response)


def test_texas_page_with_the_sb8_filter_is_the_same_handful_of_queries(
    client, texas_sample, django_assert_num_queries
):
    with django_assert_num_queries(9):
        assert client.get("/counties/tx/?sb8=no-agreement").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/counties/tx/?sb8=no-agreement&u=1").status_code == 200  # kept; ?u is not read
