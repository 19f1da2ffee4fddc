"""Downloads and feeds over the shipped data: every county, the window of ICE's lists, a known change.

In the window the tests load (tests/conftest.py), Denton County's Task Force agreement first appears on
ICE's list of 2026-01-26 (signed that day; it is also its first list in the whole archive), and its Jail
Enforcement agreement on the list of 2025-08-08 (in the archive: 2025-07-30, a list the window leaves
out). Both are still on the newest list (2026-05-18). Read from fixtures/ice287g/, not from memory.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from counties import pagecache
from counties.changes import Kind, recent_changes
from counties.models import Agreement, County, Snapshot  # noqa: F401
from tests.pages import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]

ATOM = "{http://www.w3.org/2005/Atom}"


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")  # CSV files start with a byte-order mark


def test_counties_csv_has_every_county_once_with_real_statuses(client, shipped):
    # A date on a county outside Texas (an editor's save before its jail status became Texas-only) stays out.
    County.objects.filter(fips="06001").update(jail_status_as_of=date(2026, 12, 1))
    pagecache.data_changed()
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/counties.csv")))))
    assert len(rows) == County.objects.count() >= 3100
    assert len({row["fips"] for row in rows}) == len(rows)
    by_fips = {row["fips"]: row for row in rows}
    denton = by_fips["48121"]
    assert (denton["name"], denton["state"], denton["status"]) == ("Denton County", "TX", "sheriff")
    assert denton["sheriff_models"] == "jail;task-force"
    assert denton["as_of"] == "2026-05-18"
    assert (denton["jail_status"], denton["jail_status_as_of"], denton["jail_status_source"]) == (
        "jail",
        "2026-07-01",
        "tcjs",
    )
    assert by_fips["06001"]["jail_status_source"] == by_fips["06001"]["jail_status_as_of"] == ""  # Texas only
    as_json = {row["fips"]: row for row in json.loads(body(client.get("/data/counties.json")))["rows"]}
    assert as_json["06001"]["jail_status_as_of"] is None  # an empty date is null in JSON, as elsewhere
    assert as_json["48121"]["jail_status_as_of"] == "2026-07-01"
    assert {row["status"] for row in rows} <= {"sheriff", "former", "none"}
    assert {row["sb8_applies"] for row in rows if row["state"] == "TX"} <= {"yes", "no", "unknown"}


def test_agreements_files_list_every_agreement_with_its_listing_dates(client, shipped):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/agreements.csv")))))
    # One row per agreement and county its agency works in (a city in two counties: two rows).
    assert len({row["id"] for row in rows}) == Agreement.objects.count()
    pairs = [(row["id"], row["county_fips"]) for row in rows]
    assert len(set(pairs)) == len(pairs), "an id is unique within each county"
    denton = {
        row["model"]: row for row in rows if row["county_fips"] == "48121" and row["agency_kind"] == "sheriff"
    }
    assert denton["task-force"]["first_listed"] == "2026-01-26"
    assert denton["task-force"]["signed"] == "2026-01-26"
    assert denton["jail"]["first_listed"] == "2025-08-08"
    assert denton["jail"]["first_listed_is_oldest"] == "False"
    tarrant = [row for row in rows if row["county_fips"] == "48439" and row["agency_kind"] == "sheriff"]
    assert [(r["model"], r["first_listed"], r["first_listed_is_oldest"]) for r in tarrant] == [
        ("jail", "2021-01-13", "True")
    ]
    assert denton["task-force"]["is_current"] == "True"
    data = json.loads(body(client.get("/data/agreements.json")))
    assert len(data["rows"]) == len(rows) and data["data_as_of"] == "2026-05-18"


def test_snapshots_file_lists_the_ice_lists_held(client, shipped):
    data = json.loads(body(client.get("/data/snapshots.json")))
    dates = [row["as_of"] for row in data["rows"]]
    assert dates[0] == "2021-01-13" and dates[-1] == "2026-05-18" and len(dates) == Snapshot.objects.count()
    assert {row["kind"] for row in data["rows"]} == {"participating", "pending"}
    # The shipped copies hold no address of their own: cited as ICE's page, as the site is set to read it.
    assert {row["source_url"] for row in data["rows"]} == {"https://www.ice.gov/identify-and-arrest/287g"}


def test_denton_county_feed_lists_its_task_force_agreement(client, shipped):
    response = client.get("/feeds/tx/denton-county.atom")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response, in a test
    assert root.tag == f"{ATOM}feed"
    entries = {entry.find(f"{ATOM}title").text: entry for entry in root.findall(f"{ATOM}entry")}
    title = "Denton County Sheriff's Office: Task Force agreement first listed by ICE on Jan. 26, 2026."
    assert title in entries
    entry = entries[title]
    assert entry.find(f"{ATOM}updated").text.startswith("2026-01-26")
    assert entry.find(f"{ATOM}id").text.startswith("tag:") and "/listed/" in entry.find(f"{ATOM}id").text
    assert (
        "Denton County Sheriff's Office: a Task Force agreement requested (ICE's pending list of Jan. 23, 2026)."
        in entries
    )
    assert (
        "Denton County Sheriff's Office: ICE published the signed Task Force agreement (list of May 1, 2026)."
        in entries
    )


def test_recent_changes_in_fixed_queries_over_all_the_data(shipped, django_assert_num_queries):
    with django_assert_num_queries(2):
        items = recent_changes(limit=200)
    assert len(items) == 200
    assert [item.date for item in items] == sorted((item.date for item in items), reverse=True)
    denton = recent_changes(state="TX", limit=2000)
    assert any(
        item.kind == Kind.LISTED
        and item.model == "task-force"
        and item.county
        and item.county.fips == "48121"
        and item.date.isoformat() == "2026-01-26"
        for item in denton
    )


def test_an_agency_in_two_counties_has_a_row_in_each_with_the_share(client, shipped):
    """Nixon PD (Gonzales and Wilson counties, TX): one row per county, with the share and the evidence;
    the City of Miami's police: one row, placed by its ZIP codes, said in words."""
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/agreements.csv")))))
    nixon = [
        (r["county_fips"], r["county_share"], r["placed_by"])
        for r in rows
        if r["agency"] == "Nixon Police Department" and r["is_current"] == "True"
    ]
    assert sorted(set(nixon)) == [("48177", "0.9177", "place"), ("48493", "0.0823", "place")]
    miami = [r for r in rows if r["agency"] == "City of Miami Police Department"]
    assert [(r["county_fips"], r["placed_by"]) for r in miami] == [("12086", "zip")]
    assert miami[0]["placed_how"] == "the ZIP codes named Miami (HUD), 100% of their addresses in this county"
    assert len({r["id"] for r in rows}) < len(rows)  # an id repeats, once per county
    data = json.loads(body(client.get("/data/agreements.json")))
    assert data["columns"][-2:] == ["county_share", "placed_how"]


@pytest.mark.parametrize(
    ("prefix", "count", "part"),
    [
        (
            "",
            "Other agencies in the county have 3 agreements.",
            "The city of one of these agencies lies partly in another county.",
        ),
        (
            "/es",
            "Otras agencias del condado tienen 3 acuerdos.",
            "La ciudad de una de estas agencias está en parte en otro condado.",
        ),
    ],
)
def test_the_flyer_and_card_say_when_an_agencys_city_lies_partly_in_another_county(
    client, prefix, count, part
):
    """Harris County, May 18, 2026: League City's police (two agreements; its city lies mostly in Galveston
    County) and Southside Place's. The county page says so under League City's name; the flyer and the
    embed card, which only count, say it too. Bexar's five agencies' cities lie in Bexar alone."""
    for path in ("/counties/tx/harris-county/print/", "/embed/counties/tx/harris-county/"):
        text = page_text(client.get(prefix + path))
        assert count in text and part in text, path
    bexar = page_text(client.get(prefix + "/embed/counties/tx/bexar-county/"))
    assert part not in bexar and "partly" not in bexar and "en parte" not in bexar
