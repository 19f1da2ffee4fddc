"""Importing ICE's lists: the real shipped window, and small workbooks built here for each quirk and rule.

Small-workbook tests run on an otherwise empty database with a few real Texas counties
(tests/counties/workbooks.py); tests of the real lists use the `shipped` window (tests/conftest.py).
"""

import io
import random
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from counties.importers import ice
from counties.importers.ice import ImportOutcome, WorkbookError, import_list, rebuild_history
from counties.importers.lists import date_from_filename, kind_from_filename, unwrap_url
from counties.importers.shipped import load_shipped_data
from counties.models import Agency, AgencyName, Agreement, Change, Request, Snapshot, SnapshotData
from tests.counties.workbooks import (
    MOA,
    PENDING,
    name,
    pending_row,
    plain_workbook,
    tf,
    workbook,
)

pytestmark = pytest.mark.django_db


def run(data, as_of, kind="participating", **kwargs):
    return import_list(data, filename=name(kind, as_of), **kwargs)


def agreement(agency_name, model="task-force"):
    return Agreement.objects.select_related("agency", "first_listed", "last_listed", "dropped_on").get(
        agency__name=agency_name, model=model
    )


# --- the real, shipped window ------------------------------------------------------------------------


def test_the_window_is_loaded_with_every_row(shipped):
    from tests.conftest import SHIPPED_WINDOW

    assert Snapshot.objects.participating().count() == len(SHIPPED_WINDOW["participating"])
    assert Snapshot.objects.pending().count() == len(SHIPPED_WINDOW["pending"])
    newest = Snapshot.objects.newest()
    assert newest.as_of == date(2026, 5, 18)
    rows = newest.rows()
    assert newest.rows_read == 1843 == len(rows)
    assert sum(1 for row in rows if row[1] == "TEXAS") == 387
    assert Agreement.objects.current().count() == sum(newest.counts["all"].values())
    assert Agreement.objects.current().filter(agency__state__code="TX").count() == sum(
        newest.counts["TX"].values()
    )
    for snapshot in Snapshot.objects.select_related("data"):
        assert len(snapshot.rows()) == snapshot.rows_read
        assert len(snapshot.data.unresolved) == snapshot.rows_unresolved  # kept, with the reason


def test_dallas_sheriff_has_none_and_denton_sheriff_has_two(shipped):
    assert (
        not Agreement.objects.current().filter(agency__county__fips="48113", agency__kind="sheriff").exists()
    )
    denton = Agreement.objects.current().filter(agency__county__fips="48121", agency__kind="sheriff")
    assert sorted((a.model, a.signed) for a in denton) == [
        ("jail", date(2025, 7, 29)),
        ("task-force", date(2026, 1, 26)),
    ]
    assert all(a.moa_url.startswith("https://www.ice.gov/doclib/287gMOA/") for a in denton)


def test_real_county_mistakes_resolve_or_stay_visible(shipped):
    assert Agency.objects.get(name="Marlin Police Department").county.name == "Falls County"  # 'Fall County'
    overton = Agency.objects.get(name="Overton Police Department")  # 'Overton County': the city's counties
    assert placements(overton) == [("Rusk County", "place", 91), ("Smith County", "place", 9)]
    assert Agency.objects.get(name="Splendora Police Department").county.name == "Montgomery County"  # '#N/A'
    nixon = Agency.objects.get(name="Nixon Police Department")  # '#N/A': the city's two counties
    assert placements(nixon) == [("Gonzales County", "place", 92), ("Wilson County", "place", 8)]
    # ICE's 'Galveston County' for the Tye Police Department: the Census puts the city of Tye in Taylor
    # County. The two disagree: it stays unplaced, listed with the reason.
    tye = Agency.objects.get(name="Tye Police Department")
    assert tye.county is None and tye.unplaced_why == Agency.Unplaced.CONFLICT
    assert "ICE's county (Galveston County) is not where the Census puts Tye city (Taylor County)" in (
        tye.unresolved_reason
    )
    newest = SnapshotData.objects.get(snapshot=Snapshot.objects.newest())
    assert [row[4] for row in newest.unresolved if row[2] == "Tye Police Department"] == [
        tye.unresolved_reason
    ]
    texas_state = Agency.objects.filter(state__code="TX", statewide=True)
    assert texas_state.exists() and not texas_state.exclude(county=None).exists()


def test_archive_and_safelinks_wrappers_are_unwrapped_in_the_real_files(shipped):
    assert not Agreement.objects.filter(moa_url__contains="archive.org").exists()
    assert not Agreement.objects.filter(moa_url__contains="safelinks").exists()
    assert (
        not Agreement.objects.exclude(moa_url="").exclude(moa_url__startswith="https://www.ice.gov/").exists()
    )


def test_tarrant_is_on_the_oldest_list_so_its_start_is_not_known(shipped):
    tarrant = Agreement.objects.get(agency__county__fips="48439", agency__kind="sheriff", model="jail")
    assert tarrant.first_listed.as_of == date(2021, 1, 13)
    assert tarrant.first_listed_is_oldest and tarrant.signed == date(2020, 6, 16)
    assert Change.objects.filter(agreement=tarrant, kind=Change.Kind.ON_OLDEST).exists()
    assert not Change.objects.filter(agreement=tarrant, kind=Change.Kind.LISTED).exists()


def test_lexington_sc_is_one_agreement_across_icess_rename(shipped):
    lexington = Agreement.objects.filter(
        agency__state__code="SC", agency__county__name="Lexington County", model="jail"
    )
    assert lexington.count() == 1
    agreement = lexington.get()
    assert agreement.public_id == "sc:lexington county sheriffs office/jail"  # the earliest name's ID
    assert agreement.aliases == ["sc:lexington county sheriffs department/jail"]
    assert agreement.is_current and agreement.first_listed_is_oldest
    assert agreement.agency.name == "Lexington County Sheriff's Department"  # as the newest list names it
    assert not Change.objects.filter(
        agreement=agreement, kind__in=[Change.Kind.DELISTED, Change.Kind.LISTED]
    ).exists()
    assert Change.objects.filter(agreement=agreement, kind=Change.Kind.RENAMED).exists()
    names = AgencyName.objects.filter(agency=agreement.agency).order_by("first_seen__as_of")
    assert [(n.name, n.why) for n in names] == [
        ("Lexington County Sheriff's Office", AgencyName.Why.FIRST),
        ("Lexington County Sheriff's Department", AgencyName.Why.SHERIFF),  # (and the same PDF)
    ]
    assert Agreement.objects.by_public_id("sc:lexington county sheriffs department/jail") == agreement


