"""ICE's workbooks: the real shipped lists, and small workbooks built here for each quirk of the real files.

Small workbooks are dated 2030 and later, after every shipped list, so they act as ICE's newest list
inside their test (whose transaction is rolled back afterwards).
"""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from counties.importers import ice
from counties.importers.ice import WorkbookError, date_from_filename, import_workbook, unwrap_url
from counties.importers.shipped import load_shipped_data
from counties.models import Agency, Agreement, Snapshot, SnapshotRow

pytestmark = pytest.mark.django_db

MODERN = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]
MOA = "https://www.ice.gov/doclib/287gMOA/TestvillePDTX_TFM_MOA_01012030.pdf"


def workbook(rows, headers=MODERN, *, title="Sheet1", links=None, before=(), extra_sheets=()):
    """An .xlsx like ICE's: `links` maps (row index, header) to a cell hyperlink."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for line in before:
        sheet.append(line)
    sheet.append(list(headers) + [None, None])  # ICE's sheets carry empty trailing columns
    for i, row in enumerate(rows):
        sheet.append(list(row))
        for (row_index, header), target in (links or {}).items():
            if row_index == i:
                sheet.cell(row=sheet.max_row, column=list(headers).index(header) + 1).hyperlink = target
    sheet.append([])
    for name in extra_sheets:
        book.create_sheet(name).append(["Total", "JEM"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(data, as_of, **kwargs):
    return import_workbook(io.BytesIO(data), as_of=as_of, filename=f"participating-{as_of}.xlsx", **kwargs)


def tf(
    agency, county="Dallas County", signed=datetime(2030, 1, 1), kind="Municipality", model="Task Force Model"
):
    return ["TEXAS", agency, kind, county, model, signed, "link", None]


def agreement(name, model="task-force"):
    return Agreement.objects.select_related("agency", "first_listed", "last_listed").get(
        agency__name=name, model=model
    )


# --- the real, shipped lists -----------------------------------------------------------------------


def test_all_seventeen_shipped_lists_are_loaded_with_every_row():
    assert Snapshot.objects.count() == 17
    newest = Snapshot.objects.newest()
    assert newest.as_of == date(2026, 5, 18)
    assert newest.rows_read == 1843 == newest.rows.count()
    texas_rows = [r for r in newest.rows.values_list("data", flat=True) if r["STATE"].strip() == "TEXAS"]
    assert len(texas_rows) == 387
    assert Agreement.objects.current().count() == 1843
    assert Agreement.objects.current().filter(agency__state__code="TX").count() == 387
    for snapshot in Snapshot.objects.all():
        assert snapshot.rows.count() == snapshot.rows_read
    assert not SnapshotRow.objects.filter(agreement=None, problem="").exists()  # no row lost silently


def test_dallas_sheriff_has_none_and_denton_sheriff_has_two():
    assert (
        not Agreement.objects.current().filter(agency__county__fips="48113", agency__kind="sheriff").exists()
    )
    denton = Agreement.objects.current().filter(agency__county__fips="48121", agency__kind="sheriff")
    assert sorted((a.model, a.signed) for a in denton) == [
        ("jail", date(2025, 7, 29)),
        ("task-force", date(2026, 1, 26)),
    ]
    assert all(a.moa_url.startswith("https://www.ice.gov/doclib/287gMOA/") for a in denton)


def test_real_county_mistakes_resolve_or_stay_visible():
    assert Agency.objects.get(name="Marlin Police Department").county.name == "Falls County"  # 'Fall County'
    assert (
        Agency.objects.get(name="Overton Police Department").county.name == "Rusk County"
    )  # 'Overton County'
    assert Agency.objects.get(name="Splendora Police Department").county.name == "Montgomery County"  # '#N/A'
    nixon = Agency.objects.get(name="Nixon Police Department")
    assert nixon.county is None
    assert "Gonzales County and Wilson County" in nixon.unresolved_reason
    nixon_rows = SnapshotRow.objects.filter(agreement__agency=nixon, snapshot__as_of=date(2026, 5, 18))
    assert nixon_rows.exists() and all(r.problem == nixon.unresolved_reason for r in nixon_rows)
    texas_state = Agency.objects.filter(state__code="TX", statewide=True)
    assert texas_state.exists() and not texas_state.exclude(county=None).exists()


def test_archive_and_safelinks_wrappers_are_unwrapped_in_the_real_files():
    assert not Agreement.objects.filter(moa_url__contains="archive.org").exists()
    assert not Agreement.objects.filter(moa_url__contains="safelinks").exists()
    assert (
        not Agreement.objects.exclude(moa_url="").exclude(moa_url__startswith="https://www.ice.gov/").exists()
    )


def test_loading_the_shipped_data_again_is_a_no_op(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert load_shipped_data() == ""


# --- quirks, on small workbooks --------------------------------------------------------------------


def test_modern_workbook_with_trailing_spaces_links_and_shuffled_columns():
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
         datetime(2030, 1, 2), None, "link"],
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
    result = run(workbook(rows, headers, links=links), date(2030, 1, 5))
    assert (result.rows_read, result.added, result.unresolved) == (2, 2, 0)
    task_force = agreement("Testville Police Department")
    assert task_force.agency.county.name == "Dallas County"
    assert task_force.agency.kind == Agency.Kind.POLICE
    assert task_force.agency.ice_type == "Municipality"
    assert (task_force.signed, task_force.moa_url) == (date(2030, 1, 2), MOA)
    warrant = agreement("Testville Police Department", "warrant")
    assert (warrant.signed, warrant.signed_raw) == (None, "05/082025")
    assert (warrant.moa_url, warrant.addendum_url) == ("", "https://www.ice.gov/doclib/287gMOA/Add.pdf")
    row = SnapshotRow.objects.get(snapshot=result.snapshot, row_number=3)
    assert row.data["SIGNED"] == "05/082025" and row.agreement == warrant


def test_january_2025_generation_named_sheet_no_type_no_county_archive_urls():
    headers = ["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    archived = "https://web.archive.org/web/20250104041613/https://www.ice.gov/doclib/287gMOA/287gJEM_ x.pdf"
    rows = [["TEXAS", "Sample County Sheriff's Office", "Jail Enforcement Model", "2020-06-09", archived]]
    # Header row below a title line, on a sheet that is not the first one's usual name.
    data = workbook(rows, headers, title="287(g) Agreements", before=[["ICE 287(g) agreements"]])
    # Sample County does not exist in Texas: the row is kept, unresolved, with the reason.
    result = run(data, date(2030, 1, 5))
    found = agreement("Sample County Sheriff's Office", "jail")
    assert found.signed == date(2020, 6, 9)
    assert found.moa_url == "https://www.ice.gov/doclib/287gMOA/287gJEM_%20x.pdf"
    assert found.agency.county is None and found.agency.kind == Agency.Kind.SHERIFF
    assert "no COUNTY column" in found.agency.unresolved_reason
    assert [r.problem for r in result.unresolved_rows] == [found.agency.unresolved_reason]


def test_march_2025_generation_finds_the_county_in_the_agency_name():
    headers = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA"]
    rows = [["TEXAS", "Rockwall County Sheriff’s Office", "County", "Warrant Service Officer", None, "link"]]
    result = run(workbook(rows, headers), date(2030, 1, 5))
    found = agreement("Rockwall County Sheriff’s Office", "warrant")
    assert found.agency.county.name == "Rockwall County"
    assert (found.signed, found.signed_raw, result.unresolved) == (None, "", 0)


@pytest.mark.parametrize(
    ("agency", "county_text", "expected"),
    [
        ("Testville Police Department", "Fall County", "Falls County"),
        ("Testville Police Department", "Guadalupe Conty", "Guadalupe County"),
        ("Testville Police Department", "Overton County", "Rusk County"),
        ("Testville Police Department", "De Witt County", "DeWitt County"),
        ("Testville Police Department", "La Salle", "La Salle County"),
        ("Testville Police Department", "Lampass County", "Lampasas County"),  # a checked slip
        ("Splendora Police Department", "#N/A", "Montgomery County"),  # from the Census place
    ],
)
def test_misspelled_or_missing_counties_resolve(agency, county_text, expected):
    run(workbook([tf(agency, county_text)]), date(2030, 1, 5))
    assert Agency.objects.get(name=agency).county.name == expected


def test_a_near_spelling_is_suggested_to_editors_never_assigned():
    """'Tarrrant' is one letter from Tarrant, but a near spelling is not evidence: no county is guessed."""
    result = run(workbook([tf("Testville Police Department", "Tarrrant County")]), date(2030, 1, 5))
    agency = Agency.objects.get(name="Testville Police Department")
    assert agency.county is None
    assert "matches ICE's 'Tarrrant County'" in agency.unresolved_reason
    assert "closest spelling: Tarrant County" in agency.unresolved_reason
    assert result.unresolved == 1


def test_unresolvable_county_is_kept_with_its_reason():
    result = run(
        workbook([tf("Nowhere Police Department", "Atlantis County"), tf("Other PD", "#NA")]),
        date(2030, 1, 5),
    )
    nowhere = agreement("Nowhere Police Department")
    assert nowhere.agency.county is None and nowhere.is_current
    assert "Atlantis County" in nowhere.agency.unresolved_reason
    assert result.unresolved == 2 and result.snapshot.rows_unresolved == 2
    assert "ICE gives no county (#NA)" in agreement("Other PD").agency.unresolved_reason
    assert "Nowhere Police Department" in result.summary()


def test_rows_without_a_model_or_state_are_kept_with_a_problem():
    rows = [
        tf("Testville Police Department", model="Mystery Model"),
        ["ATLANTIS", "Police", "", "", "Task Force Model"],
    ]
    result = run(workbook(rows), date(2030, 1, 5))
    problems = sorted(
        SnapshotRow.objects.filter(snapshot=result.snapshot).values_list("problem", "agreement")
    )
    assert problems == [("Unknown state 'ATLANTIS'.", None), ("Unknown support type 'Mystery Model'.", None)]
    assert result.unresolved == 2 and result.added == 0


def test_state_agency_is_statewide_and_agency_names_drift_without_splitting():
    first = [tf("Testville County Sheriff's Office ", "Dallas County", kind="County ")]
    first.append(
        ["TEXAS", "Texas Department of Testing", "State Agency", "#N/A", "Task Force Model", None, "link"]
    )
    run(workbook(first), date(2030, 1, 5))
    drifted = [tf("TESTVILLE  County Sheriff’s Office", "Dallas County", kind="County")]
    drifted.append(["TEXAS ", "Department of Testing", "State", "", "Task Force Model", None, "link"])
    result = run(workbook(drifted), date(2030, 2, 5))
    assert result.added == 0
    sheriff = Agency.objects.get(key="tx:testville county sheriffs office")
    assert sheriff.name == "TESTVILLE County Sheriff’s Office"  # the newest list's spelling
    assert sheriff.kind == Agency.Kind.SHERIFF
    state_agency = Agency.objects.get(key="tx:department of testing")
    assert (state_agency.kind, state_agency.statewide, state_agency.county) == (Agency.Kind.STATE, True, None)


# --- history and idempotence -------------------------------------------------------------------------


def test_same_file_twice_changes_nothing():
    data = workbook([tf("Testville Police Department")])
    first = run(data, date(2030, 1, 5))
    counts = (Snapshot.objects.count(), Agreement.objects.count(), SnapshotRow.objects.count())
    again = run(data, date(2030, 1, 5))
    assert again.already_imported and again.snapshot == first.snapshot
    assert (Snapshot.objects.count(), Agreement.objects.count(), SnapshotRow.objects.count()) == counts
    assert "already imported" in again.summary()


def test_drop_off_relist_change_and_an_older_file_after_a_newer_one():
    a, b = "Alpha Police Department", "Bravo Police Department"
    s1 = run(workbook([tf(a), tf(b)]), date(2030, 3, 1))
    assert s1.added == 2
    assert s1.dropped >= 1843  # every real agreement is missing from this made-up newest list
    s2 = run(workbook([tf(a, signed=datetime(2030, 1, 9))]), date(2030, 4, 1))
    assert [x.agency.name for x in s2.dropped_agreements] == [b]
    assert [x.agency.name for x in s2.changed_agreements] == [a]
    bravo = agreement(b)
    assert (bravo.is_current, bravo.last_listed.as_of, bravo.first_listed.as_of) == (
        False,
        date(2030, 3, 1),
        date(2030, 3, 1),
    )
    s3 = run(workbook([tf(a, signed=datetime(2030, 1, 9)), tf(b)]), date(2030, 5, 1))
    assert [x.agency.name for x in s3.relisted_agreements] == [b] and s3.added == 0
    assert agreement(b).is_current and s3.snapshot.agreements_relisted == 1

    older = run(
        workbook([tf(a, signed=datetime(2029, 12, 1)), tf("Charlie Police Department")]), date(2030, 2, 1)
    )
    assert not older.is_newest and older.dropped == 0
    alpha = agreement(a)
    assert alpha.first_listed.as_of == date(2030, 2, 1)  # history reaches further back
    assert (alpha.last_listed.as_of, alpha.signed, alpha.is_current) == (
        date(2030, 5, 1),
        date(2030, 1, 9),
        True,
    )
    charlie = agreement("Charlie Police Department")
    assert (charlie.is_current, charlie.first_listed.as_of, charlie.last_listed.as_of) == (
        False, date(2030, 2, 1), date(2030, 2, 1)
    )  # fmt: skip
    assert agreement(b).is_current  # the present is not rewritten
    assert "history added" in older.summary()


def test_dry_run_changes_nothing_but_reports():
    before = (
        Snapshot.objects.count(),
        Agreement.objects.count(),
        Agency.objects.count(),
        SnapshotRow.objects.count(),
    )
    result = run(workbook([tf("Testville Police Department")]), date(2030, 1, 5), dry_run=True)
    assert result.added == 1 and result.dropped >= 1843 and result.snapshot is None
    assert "dry run" in result.summary()
    after = (
        Snapshot.objects.count(),
        Agreement.objects.count(),
        Agency.objects.count(),
        SnapshotRow.objects.count(),
    )
    assert after == before
    assert Agreement.objects.current().count() == 1843


# --- malformed input -----------------------------------------------------------------------------------


def _plain_workbook(*lines, title="Sheet1"):
    book = openpyxl.Workbook()
    book.active.title = title
    for line in lines:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"STATE,LAW ENFORCEMENT AGENCY\nTEXAS,x\n", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "could not be read"),
        (
            _plain_workbook(["Total", "JEM", "TFM"], ["ALABAMA", 3, 4], title="Sheet2"),
            "No sheet has ICE's header row",
        ),
        (_plain_workbook(), "No sheet has ICE's header row"),
        (_plain_workbook(["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE"]), "no agreement rows"),
    ],
    ids=["empty", "csv", "broken-zip", "wrong-sheet", "blank-sheet", "header-only"],
)
def test_malformed_files_raise_a_clear_error_and_change_nothing(data, message):
    before = (Snapshot.objects.count(), Agreement.objects.count(), SnapshotRow.objects.count())
    with pytest.raises(WorkbookError, match=message):
        run(data, date(2030, 1, 5))
    assert (Snapshot.objects.count(), Agreement.objects.count(), SnapshotRow.objects.count()) == before


def test_huge_file_is_refused(monkeypatch):
    monkeypatch.setattr(ice, "MAX_BYTES", 1000)
    with pytest.raises(WorkbookError, match="too large"):
        run(workbook([tf("Testville Police Department")]), date(2030, 1, 5))


def test_a_different_file_for_a_date_already_imported_is_refused():
    with pytest.raises(WorkbookError, match="already imported"):
        run(workbook([tf("Testville Police Department")]), date(2026, 5, 18))


def test_dates_from_file_names_and_unwrapping():
    assert date_from_filename("participating-2026-05-18.xlsx") == date(2026, 5, 18)
    assert date_from_filename("participatingAgencies05182026am.xlsx") == date(2026, 5, 18)
    assert date_from_filename("ParticipatingEntities-20250104041613.xlsx") == date(2025, 1, 4)
    assert date_from_filename("agencies.xlsx") is None
    assert date_from_filename("participating-2026-13-45.xlsx") is None
    assert (
        unwrap_url("chrome-extension://abc/https:/www.ice.gov/doclib/x.pdf")
        == "https://www.ice.gov/doclib/x.pdf"
    )
    assert unwrap_url("javascript:alert(1)") == ""


# --- the command --------------------------------------------------------------------------------------


def test_command_prints_a_summary_and_asks_for_a_date(tmp_path):
    path = tmp_path / "participating-2030-01-05.xlsx"
    path.write_bytes(workbook([tf("Testville Police Department"), tf("Lost PD", "Atlantis County")]))
    out = io.StringIO()
    call_command("import_ice_287g", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "rows read: 2" in text and "agreements added: 2" in text and "unresolved rows: 1" in text
    assert "Lost PD" in text and "dry run" in text
    assert not Snapshot.objects.filter(as_of=date(2030, 1, 5)).exists()

    undated = tmp_path / "agencies.xlsx"
    undated.write_bytes(path.read_bytes())
    with pytest.raises(CommandError, match="--as-of"):
        call_command("import_ice_287g", str(undated))
    call_command("import_ice_287g", str(undated), "--as-of", "2030-01-06", stdout=io.StringIO())
    assert Snapshot.objects.get(as_of=date(2030, 1, 6)).filename == "agencies.xlsx"
    with pytest.raises(CommandError, match="not an Excel workbook"):
        (tmp_path / "participating-2030-02-01.xlsx").write_text("hello")
        call_command("import_ice_287g", str(tmp_path / "participating-2030-02-01.xlsx"))
