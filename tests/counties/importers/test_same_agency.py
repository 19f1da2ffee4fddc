"""When two of ICE's names are one agency, and when a request became an agreement: each rule on the rows of
ICE's lists that need it (the audit of all 328 lists in issue 21), copied into small made-up workbooks."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from counties.importers.ice import import_list
from counties.importers.rebuild.plan import PlannedAgreement
from counties.importers.rebuild.write import WriteStats, _write_agreements
from counties.models import Agency, AgencyName, Agreement, Change, County, Request, State
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory
from tests.counties.workbooks import PENDING, name, pending_row, tf, workbook
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def states(texas):
    for code, fips, state in (("FL", "12", "Florida"), ("PA", "42", "Pennsylvania"), ("MT", "30", "Montana")):
        State.objects.get_or_create(code=code, defaults={"fips": fips, "name": state})
    return texas


def run(rows, day, kind="participating"):
    data = workbook(rows, PENDING) if kind == "pending" else workbook(rows)
    return import_list(data, filename=name(kind, day), allow_large_drop=True)


def row(state, agency, model, signed, county=None, kind="County", moa="link"):
    return [state, agency, kind, county, model, signed, moa, None]


def test_a_garbled_name_on_one_list_in_the_gap_of_an_agency_is_that_agency(states):
    """ICE's list of 2024-12-11: 'Waria-labelon County Sheriff's Office' (Florida, Warrant Service Officer,
    signed 2019-05-06) where the lists before and after have Walton County's sheriff with that date."""
    walton = row("FLORIDA", "Walton County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    garbled = row("FLORIDA", "Waria-labelon County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    other = row("FLORIDA", "Bay County Sheriff's Office", "Jail Enforcement Model", "2020-01-01")
    run([walton, other], date(2024, 12, 4))
    run([garbled, other], date(2024, 12, 11))
    newcomer = row("FLORIDA", "Gulf County Sheriff's Office", "Task Force Model", "2024-12-15")
    run([walton, other, newcomer], date(2024, 12, 18))
    (agreement,) = Agreement.objects.filter(model="warrant")
    assert agreement.public_id == "fl:walton county sheriffs office/warrant"
    assert agreement.aliases == ["fl:waria labelon county sheriffs office/warrant"]
    assert not Change.objects.filter(kind__in=["delisted", "relisted"]).exists()
    assert AgencyName.objects.get(key="fl:waria labelon county sheriffs office").why == "stand-in"


def test_a_stand_in_that_fits_two_agencies_joins_neither(states):
    one = row("FLORIDA", "Alpha County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    two = row("FLORIDA", "Bravo County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    odd = row("FLORIDA", "Xyz County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    run([one, two], date(2024, 12, 4))
    run([odd], date(2024, 12, 11))
    run(
        [one, two, row("FLORIDA", "Gulf County Sheriff's Office", "Task Force Model", "2024-12-15")],
        date(2024, 12, 18),
    )
    assert Agreement.objects.filter(model="warrant").count() == 3
    assert Change.objects.filter(kind="delisted").count() == 3  # Alpha and Bravo on 12-11, Xyz on 12-18


def test_a_request_signed_as_an_agreement_later_handed_to_another_agency_is_signed(states):
    """Franklin County (PA): the sheriff's Warrant Service Officer request (pending list of 2025-02-21), the
    agreement listed from 2025-03-17 under the sheriff, from 2025-08-11 under 'County of Franklin / Franklin
    County Jail' (which ICE lists beside the sheriff's own Task Force agreement, with the same PDF)."""
    moa = "https://www.ice.gov/doclib/287gMOA/287gWSO_FranklinCoPA.pdf"
    run(
        [
            pending_row(
                "Franklin County Sheriff’s Office",
                None,
                model="Warrant Service Officer",
                state="PENNSYLVANIA",
            )
        ],
        date(2025, 2, 21),
        "pending",
    )
    run(
        [pending_row("Other Police Department", None, "Municipality", state="PENNSYLVANIA")],
        date(2025, 3, 13),
        "pending",
    )
    sheriff_tf = row(
        "PENNSYLVANIA", "Franklin County Sheriffs Office", "Task Force Model", "2025-03-10", "Franklin County"
    )
    run(
        [
            row(
                "PENNSYLVANIA",
                "Franklin County Sheriffs Office",
                "Warrant Service Officer",
                "2025-03-10",
                "Franklin County",
                moa=moa,
            ),
            sheriff_tf,
        ],
        date(2025, 3, 17),
    )
    run([row("PENNSYLVANIA", "County of Franklin / Franklin County Jail", "Warrant Service Officer", "2025-03-10", "Franklin County", kind="County", moa=moa), sheriff_tf], date(2025, 8, 11))  # fmt: skip
    request = Request.objects.get(model="warrant")
    assert request.outcome == "signed" and request.signed_on.as_of == date(2025, 3, 17)
    assert request.agreement.public_id == "pa:franklin county sheriffs office/warrant"
    assert not Change.objects.filter(kind="request-dropped").exists()


@pytest.mark.parametrize(
    ("state", "earlier", "later"),
    [
        ("PENNSYLVANIA", "Addison Borough Constable's Office, PA", "Addison Borough Constable's Office"),
        (
            "PENNSYLVANIA",
            "Unity Township Constable, PA",
            "Constable Unity Township",
        ),  # words in another order
        ("FLORIDA", "Indian River Shores DPS", "Indian River Shores Department of Public Safety"),
        ("MONTANA", "MT Dept of Justice", "Montana Department of Justice"),
    ],
)
def test_one_name_written_another_way_is_one_agency_and_its_request_is_signed(states, state, earlier, later):
    run(
        [pending_row(earlier, None, "Municipality", model="Task Force Model", state=state)],
        date(2025, 3, 1),
        "pending",
    )
    run(
        [pending_row("Someone Else Police Department", None, "Municipality", state=state)],
        date(2025, 3, 10),
        "pending",
    )
    run([row(state, earlier, "Task Force Model", "2025-03-05", kind="Municipality")], date(2025, 3, 7))
    run([row(state, later, "Task Force Model", "2025-03-05", kind="Municipality")], date(2025, 3, 17))
    (agreement,) = Agreement.objects.all()
    assert agreement.is_current and not Change.objects.filter(kind="delisted").exists()
    assert Request.objects.get(agency=agreement.agency).outcome == "signed"
    assert set(agreement.agency.names.values_list("why", flat=True)) == {"first", "words"}


def test_a_pending_row_without_a_model_is_a_request(states):
    """Sedgwick County (KS) Sheriff's Office and three police departments: pending rows with no SUPPORT TYPE."""
    run(
        [pending_row("Collin County Sheriff's Office", "Collin County", model="")],
        date(2025, 10, 28),
        "pending",
    )
    run([pending_row("Other Sheriff's Office", "Dallas County")], date(2025, 11, 4), "pending")
    run(
        [
            row(
                "TEXAS",
                "Collin County Sheriff's Office",
                "Warrant Service Officer",
                "2025-11-01",
                "Collin County",
            )
        ],
        date(2025, 11, 5),
    )
    request = Request.objects.get(agency__name="Collin County Sheriff's Office")
    assert (request.model, request.model_label, request.outcome) == ("", "model not given", "signed")
    assert request.public_id == "tx:collin county sheriffs office/no-model/request"
    assert request.agreement.model == "warrant"


def test_asked_first_names_the_earliest_request(states, client):
    County.objects.filter(name="Collin County").update(jail_status=County.JailStatus.JAIL)
    sheriff = "Collin County Sheriff's Office"
    run([pending_row(sheriff, "Collin County")], date(2026, 1, 8), "pending")
    run([row("TEXAS", sheriff, "Jail Enforcement Model", "2026-01-20", "Collin County")], date(2026, 1, 26))
    run(
        [pending_row(sheriff, "Collin County", model="Warrant Service Officer")], date(2026, 2, 27), "pending"
    )
    text = page_text(client.get("/counties/tx/collin-county/"))
    assert (
        "The sheriff asked first: the request (Jail Enforcement) was on ICE's pending list of Jan. 8, 2026, and the "
        "agreement on its list of Jan. 26, 2026, 18 days later."
    ) in text
    assert "The sheriff has also asked for another agreement (Warrant Service Officer)" in text


def test_listed_before_the_signed_date_it_shows_now_says_ice_changed_the_date(states, client):
    run([tf("Other Police Department", signed=datetime(2024, 1, 1))], date(2025, 1, 6))  # the oldest list
    run([tf("Testville Police Department", signed=datetime(2025, 2, 28))], date(2025, 3, 6))
    run([tf("Testville Police Department", signed=datetime(2025, 8, 4))], date(2025, 8, 4))
    text = page_text(client.get("/counties/tx/dallas-county/"))
    assert (
        "On ICE's lists since March 6, 2025, before the signing date ICE shows now: ICE changed this agreement's "
        "signed date after it first listed it."
    ) in text
    assert "Signed Aug. 4, 2025." in text


def test_a_name_of_unknown_county_never_bridges_two_counties(states):
    """Three spellings of one name in Texas: two in different counties stay two agencies; the one whose
    county is not known joins neither (the same words are not enough across counties)."""
    run(
        [
            row(
                "TEXAS",
                "Lake Police Department",
                "Task Force Model",
                "2025-01-01",
                "Dallas County",
                "Municipality",
            ),
            row(
                "TEXAS",
                "Police Department Lake",
                "Task Force Model",
                "2025-01-01",
                "Tarrant County",
                "Municipality",
            ),
            row(
                "TEXAS",
                "Lake Police Department, TX",
                "Warrant Service Officer",
                "2025-01-01",
                None,
                "Municipality",
            ),
        ],
        date(2025, 3, 1),
    )
    assert Agreement.objects.values("agency").distinct().count() == 3


def test_a_request_without_a_model_is_not_signed_by_an_agreement_that_came_back_after_a_gap(states):
    agency = "Collin County Sheriff's Office"
    run([row("TEXAS", agency, "Warrant Service Officer", "2019-01-01", "Collin County")], date(2025, 10, 1))
    run(
        [row("TEXAS", "Other Sheriff's Office", "Warrant Service Officer", "2019-01-01", "Dallas County")],
        date(2025, 10, 20),
    )
    run([pending_row(agency, "Collin County", model="")], date(2025, 10, 28), "pending")
    run([row("TEXAS", agency, "Warrant Service Officer", "2019-01-01", "Collin County")], date(2025, 11, 5))
    request = Request.objects.get(agency__name=agency)
    assert request.outcome == "pending" and request.agreement is None


def test_an_agency_found_to_be_an_earlier_name_hands_on_the_county_an_editor_gave_it(states):
    """The garbled name had a page of its own until the next list showed it was Walton County's sheriff; an
    editor had placed it meanwhile. The agency it joins takes that county and the editor's lock, written
    with only the fields that changed."""
    florida = State.objects.get(code="FL")
    chosen = CountyFactory(state=florida, name="Okaloosa County", fips="12091")
    walton = row("FLORIDA", "Walton County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    garbled = row("FLORIDA", "Waria-labelon County Sheriff's Office", "Warrant Service Officer", "2019-05-06")
    other = row("FLORIDA", "Bay County Sheriff's Office", "Jail Enforcement Model", "2020-01-01")
    run([walton, other], date(2024, 12, 4))
    run([garbled, other], date(2024, 12, 11))
    Agency.objects.filter(key="fl:waria labelon county sheriffs office").update(
        county=chosen, county_locked=True, placed_by=Agency.Placement.EDITOR
    )
    newcomer = row("FLORIDA", "Gulf County Sheriff's Office", "Task Force Model", "2024-12-15")
    run([walton, other, newcomer], date(2024, 12, 18))
    assert not Agency.objects.filter(key="fl:waria labelon county sheriffs office").exists()
    agency = Agency.objects.get(key="fl:walton county sheriffs office")
    assert (agency.county_id, agency.county_locked) == (chosen.pk, True)


@pytest.mark.parametrize("x_first", [True, False], ids=["x-first", "y-first"])
def test_an_agreement_handed_on_while_its_old_agency_gets_a_new_one_of_that_model_keeps_both(x_first):
    """The stored row of the sheriff's Task Force agreement "x" is looked for twice when the plan puts "x" under
    another agency and gives the sheriff a new Task Force agreement "y": by its published ID for "x", by the
    sheriff's (agency, model) for "y". One row for both lost "x" (the write took it for whichever came last);
    with "y" first in the plan, "y" took the row, and with it the signed date an editor had set for "x"."""
    sheriff, jail = AgencyFactory(key="tx:sheriff"), AgencyFactory(key="tx:jail")
    stored = AgreementFactory(agency=sheriff, public_id="x", signed=date(2019, 1, 2), details_locked=True)
    listed = stored.first_listed_id

    def planned(agency, public_id):
        return PlannedAgreement(
            agency=agency, model=stored.model, public_id=public_id, aliases=[], signed=None, signed_raw="",
            moa_url="", addendum_url="", first_listed_id=listed, last_listed_id=listed, dropped_on_id=None,
            gone_from_id=None, back_on_id=None, first_listed_is_oldest=False, is_current=True, listings=[],
            starts=[],
        )  # fmt: skip

    entries = [
        (("tx:jail", stored.model), planned("tx:jail", "x")),
        (("tx:sheriff", stored.model), planned("tx:sheriff", "y")),
    ]
    plan = SimpleNamespace(agreements=dict(entries if x_first else entries[::-1]))
    ids = _write_agreements(plan, {"tx:sheriff": sheriff.pk, "tx:jail": jail.pk}, WriteStats(), "test")
    rows = {a.public_id: (a.agency_id, a.signed, a.details_locked) for a in Agreement.objects.all()}
    assert rows == {"x": (jail.pk, date(2019, 1, 2), True), "y": (sheriff.pk, None, False)}
    assert ids["x"] == stored.pk  # "x" keeps its row (and its history)


def test_an_agreement_listed_for_a_while_under_another_agencys_name_is_its_own_agencys(states):
    """ICE's rows for Parker County, Texas (corrections.ROW_AGENCY): on the lists of 2026-04-13 to 04-30,
    "Parker County District Attorney's Office", Task Force, signed 2026-04-05; from 2026-05-01 the row signed
    04-05 is "Parker County (County) Attorney's Office" and a District Attorney's row signed 04-30 is new."""
    listed_as_da = row("TEXAS", "Parker County District Attorney's Office", "Task Force Model", "2026-04-05")
    attorney = row("TEXAS", "Parker County (County) Attorney's Office", "Task Force Model", "2026-04-05")
    district = row("TEXAS", "Parker County District Attorney's Office", "Task Force Model", "2026-04-30")
    sheriff = row("TEXAS", "Parker County Sheriff's Office", "Warrant Service Officer", "2025-02-27")
    for rows, day in (
        ([sheriff], date(2026, 4, 1)),
        ([sheriff, listed_as_da], date(2026, 4, 13)),
        ([sheriff, listed_as_da], date(2026, 4, 30)),
        ([sheriff, attorney, district], date(2026, 5, 1)),
    ):
        for each in rows:
            each[3] = "Parker County"
        assert run(rows, day).outcome in ("imported", "confirmed")  # 04-30 is 04-13 again: confirmed
    county_attorney = Agreement.objects.get(public_id="tx:parker county county attorneys office/task-force")
    assert (county_attorney.first_listed.as_of, county_attorney.signed) == (
        date(2026, 4, 13),
        date(2026, 4, 5),
    )
    district_attorney = Agreement.objects.get(
        public_id="tx:parker county district attorneys office/task-force"
    )
    assert (district_attorney.first_listed.as_of, district_attorney.signed) == (
        date(2026, 5, 1),
        date(2026, 4, 30),
    )
    assert district_attorney.agency != county_attorney.agency
    assert not Change.objects.filter(kind__in=["date-fixed", "date-changed", "delisted"]).exists()
    assert list(Agreement.objects.filter(model="task-force").values_list("aliases", flat=True)) == [[], []]