def test_collin_sheriff_requested_then_signed(shipped):
    request = Request.objects.get(agency__county__fips="48085", agency__kind="sheriff", model="jail")
    assert request.first_pending.as_of == date(2026, 1, 8)
    assert request.outcome == Request.Outcome.SIGNED
    assert request.signed_on.as_of == date(2026, 1, 26) and request.days_to_sign == 18
    assert request.agreement.first_listed.as_of == date(2026, 1, 26)


def test_a_request_that_vanished_without_an_agreement(shipped):
    """San Jacinto's sheriff asked for a Jail Enforcement agreement on the oldest pending list we hold."""
    request = Request.objects.get(agency__name__startswith="San Jacinto County Sheriff", model="jail")
    assert request.outcome == Request.Outcome.DROPPED and request.agreement is None
    assert request.first_pending_is_oldest and request.first_pending.as_of == date(2025, 2, 21)
    assert request.gone_on.as_of == date(2025, 3, 13)  # the next pending list in the window
    assert Change.objects.filter(
        request=request, kind=Change.Kind.REQUEST_DROPPED, date=date(2025, 3, 13)
    ).exists()


def test_no_texas_request_is_on_the_newest_pending_list(shipped):
    pending = Snapshot.objects.newest(Snapshot.Kind.PENDING)
    assert pending.as_of == date(2026, 2, 27)
    assert not any(row[1] == "TEXAS" for row in pending.rows())
    assert not Request.objects.current().filter(agency__state__code="TX").exists()


def test_loading_the_shipped_data_again_is_a_no_op(shipped, django_assert_max_num_queries):
    from tests.conftest import shipped_window

    with django_assert_max_num_queries(5):
        assert str(load_shipped_data(lists=shipped_window())) == ""


def test_a_load_leaves_the_planner_statistics_of_what_it_wrote(shipped):
    """Without them a new database's first search planned its ZIP code join as a nested loop and ran for
    minutes (counties/importers/reference.py, analyze)."""
    from django.db import connection

    from counties.search import ZIP_ROWS_SQL

    tables = [
        "counties_zipcode",
        "counties_zipcounty",
        "counties_place",
        "counties_agency",
        "counties_agreement",
    ]
    with connection.cursor() as cursor:
        # The statistics themselves (pg_stats): a copy of a database (the tests' template) has them, while
        # its pg_stat_user_tables.last_analyze starts empty. That the shipped load took them itself is
        # checked where it ran (tests/shipped_template.py, build); the reference load's, in test_reference.py.
        cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'")
        analyzed = {row[0] for row in cursor.fetchall()}
        cursor.execute("EXPLAIN " + ZIP_ROWS_SQL)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert set(tables) <= analyzed
    assert "Nested Loop" not in plan, plan


def test_rebuilding_from_the_lists_held_changes_nothing(shipped):
    _plan, stats = rebuild_history()
    assert not stats.changed, str(stats)


# --- quirks, on small workbooks ------------------------------------------------------------------------


def test_modern_workbook_with_trailing_spaces_links_and_shuffled_columns(texas):
    headers = [
        "COUNTY ",
        "STATE",
        "SUPPORT TYPE ",
        "LAW ENFORCEMENT AGENCY",
        "TYPE",
        "SIGNED",
        "ADDENDUM",
        "MOA",
    ]
    rows = [
        ["Dallas County ", "TEXAS ", "Task Force Model ", "Testville Police Department ", "Municipality ",
         datetime(2026, 1, 2), None, "link"],
        ["Dallas County", "TEXAS", "Warrant Service Office", "Testville Police Department", "Municipality",
         "05/082025", "link", "link pending"],
    ]  # fmt: skip
    links = {
        (0, "MOA"): MOA,
        (
            1,
            "ADDENDUM",
        ): "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib"
        "%2F287gMOA%2FAdd.pdf&data=05%7C02",
    }
    result = run(workbook(rows, headers, links=links), date(2026, 1, 5))
    assert (result.rows_read, len(result.added), result.unresolved) == (
        2,
        0,
        0,
    )  # the first list: nothing "added"
    task_force = agreement("Testville Police Department")
    assert task_force.agency.county.name == "Dallas County"
    assert task_force.agency.placed_by == Agency.Placement.ICE
    assert (task_force.agency.kind, task_force.agency.ice_type) == (Agency.Kind.POLICE, "Municipality")
    assert (task_force.signed, task_force.moa_url) == (date(2026, 1, 2), MOA)
    warrant = agreement("Testville Police Department", "warrant")
    # ICE's dropped slash has one reading: the date is read, ICE's text kept beside it (marked as repaired)
    assert (warrant.signed, warrant.signed_raw) == (date(2025, 5, 8), "05/082025")
    assert (warrant.moa_url, warrant.addendum_url) == ("", "https://www.ice.gov/doclib/287gMOA/Add.pdf")
    assert result.snapshot.rows()[1][6:8] == ["2025-05-08", "05/082025"]  # kept as read


