"""Small workbooks built like ICE's (openpyxl writes them; the site reads them with its own reader), and a
few real counties for the importer to resolve to, so that importer tests run on an otherwise empty
database."""

import csv
import functools
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from counties import pagecache
from counties.importers.reference import ZIPS_CSV
from counties.models import County, Place, PlaceCounty, State, ZipCode, ZipCounty

PARTICIPATING = [
    "STATE",
    "LAW ENFORCEMENT AGENCY",
    "TYPE",
    "COUNTY",
    "SUPPORT TYPE",
    "SIGNED",
    "MOA",
    "ADDENDUM",
]
PENDING = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "MOA"]
MOA = "https://www.ice.gov/doclib/287gMOA/TestvillePDTX_TFM_MOA_01012026.pdf"

# Real Texas counties (Census names and FIPS codes) the tests resolve ICE's county texts to.
TEXAS_COUNTIES = {
    "48113": "Dallas County", "48439": "Tarrant County", "48121": "Denton County", "48145": "Falls County",
    "48187": "Guadalupe County", "48401": "Rusk County", "48123": "DeWitt County", "48283": "La Salle County",
    "48281": "Lampasas County", "48339": "Montgomery County", "48397": "Rockwall County",
    "48085": "Collin County", "48177": "Gonzales County", "48493": "Wilson County", "48139": "Ellis County",
    "48257": "Kaufman County", "48251": "Johnson County", "48367": "Parker County", "48423": "Smith County",
}  # fmt: skip
# Their ZIP codes, as the shipped HUD file has them (fixtures/zip/): Nixon's and Overton's.
TEXAS_ZIPS = ("78140", "75684")


def texas_counties() -> dict[str, County]:
    """Texas, its counties above, the Census places the tests use (Splendora, Nixon, Overton) and the
    rows of the shipped HUD ZIP file for TEXAS_ZIPS within those counties. Written in bulk (a handful of
    queries; 139 tests ask for it), each row only if it is not there yet (the unique fields)."""
    texas, _ = State.objects.get_or_create(code="TX", defaults={"fips": "48", "name": "Texas"})
    State.objects.get_or_create(code="OK", defaults={"fips": "40", "name": "Oklahoma"})
    County.objects.bulk_create(
        [
            County(
                fips=fips,
                state=texas,
                name=name,
                short_name=name.removesuffix(" County"),
                slug=name.lower().replace(" ", "-"),
            )
            for fips, name in TEXAS_COUNTIES.items()
        ],
        ignore_conflicts=True,
    )
    by_fips = County.objects.in_bulk(list(TEXAS_COUNTIES), field_name="fips")
    counties = {TEXAS_COUNTIES[fips]: county for fips, county in by_fips.items()}
    places = (
        ("4869620", "Splendora", ["Montgomery County"]),
        ("4851588", "Nixon", ["Gonzales County", "Wilson County"]),
        ("4854432", "Overton", ["Rusk County", "Smith County"]),
    )
    Place.objects.bulk_create(
        [
            Place(geoid=geoid, state=texas, name=name, full_name=f"{name} city", kind="city")
            for geoid, name, _in in places
        ],
        ignore_conflicts=True,
    )
    by_geoid = Place.objects.in_bulk([geoid for geoid, _name, _in in places], field_name="geoid")
    PlaceCounty.objects.bulk_create(
        [
            PlaceCounty(place=by_geoid[geoid], county=counties[county])
            for geoid, _name, in_counties in places
            for county in in_counties
        ],
        ignore_conflicts=True,
    )
    rows = [row for row in _texas_zip_rows() if row["geoid"] in by_fips]
    ZipCode.objects.bulk_create(
        [ZipCode(code=row["zip"], city=row["city"].title(), state=texas) for row in rows],
        ignore_conflicts=True,
    )
    codes = ZipCode.objects.in_bulk({row["zip"] for row in rows}, field_name="code")
    ZipCounty.objects.bulk_create(
        [
            ZipCounty(
                zip_code=codes[row["zip"]],
                county=by_fips[row["geoid"]],
                share=Decimal(row["res_ratio"]),
                res_ratio=Decimal(row["res_ratio"]),
                tot_ratio=Decimal(row["tot_ratio"]),
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    pagecache.data_changed()  # bulk writes send no signals (as the reference loader does)
    return counties


@functools.cache
def _texas_zip_rows() -> tuple[dict, ...]:
    """The HUD file's rows of TEXAS_ZIPS, read once per process (the file has 54,000 rows: 0.3 s a read)."""
    with ZIPS_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(row for row in csv.DictReader(f) if row["zip"] in TEXAS_ZIPS)


def workbook(rows, headers=PARTICIPATING, *, title="Sheet1", links=None, before=(), extra_sheets=()):
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


def plain_workbook(*lines, title="Sheet1"):
    book = openpyxl.Workbook()
    book.active.title = title
    for line in lines:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tf(
    agency,
    county="Dallas County",
    signed=datetime(2026, 1, 1),
    kind="Municipality",
    model="Task Force Model",
    moa="link",
):
    """A participating row (Texas)."""
    return ["TEXAS", agency, kind, county, model, signed, moa, None]


def police(*names) -> list[list]:
    """A Task Force row for the police department of each name ("Alpha": "Alpha Police Department")."""
    return [tf(f"{name} Police Department") for name in names]


def pending_row(agency, county="Dallas County", kind="County", model="Jail Enforcement Model", state="TEXAS"):
    return [state, agency, kind, county, model, "link pending"]


def name(kind: str, day: date) -> str:
    """ICE's own file name for a list of that day."""
    prefix = "participatingAgencies" if kind == "participating" else "pendingAgencies"
    return f"{prefix}{day:%m%d%Y}am.xlsx"
