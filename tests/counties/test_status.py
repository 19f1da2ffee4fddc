"""County status is derived from ICE's snapshots, with a fixed number of queries."""

import pytest

from counties.models import Agency, Agreement, County, Snapshot
from counties.status import Status, county_status
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory, SnapshotFactory

pytestmark = pytest.mark.django_db


def test_unknown_without_any_snapshot():
    # The session loads ICE's shipped lists; remove them inside this test's transaction (rolled back after).
    Agreement.objects.all().delete()
    Snapshot.objects.all().delete()
    county = CountyFactory()
    status = county_status(county)
    assert status.code == Status.UNKNOWN
    assert status.as_of is None


def test_real_dallas_and_denton_on_the_newest_shipped_list(shipped):
    dallas = County.objects.get(fips="48113")
    denton = County.objects.get(fips="48121")
    status = county_status(dallas)
    assert (status.code, status.as_of.isoformat()) == (Status.NONE, "2026-05-18")
    assert status.sb8_applies is True
    denton_status = county_status(denton)
    assert denton_status.code == Status.SHERIFF
    assert denton_status.sheriff_models == ["jail", "task-force"]


def test_sheriff_first_then_others_and_statewide(django_assert_num_queries):
    snapshot = SnapshotFactory()
    county = CountyFactory()
    police = AgencyFactory(county=county, state=county.state, name="Town PD", kind=Agency.Kind.POLICE)
    sheriff = AgencyFactory(county=county, state=county.state)
    statewide = AgencyFactory(county=None, state=county.state, statewide=True, kind=Agency.Kind.STATE)
    AgreementFactory(agency=police, first_listed=snapshot)
    AgreementFactory(agency=sheriff, model="warrant", first_listed=snapshot)
    AgreementFactory(agency=sheriff, model="jail", first_listed=snapshot)
    AgreementFactory(agency=statewide, first_listed=snapshot)
    with django_assert_num_queries(3):  # the newest lists, the sheriff's requests, the agreements
        status = county_status(county)
    assert status.code == Status.SHERIFF
    assert status.as_of == snapshot.as_of
    assert status.sheriff_models == ["jail", "warrant"]
    assert [a.agency for a in status.others_current] == [police]
    assert [a.agency for a in status.statewide] == [statewide]


def test_former_when_the_sheriff_agreement_is_no_longer_listed():
    old, new = SnapshotFactory(), SnapshotFactory()
    county = CountyFactory()
    sheriff = AgencyFactory(county=county, state=county.state)
    AgreementFactory(agency=sheriff, first_listed=old, last_listed=old, is_current=False)
    status = county_status(county, snapshot=new)
    assert status.code == Status.FORMER
    assert status.sheriff_current == []


def test_none_when_only_police_have_agreements():
    snapshot = SnapshotFactory()
    county = CountyFactory()
    police = AgencyFactory(county=county, state=county.state, kind=Agency.Kind.POLICE)
    AgreementFactory(agency=police, first_listed=snapshot)
    assert county_status(county).code == Status.NONE


def test_a_sheriffs_office_working_in_a_second_county_is_not_that_countys_sheriff():
    """A sheriff's office placed in two counties (a regional table, an editor) is the sheriff of its own
    county only: in the other it is another agency with an agreement, and that county's sheriff has none."""
    from tests.counties.factories import place

    agreement = AgreementFactory()
    home = agreement.agency.county
    other = CountyFactory(state=home.state)
    place(agreement.agency, home, other)
    snapshot = agreement.last_listed
    assert county_status(home, snapshot).code == Status.SHERIFF
    elsewhere = county_status(other, snapshot)
    assert elsewhere.code != Status.SHERIFF
    assert [a.agency for a in elsewhere.others_current] == [agreement.agency]