def test_january_2025_generation_named_sheet_no_type_no_county_archive_urls(texas):
    headers = ["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    archived = "https://web.archive.org/web/20250104041613/https://www.ice.gov/doclib/287gMOA/287gJEM_ x.pdf"
    rows = [["TEXAS", "Sample County Sheriff's Office", "Jail Enforcement Model", "2020-06-09", archived]]
    data = workbook(rows, headers, title="287(g) Agreements", before=[["ICE 287(g) agreements"]])
    result = import_list(data, filename="ParticipatingEntities-20250104041613.xlsx")
    assert result.as_of == date(2025, 1, 4)
    found = agreement("Sample County Sheriff's Office", "jail")  # no Sample County in Texas
    assert found.signed == date(2020, 6, 9)
    assert found.moa_url == "https://www.ice.gov/doclib/287gMOA/287gJEM_%20x.pdf"
    assert found.agency.county is None and found.agency.kind == Agency.Kind.SHERIFF
    assert "no COUNTY column" in found.agency.unresolved_reason
    assert [r[4] for r in result.unresolved_rows] == [found.agency.unresolved_reason]


def test_march_2025_generation_finds_the_county_in_the_agency_name(texas):
    headers = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA"]
    rows = [["TEXAS", "Rockwall County Sheriff’s Office", "County", "Warrant Service Officer", None, "link"]]
    result = run(workbook(rows, headers), date(2026, 1, 5))
    found = agreement("Rockwall County Sheriff’s Office", "warrant")
    assert (found.agency.county.name, found.agency.placed_by) == ("Rockwall County", Agency.Placement.NAME)
    assert (found.signed, found.signed_raw, result.unresolved) == (None, "", 0)


@pytest.mark.parametrize(
    ("agency", "county_text", "expected"),
    [
        ("Testville Police Department", "Fall County", "Falls County"),
        ("Testville Police Department", "Guadalupe Conty", "Guadalupe County"),
        ("Testville Police Department", "De Witt County", "DeWitt County"),
        ("Testville Police Department", "La Salle", "La Salle County"),
        ("Testville Police Department", "Lampass County", "Lampasas County"),  # a checked slip
        ("Splendora Police Department", "#N/A", "Montgomery County"),  # from the Census place
    ],
)
def test_misspelled_or_missing_counties_resolve(texas, agency, county_text, expected):
    run(workbook([tf(agency, county_text)]), date(2026, 1, 5))
    assert Agency.objects.get(name=agency).county.name == expected


def test_a_near_spelling_is_suggested_to_editors_never_assigned(texas):
    result = run(workbook([tf("Testville Police Department", "Tarrrant County")]), date(2026, 1, 5))
    agency = Agency.objects.get(name="Testville Police Department")
    assert agency.county is None
    assert "matches ICE's 'Tarrrant County'" in agency.unresolved_reason
    assert "closest spelling: Tarrant County" in agency.unresolved_reason
    assert result.unresolved == 1


def test_unresolvable_county_is_kept_with_its_reason(texas):
    result = run(
        workbook([tf("Nowhere Police Department", "Atlantis County"), tf("Other PD", "#NA")]),
        date(2026, 1, 5),
    )
    nowhere = agreement("Nowhere Police Department")
    assert nowhere.agency.county is None and nowhere.is_current
    assert "Atlantis County" in nowhere.agency.unresolved_reason
    assert result.unresolved == 2 and Snapshot.objects.get(pk=result.snapshot.pk).rows_unresolved == 2
    assert "ICE gives no county (#NA)" in agreement("Other PD").agency.unresolved_reason
    assert "Nowhere Police Department" in result.summary()


def placements(agency):
    """(county, how, share as a percentage or None) of each county the agency works in, main one first."""
    rows = agency.placements.select_related("county")
    ordered = sorted(rows, key=lambda r: (r.county_id != agency.county_id, -(r.share or 0), r.county.name))
    return [(r.county.name, r.placed_by, None if r.share is None else round(r.share * 100)) for r in ordered]


def test_a_city_in_two_counties_is_placed_in_both_with_the_share_of_its_zip_code(texas):
    """Nixon: the Census place lies in Gonzales and Wilson counties; ZIP code 78140 (NIXON), within those
    two, has 88.1% of its addresses in Gonzales and 7.9% in Wilson (4.0% in Guadalupe, where the Census
    does not put the city): 92% and 8% of the city's."""
    result = run(workbook([tf("Nixon Police Department", "#N/A")]), date(2026, 1, 5))
    nixon = Agency.objects.get(name="Nixon Police Department")
    assert placements(nixon) == [("Gonzales County", "place", 92), ("Wilson County", "place", 8)]
    assert (nixon.county.name, nixon.placed_by, nixon.unresolved_reason) == ("Gonzales County", "place", "")
    assert result.unresolved == 0


def test_ice_writing_the_city_for_the_county_places_it_in_every_county_of_the_city(texas):
    """ICE gives 'Overton County' for the Overton Police Department: no such county; the city of Overton
    lies in Rusk and Smith counties, none chosen by hand."""
    run(workbook([tf("Overton Police Department", "Overton County")]), date(2026, 1, 5))
    overton = Agency.objects.get(name="Overton Police Department")
    assert placements(overton) == [("Rusk County", "place", 91), ("Smith County", "place", 9)]
    # The same text for another agency names no county: it stays unplaced, with the reason.
    rows = [
        tf("Overton Police Department", "Overton County"),
        tf("Testville Police Department", "Overton County"),
    ]
    run(workbook(rows), date(2026, 1, 6))
    testville = Agency.objects.get(name="Testville Police Department")
    assert testville.county is None and not testville.placements.exists()
    assert "matches ICE's 'Overton County'" in testville.unresolved_reason
    assert testville.unplaced_why == Agency.Unplaced.NO_MATCH


def test_an_editors_counties_survive_the_next_import(texas):
    """An editor's choice is kept (county_locked): every county chosen, the main one first."""
    run(workbook([tf("Nixon Police Department", "#N/A")]), date(2026, 1, 5))
    nixon = Agency.objects.get(name="Nixon Police Department")
    nixon.placements.exclude(county__name="Wilson County").delete()
    nixon.placements.update(placed_by=Agency.Placement.EDITOR, share=None)
    nixon.county, nixon.county_locked = texas["Wilson County"], True
    nixon.save()
    run(workbook([tf("Nixon Police Department", "#N/A"), tf("Other PD")]), date(2026, 1, 6))
    nixon.refresh_from_db()
    assert placements(nixon) == [("Wilson County", "editor", None)]
    assert (nixon.county.name, nixon.placed_by, nixon.county_locked) == ("Wilson County", "editor", True)


def test_an_import_that_changes_only_an_agencys_counties_records_it_in_the_agencys_history(texas):
    """Nixon's rows lost their Wilson County row (an earlier list's placing, say) while the agency row is as
    the plan wants it: the import puts the row back and the agency's history says so, with its counties,
    so that an undo to this version has them."""
    run(workbook([tf("Nixon Police Department", "#N/A")]), date(2026, 1, 5))
    nixon = Agency.objects.get(name="Nixon Police Department")
    nixon.placements.filter(county__name="Wilson County").delete()
    versions = nixon.history.count()
    rebuild_history(reason="the lists held, worked out again")
    assert placements(nixon) == [("Gonzales County", "place", 92), ("Wilson County", "place", 8)]
    assert nixon.history.count() == versions + 1
    latest = nixon.history.order_by("-history_id").first()
    assert latest.history_change_reason == "the lists held, worked out again" and latest.history_user is None
    assert sorted(row["county"] for row in latest.county_rows) == sorted(
        [texas["Gonzales County"].pk, texas["Wilson County"].pk]
    )
    rebuild_history(reason="again")  # nothing changed: no new history row
    assert nixon.history.count() == versions + 1


def test_rows_without_a_model_or_state_are_kept_with_a_problem(texas):
    rows = [
        tf("Testville Police Department", model="Mystery Model"),
        ["ATLANTIS", "Police", "", "", "Task Force Model"],
    ]
    result = run(workbook(rows), date(2026, 1, 5))
    assert sorted(r[4] for r in result.unresolved_rows) == [
        "Unknown state 'ATLANTIS'.",
        "Unknown support type 'Mystery Model'.",
    ]
    assert not Agreement.objects.exists()


def test_icess_misspelled_state_names_are_read(texas):
    run(
        workbook([["TEXSA", "Typo PD", "Municipality", "Dallas County", "Task Force Model", None, "link"]]),
        date(2026, 1, 5),
    )
    assert not Agreement.objects.exists()  # not a slip we know of: kept as a problem
    from counties.importers import corrections

    corrections.STATE_NAME_SLIPS["texsa"] = "Texas"
    try:
        rebuild_history()
        assert agreement("Typo PD").agency.state.code == "TX"
    finally:
        del corrections.STATE_NAME_SLIPS["texsa"]


def test_state_agency_is_statewide_and_agency_names_drift_without_splitting(texas):
    first = [tf("Testville County Sheriff's Office ", "Dallas County", kind="County ")]
    first.append(
        ["TEXAS", "Texas Department of Testing", "State Agency", "#N/A", "Task Force Model", None, "link"]
    )
    run(workbook(first), date(2026, 1, 5))
    drifted = [tf("TESTVILLE  County Sheriff’s Office", "Dallas County", kind="County")]
    drifted.append(["TEXAS ", "Department of Testing", "State", "", "Task Force Model", None, "link"])
    result = run(workbook(drifted), date(2026, 2, 5))
    assert result.added == []
    sheriff = Agency.objects.get(key="tx:testville county sheriffs office")
    assert sheriff.name == "TESTVILLE County Sheriff’s Office"  # the newest list's spelling
    state_agency = Agency.objects.get(key="tx:department of testing")
    assert (state_agency.kind, state_agency.statewide, state_agency.county) == (Agency.Kind.STATE, True, None)


# --- what a file is: new, the same again, a confirmation, or held ------------------------------------------


def test_same_file_twice_changes_nothing(texas):
    data = workbook([tf("Testville Police Department")])
    first = run(data, date(2026, 1, 5))
    counts = (Snapshot.objects.count(), Agreement.objects.count(), Change.objects.count())
    again = run(data, date(2026, 1, 5))
    assert again.outcome == ImportOutcome.ALREADY and again.matched == first.snapshot
    assert (Snapshot.objects.count(), Agreement.objects.count(), Change.objects.count()) == counts
    assert "already imported" in again.summary()


def test_the_same_rows_again_confirm_the_list_before_instead_of_a_new_list(texas):
    run(workbook([tf("Testville Police Department")]), date(2026, 1, 5))
    resaved = workbook([tf("Testville Police Department")], title="Resaved")  # other bytes, same rows
    result = run(resaved, date(2026, 2, 10))
    assert result.outcome == ImportOutcome.CONFIRMED and result.snapshot is None
    assert Snapshot.objects.get().unchanged_through == date(2026, 2, 10)
    assert "confirmed through" in result.summary()


def test_an_old_list_served_again_under_a_newer_date_is_held(texas):
    """The archive once saw the list of 2025-03-06 served again as 2025-04-21: it would drop agreements."""
    old = workbook([tf("Alpha Police Department")])
    run(old, date(2026, 1, 5))
    run(workbook([tf("Alpha Police Department"), tf("Bravo Police Department")]), date(2026, 2, 5))
    result = run(old, date(2026, 3, 5))
    assert result.outcome == ImportOutcome.HELD
    assert "exactly those of ICE's list of 2026-01-05" in result.reason
    assert not Snapshot.objects.filter(as_of=date(2026, 3, 5)).exists()
    assert agreement("Bravo Police Department").is_current


def test_the_other_kind_of_list_is_held(texas):
    pending = workbook([pending_row("Dallas County Sheriff's Office")], PENDING)
    result = import_list(pending, filename="participatingAgencies01052026am.xlsx")
    assert result.outcome == ImportOutcome.HELD and "pending list" in result.reason
    assert not Snapshot.objects.exists()


def test_a_list_that_drops_an_unusual_share_is_held_unless_allowed(texas):
    many = [tf(f"Agency {i} Police Department") for i in range(20)]
    run(workbook(many), date(2026, 1, 5))
    result = run(workbook(many[:10]), date(2026, 2, 5))
    assert result.outcome == ImportOutcome.HELD and "drops 10 of the 20 agreements" in result.reason
    assert not Snapshot.objects.filter(as_of=date(2026, 2, 5)).exists()
    allowed = run(workbook(many[:10]), date(2026, 2, 5), allow_large_drop=True)
    assert allowed.outcome == ImportOutcome.IMPORTED and len(allowed.dropped) == 10


def test_a_different_file_for_a_date_already_imported_is_refused(texas):
    run(workbook([tf("Alpha Police Department")]), date(2026, 1, 5))
    with pytest.raises(WorkbookError, match="already imported"):
        run(workbook([tf("Bravo Police Department")]), date(2026, 1, 5))


# --- history: order, drops, changes ------------------------------------------------------------------------


def test_drop_off_relist_change_and_an_older_file_after_a_newer_one(texas):
    a, b = "Alpha Police Department", "Bravo Police Department"
    run(workbook([tf(a), tf(b)]), date(2026, 3, 1))
    s2 = run(workbook([tf(a, signed=datetime(2026, 1, 9)), tf(b, moa="link pending")]), date(2026, 4, 1))
    assert s2.changed == [f"tx:{a.lower()}/task-force"]
    s3 = run(workbook([tf(a, signed=datetime(2026, 1, 9))]), date(2026, 5, 1), allow_large_drop=True)
    assert s3.dropped == [f"tx:{b.lower()}/task-force"]
    bravo = agreement(b)
    assert (bravo.is_current, bravo.last_listed.as_of, bravo.dropped_on.as_of) == (
        False,
        date(2026, 4, 1),
        date(2026, 5, 1),
    )
    # (a list equal to an older one would be held: this one also lists a third agency)
    s4 = run(
        workbook([tf(a, signed=datetime(2026, 1, 9)), tf(b), tf("Echo Police Department")]), date(2026, 6, 1)
    )
    assert s4.relisted == [f"tx:{b.lower()}/task-force"] and s4.added == [
        "tx:echo police department/task-force"
    ]
    bravo = agreement(b)
    assert bravo.is_current
    # it left and came back: both are kept, the first list without it and the list it came back on
    assert (bravo.first_listed.as_of, bravo.gone_from.as_of, bravo.back_on.as_of) == (
        date(2026, 3, 1),
        date(2026, 5, 1),
        date(2026, 6, 1),
    )
    assert agreement(a).gone_from is None and agreement(a).back_on is None

    older = run(
        workbook([tf(a, signed=datetime(2025, 12, 1)), tf("Charlie Police Department")]), date(2026, 2, 1)
    )
    assert not older.is_newest
    alpha = agreement(a)
    assert alpha.first_listed.as_of == date(2026, 2, 1)  # history reaches further back
    assert (alpha.signed, alpha.is_current) == (date(2026, 1, 9), True)
    charlie = agreement("Charlie Police Department")
    assert (charlie.is_current, charlie.first_listed.as_of, charlie.dropped_on.as_of) == (
        False,
        date(2026, 2, 1),
        date(2026, 3, 1),
    )
    # Each list's counters are worked out against the list before it by date, whatever the import order.
    counters = dict(Snapshot.objects.values_list("as_of", "agreements_dropped"))
    assert counters == {
        date(2026, 2, 1): 0, date(2026, 3, 1): 1, date(2026, 4, 1): 0, date(2026, 5, 1): 1, date(2026, 6, 1): 0,
    }  # fmt: skip
    assert "history added" in older.summary()


def _public_state():
    """What readers and downloads see, without database ids."""
    agreements = sorted(
        Agreement.objects.values_list(
            "public_id", "aliases", "agency__name", "agency__county__fips", "model", "signed", "moa_url",
            "first_listed__as_of", "last_listed__as_of", "dropped_on__as_of", "first_listed_is_oldest", "is_current",
        )
    )  # fmt: skip
    changes = sorted(Change.objects.values_list("key", "kind", "date", "old_value", "new_value"))
    requests = sorted(
        Request.objects.values_list("public_id", "outcome", "first_pending__as_of", "signed_on__as_of")
    )
    counters = sorted(
        Snapshot.objects.values_list(
            "kind", "as_of", "rows_read", "rows_unresolved", "agreements_added", "agreements_dropped",
            "agreements_changed", "agreements_relisted", "counts",
        )
    )  # fmt: skip
    return agreements, changes, requests, counters


def _lists():
    a, b, c = "Alpha Police Department", "Bravo Police Department", "Charlie County Sheriff's Office"
    return [
        ("participating", date(2026, 1, 5), workbook([tf(a), tf(b, moa="link pending")])),
        ("pending", date(2026, 1, 20), workbook([pending_row(c, "Rockwall County")], PENDING)),
        (
            "participating",
            date(2026, 2, 5),
            workbook([tf(a), tf(b), tf(c, "Rockwall County", kind="County")]),
        ),
        (
            "participating",
            date(2026, 3, 5),
            workbook([tf(a, signed=datetime(2026, 1, 3)), tf(c, "Rockwall County")]),
        ),
        (
            "pending",
            date(2026, 3, 6),
            workbook([pending_row("Delta PD", "Collin County", "Municipality")], PENDING),
        ),
        (
            "participating",
            date(2026, 4, 5),
            workbook([tf(a), tf(b), tf(c, "Rockwall County"), tf("Echo PD")]),
        ),
    ]


def _import_all(order):
    for kind, day, data in order:
        result = run(data, day, kind, allow_large_drop=True)
        assert result.outcome == ImportOutcome.IMPORTED, result.summary()


def test_shuffled_order_gives_the_same_public_data_as_date_order(texas):
    lists = _lists()
    _import_all(lists)
    in_order = _public_state()
    twice = [run(data, day, kind).outcome for kind, day, data in lists]
    assert set(twice) == {ImportOutcome.ALREADY} and _public_state() == in_order  # a window imported twice
    Change.objects.all().delete()
    Request.objects.all().delete()
    Agreement.objects.all().delete()
    Snapshot.objects.all().delete()
    Agency.objects.all().delete()
    shuffled = lists[:]
    random.Random(287).shuffle(shuffled)
    assert shuffled != lists
    _import_all(shuffled)
    assert _public_state() == in_order


# --- which names are one agency, one agreement -------------------------------------------------------------


def test_same_pdf_same_county_never_together_is_one_agreement(texas):
    pdf = "https://www.ice.gov/doclib/287gMOA/LakeTestPD_TFM_MOA.pdf"
    old = workbook([tf("Lake Test Police Department")], links={(0, "MOA"): pdf})
    run(old, date(2026, 1, 5))
    renamed = workbook(
        [tf("Lake Test Police Services Department")],
        links={(0, "MOA"): pdf.upper().replace("HTTPS://WWW.ICE.GOV", "https://www.ice.gov")},
    )
    result = run(renamed, date(2026, 2, 5))
    assert (result.added, result.dropped) == ([], [])
    found = Agreement.objects.get()
    assert (found.public_id, found.aliases) == (
        "tx:lake test police department/task-force",
        ["tx:lake test police services department/task-force"],
    )
    assert found.agency.name == "Lake Test Police Services Department" and found.first_listed.as_of == date(
        2026, 1, 5
    )
    assert (
        AgencyName.objects.get(key="tx:lake test police services department").why == AgencyName.Why.SAME_PDF
    )


def test_a_pdf_shared_by_agencies_in_two_counties_is_icess_mistake_not_a_rename(texas):
    pdf = "https://www.ice.gov/doclib/287gMOA/WhitfieldCo_JEM.pdf"
    run(
        workbook(
            [tf("Whit County Sheriff's Office", "Dallas County", kind="County")], links={(0, "MOA"): pdf}
        ),
        date(2026, 1, 5),
    )
    result = run(
        workbook(
            [tf("Wayne County Sheriff's Office", "Tarrant County", kind="County")], links={(0, "MOA"): pdf}
        ),
        date(2026, 2, 5),
        allow_large_drop=True,
    )
    assert len(result.added) == 1 and len(result.dropped) == 1
    assert Agreement.objects.count() == 2


def test_the_sheriff_of_one_county_is_one_agency_whatever_ice_calls_it(texas):
    run(
        workbook([tf("Dallas County Sheriff's Office", kind="County", model="Jail Enforcement Model")]),
        date(2026, 1, 5),
    )
    result = run(
        workbook([tf("Dallas County Sheriff's Department", kind="County", model="Jail Enforcement Model")]),
        date(2026, 2, 5),
    )
    assert (result.added, result.dropped) == ([], [])
    assert Agency.objects.get().name == "Dallas County Sheriff's Department"
    assert Agreement.objects.get().aliases == ["tx:dallas county sheriffs department/jail"]


def test_a_typing_slip_on_a_long_name_never_listed_together_is_the_same_agency(texas):
    run(workbook([tf("Testville Police Departent")]), date(2026, 1, 5))
    run(workbook([tf("Testville Police Department")]), date(2026, 2, 5))
    assert Agency.objects.count() == 1 and Agreement.objects.count() == 1
    assert AgencyName.objects.get(key="tx:testville police department").why == AgencyName.Why.SLIP


def test_two_agencies_listed_together_stay_two_even_with_one_letter_between_them(texas):
    run(
        workbook([tf("Melbourne Police Department"), tf("Melbourne Beach Police Department")]),
        date(2026, 1, 5),
    )
    run(
        workbook([tf("Testville Police Departmen"), tf("Testville Police Department")]),
        date(2026, 2, 5),
        allow_large_drop=True,
    )
    assert Agency.objects.filter(name__startswith="Testville").count() == 2


def test_the_rename_table_joins_what_no_rule_can_tell(texas, monkeypatch):
    from counties.importers import corrections

    monkeypatch.setattr(corrections, "RENAMES", [("TX", "old name task force", "new name task force")])
    monkeypatch.setattr("counties.importers.rebuild.same_agency.RENAMES", corrections.RENAMES)
    run(workbook([tf("Old Name Task Force")]), date(2026, 1, 5))
    result = run(workbook([tf("New Name Task Force")]), date(2026, 2, 5))
    assert (result.added, result.dropped) == ([], [])
    assert AgencyName.objects.get(key="tx:new name task force").why == AgencyName.Why.TABLE


def test_an_agreement_handed_from_one_agency_to_another_listed_beside_it(texas):
    """Escambia County, Florida: the sheriff's Warrant Service Officer agreement moved to the county's
    corrections department, same document, while the sheriff kept a Task Force agreement."""
    pdf = "https://www.ice.gov/doclib/287gMOA/DallasCo_WSO_MOA.pdf"
    sheriff_wso = tf("Dallas County Sheriff's Office", kind="County", model="Warrant Service Officer")
    sheriff_tf = tf("Dallas County Sheriff's Office", kind="County")
    corrections_wso = tf(
        "Dallas County Department of Corrections", kind="County", model="Warrant Service Officer"
    )
    run(workbook([sheriff_wso, sheriff_tf], links={(0, "MOA"): pdf}), date(2026, 1, 5))
    result = run(workbook([corrections_wso, sheriff_tf], links={(0, "MOA"): pdf}), date(2026, 2, 5))
    assert (result.added, result.dropped) == ([], [])
    wso = Agreement.objects.get(model="warrant")
    assert wso.agency.name == "Dallas County Department of Corrections"
    assert wso.public_id == "tx:dallas county sheriffs office/warrant"
    assert Agreement.objects.get(model="task-force").agency.name == "Dallas County Sheriff's Office"
    assert Agency.objects.count() == 2
    assert Change.objects.filter(agreement=wso, kind=Change.Kind.RENAMED).exists()


# --- requests and changes -------------------------------------------------------------------------------


def test_requests_signed_pending_dropped_and_on_the_oldest_list(texas):
    sheriff = "Rockwall County Sheriff's Office"
    for other, county, day in [("Gone PD", "Collin County", 5), ("Waiting PD", "Dallas County", 20)]:
        rows = [pending_row(sheriff, "Rockwall County"), pending_row(other, county, "Municipality")]
        run(workbook(rows, PENDING), date(2026, 1, day), "pending")
    run(
        workbook([tf(sheriff, "Rockwall County", kind="County", model="Jail Enforcement Model")]),
        date(2026, 2, 2),
    )
    signed = Request.objects.get(agency__name=sheriff)
    assert (signed.outcome, signed.signed_on.as_of, signed.days_to_sign) == (
        Request.Outcome.SIGNED,
        date(2026, 2, 2),
        28,
    )
    assert signed.first_pending_is_oldest  # already on the oldest pending list: its start is not known
    assert signed.agreement == Agreement.objects.get(agency__name=sheriff)
    gone = Request.objects.get(agency__name="Gone PD")
    assert (gone.outcome, gone.gone_on.as_of) == (Request.Outcome.DROPPED, date(2026, 1, 20))
    assert Request.objects.get(agency__name="Waiting PD").outcome == Request.Outcome.PENDING
    assert Change.objects.filter(kind=Change.Kind.REQUEST_DROPPED, date=date(2026, 1, 20)).count() == 1
    assert (
        Change.objects.filter(kind=Change.Kind.REQUESTED, date=date(2026, 1, 20)).count() == 1
    )  # Waiting PD


def test_a_wrong_state_in_a_pending_row_is_corrected_from_the_table(texas):
    row = pending_row("McIntosh County Sheriff's Office", "McIntosh County", model="Task Force Model")
    run(workbook([row], PENDING), date(2026, 2, 9), "pending")
    request = Request.objects.select_related("agency__state").get()
    assert request.agency.state.code == "OK"  # never counted in Texas


@pytest.mark.parametrize(
    ("before", "after", "kinds"),
    [
        ({"moa": "link pending"}, {}, [Change.Kind.PDF_PUBLISHED]),
        (
            {"signed": datetime(2020, 6, 9)},
            {"signed": datetime(2025, 6, 9), "link": "https://www.ice.gov/doclib/287gMOA/New.pdf"},
            [Change.Kind.RESIGNED],
        ),
        (
            {"signed": datetime(2025, 6, 12)},
            {"signed": datetime(2025, 6, 11)},
            [Change.Kind.DATE_CORRECTED],
        ),
        (
            {"signed": datetime(2025, 1, 7)},
            {"signed": datetime(2026, 1, 7)},
            [Change.Kind.DATE_CORRECTED],
        ),  # same document
        (
            {"moa": "link pending", "signed": datetime(2025, 1, 7)},
            {"moa": "link pending", "signed": datetime(2025, 9, 7)},
            [Change.Kind.DATE_CHANGED],
        ),
        ({}, {"link": "https://www.ice.gov/doclib/287gMOA/Other.pdf"}, [Change.Kind.PDF_REPLACED]),
        ({"signed": "5025-05-08"}, {"signed": datetime(2025, 5, 8)}, [Change.Kind.DATE_CORRECTED]),
    ],
    ids=["published", "re-signed", "date-fixed", "year-fixed", "date-changed", "replaced", "raw-fixed"],
)
def test_renewals_and_changes_are_told_apart(texas, before, after, kinds):
    def row(options):
        return tf(
            "Testville Police Department",
            signed=options.get("signed", datetime(2025, 6, 12)),
            moa=options.get("moa", "link"),
        )

    def links(options):
        return {} if options.get("moa") == "link pending" else {(0, "MOA"): options.get("link", MOA)}

    run(workbook([row(before)], links=links(before)), date(2026, 1, 5))
    result = run(workbook([row(after)], links=links(after)), date(2026, 2, 5))
    found = [c.kind for c in Change.objects.filter(date=date(2026, 2, 5))]
    assert found == kinds
    assert result.changed == ["tx:testville police department/task-force"]


def test_an_editors_county_and_corrected_details_survive_later_imports(texas):
    run(workbook([tf("Nowhere Police Department", "Atlantis County")]), date(2026, 1, 5))
    agency = Agency.objects.get()
    agency.county, agency.county_locked = texas["Collin County"], True
    agency.save()
    found = Agreement.objects.get()
    found.signed, found.details_locked = date(2025, 12, 24), True
    found.save()
    run(
        workbook([tf("Nowhere Police Department", "Atlantis County", signed=datetime(2026, 1, 2))]),
        date(2026, 2, 5),
    )
    agency.refresh_from_db()
    found.refresh_from_db()
    assert (agency.county.name, agency.placed_by, agency.unresolved_reason) == (
        "Collin County",
        Agency.Placement.EDITOR,
        "",
    )
    assert found.signed == date(2025, 12, 24)


def test_import_writes_are_in_the_history_with_the_list_as_the_reason(texas):
    run(workbook([tf("Testville Police Department")]), date(2026, 1, 5))
    version = Agreement.objects.get().history.first()
    assert version.history_user is None
    assert "ICE list of 2026-01-05" in version.history_change_reason


def test_dry_run_changes_nothing_but_reports(texas):
    run(workbook([tf("Alpha Police Department")]), date(2026, 1, 5))
    before = (
        Snapshot.objects.count(),
        Agreement.objects.count(),
        Agency.objects.count(),
        Change.objects.count(),
    )
    result = run(
        workbook([tf("Alpha Police Department"), tf("Bravo Police Department")]),
        date(2026, 2, 5),
        dry_run=True,
    )
    assert result.added == ["tx:bravo police department/task-force"] and result.snapshot is None
    assert "dry run" in result.summary()
    assert (
        Snapshot.objects.count(),
        Agreement.objects.count(),
        Agency.objects.count(),
        Change.objects.count(),
    ) == before


# --- malformed input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"STATE,LAW ENFORCEMENT AGENCY\nTEXAS,x\n", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "not a readable Excel workbook"),
        (
            plain_workbook(["Total", "JEM", "TFM"], ["ALABAMA", 3, 4], title="Sheet2"),
            "No sheet has ICE's header row",
        ),
        (plain_workbook(), "No sheet has ICE's header row"),
        (plain_workbook(["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE"]), "no rows"),
    ],
    ids=["empty", "csv", "broken-zip", "wrong-sheet", "blank-sheet", "header-only"],
)
def test_malformed_files_raise_a_clear_error_and_change_nothing(texas, data, message):
    with pytest.raises(WorkbookError, match=message):
        run(data, date(2026, 1, 5))
    assert not Snapshot.objects.exists()


def test_huge_file_is_refused(monkeypatch):
    monkeypatch.setattr(ice, "MAX_BYTES", 1000)
    with pytest.raises(WorkbookError, match="too large"):
        run(workbook([tf("Testville Police Department")]), date(2026, 1, 5))


def test_dates_and_kinds_from_file_names_and_unwrapping():
    assert date_from_filename("participating-2026-05-18.xlsx") == date(2026, 5, 18)
    assert date_from_filename("participatingAgencies05182026am.xlsx") == date(2026, 5, 18)
    assert date_from_filename("pendingAgencies02272026am.xlsx") == date(2026, 2, 27)
    assert date_from_filename("ParticipatingEntities-20250104041613.xlsx") == date(2025, 1, 4)
    assert date_from_filename("participatingAgencies-20250221214937.xlsx") == date(2025, 2, 21)
    assert date_from_filename("participatingAgencies090022025am.xlsx") is None  # ICE's three-digit day
    assert date_from_filename("agencies.xlsx") is None
    assert date_from_filename("participating-2026-13-45.xlsx") is None
    assert kind_from_filename("pendingAgencies02272026am.xlsx") == "pending"
    assert kind_from_filename("participating-2026-05-18.xlsx") == "participating"
    assert kind_from_filename("agencies.xlsx") is None
    assert (
        unwrap_url("chrome-extension://abc/https:/www.ice.gov/doclib/x.pdf")
        == "https://www.ice.gov/doclib/x.pdf"
    )
    assert unwrap_url("javascript:alert(1)") == ""


# --- the command ----------------------------------------------------------------------------------------


def test_command_prints_a_summary_and_asks_for_a_date(texas, tmp_path):
    path = tmp_path / "participatingAgencies01052026am.xlsx"
    path.write_bytes(workbook([tf("Testville Police Department"), tf("Lost PD", "Atlantis County")]))
    out = io.StringIO()
    call_command("import_ice_287g", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "rows read: 2" in text and "unresolved rows: 1" in text
    assert "Lost PD" in text and "dry run" in text
    assert not Snapshot.objects.exists()

    undated = tmp_path / "agencies.xlsx"
    undated.write_bytes(path.read_bytes())
    with pytest.raises(CommandError, match="date"):
        call_command("import_ice_287g", str(undated))
    call_command("import_ice_287g", str(undated), "--as-of", "2026-01-06", stdout=io.StringIO())
    assert Snapshot.objects.get(as_of=date(2026, 1, 6)).filename == "agencies.xlsx"
    (tmp_path / "participating-2026-02-01.xlsx").write_text("hello")
    with pytest.raises(CommandError, match="not an Excel workbook"):
        call_command("import_ice_287g", str(tmp_path / "participating-2026-02-01.xlsx"))


def test_command_says_when_a_file_is_held(texas, tmp_path):
    path = tmp_path / "participatingAgencies01052026am.xlsx"
    path.write_bytes(workbook([pending_row("X County Sheriff's Office")], PENDING))
    with pytest.raises(CommandError, match="held"):
        call_command("import_ice_287g", str(path), stdout=io.StringIO())


def test_outside_texas_a_city_goes_to_the_county_with_most_of_its_zip_codes_only(texas):
    """HUD's USPS city names are postal cities: one Broward ZIP code named MIAMI among nine in Miami-Dade
    does not put the City of Miami's police on Broward's page; a city whose ZIP codes no county holds 75%
    of stays unplaced, with the split named."""
    from decimal import Decimal

    from counties.models import County, State, ZipCode, ZipCounty

    florida = State.objects.create(fips="12", code="FL", name="Florida")
    dade, broward = (
        County.objects.create(fips=fips, state=florida, name=name, short_name=name.split()[0], slug=slug)
        for fips, name, slug in (
            ("12086", "Miami-Dade County", "miami-dade-county"),
            ("12011", "Broward County", "broward-county"),
        )
    )
    one = Decimal(1)
    for n, (city, county) in enumerate([("MIAMI", dade)] * 9 + [("MIAMI", broward)] + [("SPLITVILLE", dade)]):
        ZipCounty.objects.create(
            zip_code=ZipCode.objects.create(code=f"331{n:02d}", city=city.title(), state=florida),
            county=county, share=one, res_ratio=one, tot_ratio=one,
        )  # fmt: skip
    split = ZipCode.objects.create(code="33200", city="Splitville", state=florida)
    ZipCounty.objects.create(zip_code=split, county=broward, share=one, res_ratio=one, tot_ratio=one)
    rows = [["FLORIDA", name, "Municipality", "#N/A", "Task Force Model", datetime(2026, 1, 1), "link", None]
            for name in ("City of Miami Police Department", "Splitville Police Department")]  # fmt: skip
    run(workbook(rows), date(2026, 1, 5))
    miami = Agency.objects.get(name="City of Miami Police Department")
    assert [(p.county.name, p.placed_by, p.share) for p in miami.placements.all()] == [
        ("Miami-Dade County", "zip", Decimal("0.9000"))
    ]
    splitville = Agency.objects.get(name="Splitville Police Department")
    assert splitville.county is None and splitville.unplaced_why == Agency.Unplaced.SPLIT
    assert "are split (Miami-Dade County 50%, Broward County 50%); no county has 75% of them" in (
        splitville.unresolved_reason
    )
