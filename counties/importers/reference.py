"""Reference data: states, every U.S. county, Texas seats and jail status, ZIP and place crosswalks.

Everything is read from the files in `fixtures/` (see fixtures/SOURCES.md) and written with bulk upserts
keyed on stable codes (FIPS, ZIP, Census place GEOID), so running it again changes nothing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from .. import pagecache
from ..models import County, Place, PlaceCounty, ReferenceLoad, State, ZipCode, ZipCounty
from ..text import fold
from .placing import city_key

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
COUNTIES_CSV = FIXTURES / "census" / "co-est2023-counties.csv"
SEATS_JSON = FIXTURES / "texas" / "county-seats.json"
JAILS_JSON = FIXTURES / "texas" / "tcjs-jail-status-2026-07-01.json"
ZIPS_CSV = FIXTURES / "zip" / "hud-zip-county-2026Q1.csv"
PLACES_TXT = FIXTURES / "places" / "st48_tx_place2020.txt"
# Every other state: GeoNames places placed by point in the Census county shapes (fixtures/places/
# build_us_places.py; checked against the Texas Census place file: 1,167 of 1,167 agree).
GEONAMES_CSV = FIXTURES / "places" / "us-places-geonames.csv"
CENSUS_PLACE_STATES = {"TX"}  # states whose places come from the Census place file
NEAR_LINE_KM = 1.0  # a GeoNames point this near another county's line (simplified shapes) is not used

POPULATION_YEAR = 2023
# Texts stored in the database in English, marked so that pages show them in the reader's language
# (the `stored_text` template filter looks each one up in the catalogue as a whole).
POPULATION_SOURCE = gettext_noop(
    "U.S. Census Bureau, Vintage 2023 county population estimates (July 1, 2023)"
)

# USPS codes of the 50 states and DC by Census state FIPS code (the Census county file names states only).
STATE_CODES = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY",
}  # fmt: skip
# Territories: ICE lists agencies in Guam and the Northern Mariana Islands. The county file has none of
# their county equivalents, so these states have no counties here.
TERRITORIES = {
    "60": ("AS", "American Samoa"), "66": ("GU", "Guam"), "69": ("MP", "Northern Mariana Islands"),
    "72": ("PR", "Puerto Rico"), "78": ("VI", "U.S. Virgin Islands"),
}  # fmt: skip

# Longest first, so "City and Borough" wins over "Borough".
COUNTY_SUFFIXES = (" City and Borough", " Census Area", " Municipality", " Borough", " County", " Parish")
PLACE_SUFFIXES = {"city", "town", "village", "CDP"}

# Caveats carried from fixtures/SOURCES.md (TCJS, July 2026) into County.jail_status_note.
NOTE_NO_JAIL = gettext_noop(
    "TCJS lists this county as having no jail: it houses its inmates in another county. Texas SB 8 "
    "binds only sheriffs who run a jail or whose county contracts with a private vendor to run one."
)
NOTE_ALSO_PRIVATE = gettext_noop(
    "TCJS also lists a privately operated facility (P) in this county. Such a facility may hold contract or "
    "federal detainees; it does not change that the county runs its own jail."
)
NOTE_ONLY_PRIVATE = gettext_noop(
    "TCJS lists only a privately operated facility (P) for this county. That alone does not prove that "
    "the county contracts out its own jail, but Texas SB 8 covers a sheriff whose county contracts with a "
    "private vendor to operate a jail, so it is counted as bound."
)
NOTE_ONLY_PRIVATE_PARKER = gettext_noop(
    "TCJS lists only a privately operated facility (P) for this county. That alone does not prove that "
    "the county contracts out its own jail, but Texas SB 8 covers a sheriff whose county contracts with a "
    "private vendor to operate a jail, so it is counted as bound. In September 2021 TCJS still listed "
    "Parker's jail as an ordinary county-run jail."
)
NOTE_YOAKUM = gettext_noop(
    "TCJS's July 2026 report has no Yoakum row (it lists Young twice, almost certainly a label typo where "
    "Yoakum belongs). In September 2021 Yoakum ran its own 48-bed jail. Not confirmed for 2026."
)


@dataclass
class ReferenceResult:
    states: int = 0
    counties: int = 0
    seats: int = 0
    jails: int = 0
    jails_kept: int = 0  # editors' statuses the report is not newer than (kept, not counted in jails)
    jails_replaced: int = 0  # editors' statuses a newer report replaced (counted in jails)
    zip_codes: int = 0
    zip_links: int = 0
    places: int = 0
    place_links: int = 0

    def __str__(self):
        return (
            f"{self.states} states, {self.counties} counties ({self.seats} Texas seats, "
            f"{self.jails} Texas jail statuses{self._kept()}), {self.zip_codes} ZIP codes ({self.zip_links} ZIP-county "
            f"links), {self.places} places ({self.place_links} place-county links)"
        )

    def _kept(self) -> str:
        kept = f", {self.jails_kept} kept as editors set them" if self.jails_kept else ""
        replaced = (
            f", {self.jails_replaced} set by editors replaced by this newer report"
            if self.jails_replaced
            else ""
        )
        return kept + replaced


def short_county_name(name: str) -> str:
    """'Dallas County' -> 'Dallas'; 'Juneau City and Borough' -> 'Juneau'; 'Baltimore city' unchanged."""
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def county_slug(name: str) -> str:
    return slugify(name)


@transaction.atomic
def load_reference_data() -> ReferenceResult:
    result = ReferenceResult()
    states, counties = _load_states_and_counties(result)
    stored = {fips: [getattr(c, name) for name in TEXAS_FIELDS] for fips, c in counties.items()}
    _load_texas_seats(counties, result)
    _load_texas_jails(counties, result)
    changed = [c for fips, c in counties.items() if [getattr(c, n) for n in TEXAS_FIELDS] != stored[fips]]
    County.objects.bulk_update(changed, TEXAS_FIELDS, batch_size=1000)  # Texas' 254 at most
    _load_zip_codes(states, counties, result)
    _load_places(states, counties, result)
    # Statistics now, inside the load's transaction (ANALYZE samples its own uncommitted rows), for what
    # reads these tables before it commits: a first load's rebuild (load_shipped_data). Without them its
    # reads of the ZIP code tables were planned on guesses and ran from seconds to minutes (measured: one
    # query over 170 s in a test's first load, the whole load 276 s instead of 10-17 s).
    analyze(REFERENCE_MODELS)
    ReferenceLoad.objects.create(summary=str(result))
    pagecache.data_changed()  # bulk writes send no signals: a new data version for kept pages
    return result


REFERENCE_MODELS = (State, County, ZipCode, ZipCounty, Place, PlaceCounty)
TEXAS_FIELDS = ["seat", "jail_status", "jail_status_as_of", "jail_status_note", "jail_status_source"]


def _copy(model, fields: list[str], rows) -> None:
    """New rows written with PostgreSQL's COPY (psycopg's `Cursor.copy`): the crosswalks' link tables,
    over 100,000 rows, which bulk_create would first make into model instances and long INSERTs."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def analyze(models=None) -> None:
    """Give PostgreSQL's planner the tables' statistics now, after a bulk load (default: every table of the
    app; a quarter of a second for all of them). load_reference_data calls it for the reference tables
    inside its transaction; load_shipped_data and the load_reference_data command again after committing.

    Until autovacuum gets to a table it has filled, the planner takes a freshly loaded table for an empty
    one: the search index's join of 54,000 ZIP-county rows was then planned as a nested loop and ran for
    minutes (seen on a new database: the first search of a new server never answered).
    """
    models = models if models is not None else apps.get_app_config("counties").get_models()
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")  # noqa: S608 - the app's own table names


def _load_states_and_counties(result):
    with COUNTIES_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    state_rows = {}
    for row in rows:
        state_rows.setdefault(row["STATE"].zfill(2), row["STNAME"])
    state_rows.update({fips: name for fips, (_, name) in TERRITORIES.items()})
    codes = STATE_CODES | {fips: code for fips, (code, _) in TERRITORIES.items()}
    State.objects.bulk_create(
        [State(fips=fips, code=codes[fips], name=name) for fips, name in state_rows.items()],
        update_conflicts=True,
        unique_fields=["fips"],
        update_fields=["code", "name"],
    )
    states = {s.fips: s for s in State.objects.filter(fips__in=state_rows)}
    result.states = len(states)

    objs = []
    for row in rows:
        state = states[row["STATE"].zfill(2)]
        name = row["CTYNAME"]
        objs.append(
            County(
                fips=row["STATE"].zfill(2) + row["COUNTY"].zfill(3),
                state=state,
                name=name,
                short_name=short_county_name(name),
                slug=county_slug(name),
                search_key=fold(name),
                population=int(row["POPESTIMATE2023"]),
                population_year=POPULATION_YEAR,
                population_source=POPULATION_SOURCE,
            )
        )
    slugs = [(c.state.fips, c.slug) for c in objs]
    if len(set(slugs)) != len(slugs):  # pragma: no cover - a guard on the shipped file
        raise ValueError("Two counties in one state would share a slug")
    County.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["fips"],
        update_fields=["state", "name", "short_name", "slug", "search_key", "population", "population_year",
                       "population_source"],
        batch_size=1000,
    )  # fmt: skip
    counties = {c.fips: c for c in County.objects.select_related("state")}
    result.counties = len(objs)
    return states, counties


def _texas_by_short_name(counties):
    return {c.short_name: c for c in counties.values() if c.state.code == "TX"}


def _load_texas_seats(counties, result):
    by_name = _texas_by_short_name(counties)
    seats = json.loads(SEATS_JSON.read_text(encoding="utf-8"))
    for name, seat in seats.items():
        by_name[name].seat = seat
        result.seats += 1


def _load_texas_jails(counties, result):
    data = json.loads(JAILS_JSON.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(data["reportingDate"])
    for record in data["records"]:
        county = counties[record["countyFips"]]
        if _editors_status_stands(county, as_of):
            result.jails_kept += 1
            continue
        if county.jail_status_source == County.JailSource.EDITOR:
            result.jails_replaced += 1
        kinds = set(record["tcjsClassifications"])
        county.jail_status_source = County.JailSource.TCJS
        county.jail_status_as_of = as_of
        if "COUNTY_JAIL" in kinds:
            county.jail_status = County.JailStatus.JAIL
            county.jail_status_note = NOTE_ALSO_PRIVATE if "PRIVATE_FACILITY" in kinds else ""
        elif "PRIVATE_FACILITY" in kinds:
            county.jail_status = County.JailStatus.PRIVATE
            county.jail_status_note = (
                NOTE_ONLY_PRIVATE_PARKER if county.short_name == "Parker" else NOTE_ONLY_PRIVATE
            )
        elif "NO_JAIL" in kinds:
            county.jail_status = County.JailStatus.NO_JAIL
            county.jail_status_note = NOTE_NO_JAIL
        else:  # Yoakum: no row of its own in the July 2026 report
            county.jail_status = County.JailStatus.UNKNOWN
            county.jail_status_note = NOTE_YOAKUM if county.short_name == "Yoakum" else ""
        result.jails += 1


def _editors_status_stands(county: County, report_date: date) -> bool:
    """An editor's jail status is kept over a report of the day they changed it or before (the report they
    corrected, loaded again); a later report is newer evidence and replaces it, as it does a change whose
    day is not known."""
    return county.jail_status_source == County.JailSource.EDITOR and (
        county.jail_status_as_of is not None and county.jail_status_as_of >= report_date
    )


def _ratio(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.000001"))


def _load_zip_codes(states, counties, result):
    by_code = {s.code: s for s in states.values()}
    zips = {}
    links = []
    with ZIPS_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            county = counties.get(row["geoid"])
            state = by_code.get(row["state"])
            if county is None or state is None:
                continue
            zips.setdefault(row["zip"], (row["city"], state))
            links.append((row["zip"], county, _ratio(row["res_ratio"]), _ratio(row["tot_ratio"])))
    ZipCode.objects.bulk_create(
        [
            ZipCode(code=code, city=city.title(), city_key=fold(city), state=state)
            for code, (city, state) in zips.items()
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["city", "city_key", "state"],
        batch_size=2000,
    )
    zip_ids = dict(ZipCode.objects.values_list("code", "id"))
    # A ZIP with no residential address anywhere (PO boxes, businesses) is shared by all its addresses.
    residential = {z for z, _, res, _ in links if res > 0}
    ZipCounty.objects.all().delete()
    _copy(
        ZipCounty,
        ["zip_code", "county", "res_ratio", "tot_ratio", "share"],
        (
            (zip_ids[z], county.pk, res, tot, res if z in residential else tot)
            for z, county, res, tot in links
        ),
    )
    result.zip_codes = len(zips)
    result.zip_links = len(links)


def _load_places(states, counties, result):
    by_state_name = {(c.state.fips, c.name): c for c in counties.values()}
    places = []
    links = []
    with PLACES_TXT.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="|"):
            full_name = row["PLACENAME"]
            name, _, suffix = full_name.rpartition(" ")
            if suffix not in PLACE_SUFFIXES:
                name, suffix = full_name, ""
            geoid = row["STATEFP"] + row["PLACEFP"]
            places.append(
                Place(
                    geoid=geoid,
                    state=states[row["STATEFP"]],
                    name=name,
                    full_name=full_name,
                    kind=suffix,
                    incorporated=row["TYPE"] == "INCORPORATED PLACE",
                    search_key=fold(name),
                )
            )
            for county_name in row["COUNTIES"].split("~~~"):
                links.append((geoid, by_state_name[(row["STATEFP"], county_name)]))
    _census_populations(places, links)
    Place.objects.bulk_create(
        places,
        update_conflicts=True,
        unique_fields=["geoid"],
        update_fields=["state", "name", "full_name", "kind", "incorporated", "search_key", "population"],
        batch_size=2000,
    )
    geonames, geonames_links = geonames_places(Place, states, counties)
    Place.objects.bulk_create(
        geonames,
        update_conflicts=True,
        unique_fields=["geoid"],
        update_fields=[
            "state",
            "name",
            "full_name",
            "kind",
            "incorporated",
            "search_key",
            "source",
            "population",
        ],
        batch_size=2000,
    )
    place_ids = dict(Place.objects.values_list("geoid", "id"))
    PlaceCounty.objects.all().delete()
    _copy(PlaceCounty, ["place", "county"], ((place_ids[geoid], c.pk) for geoid, c in links + geonames_links))
    result.places = len(places) + len(geonames)
    result.place_links = len(links) + len(geonames_links)


def _census_populations(places, links) -> None:
    """The Census place file has no populations: a Texas place takes GeoNames' count when exactly one
    GeoNames place of its name lies in one of its counties (search orders places without ZIP codes of
    their own by it: St. Paul, Texas, in Collin County, is a town of about a thousand, not a city)."""
    counties_of: dict[str, set[str]] = {}
    for geoid, county in links:
        counties_of.setdefault(geoid, set()).add(county.fips)
    rows: dict[tuple[str, str], list[dict]] = {}
    with GEONAMES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["state"] in CENSUS_PLACE_STATES:
                rows.setdefault((row["state"], city_key(row["name"])), []).append(row)
    for place in places:
        found = [
            row
            for row in rows.get((place.state.code, city_key(place.name)), ())
            if row["county_fips"] in counties_of[place.geoid]
        ]
        if len(found) == 1:
            place.population = int(found[0]["population"]) or None


def geonames_places(place_model, states, counties) -> tuple[list, list]:
    """The GeoNames places of every state whose places do not come from the Census place file, each with
    the county its point lies in: (places, [(geoid, county)]). Rows whose county the Census estimates no
    longer have (Connecticut's old counties, Alaska's Valdez-Cordova) are left out, and so are points
    within NEAR_LINE_KM of another county's line (the shapes are simplified: Bossier City's point falls in
    Caddo Parish). Also used by the migration that brought them (0023), with its historical models."""
    by_code = {s.code: s for s in states.values()}
    places, links = [], []
    with GEONAMES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            state = by_code.get(row["state"])
            county = counties.get(row["county_fips"])
            if state is None or county is None or row["state"] in CENSUS_PLACE_STATES:
                continue
            if county.state.code != row["state"] or float(row["line_km"]) < NEAR_LINE_KM:
                continue  # another state's county, or too near a county line to be sure of the side
            geoid = "gn" + row["geonameid"]
            places.append(
                place_model(
                    geoid=geoid,
                    state=state,
                    name=row["name"],
                    full_name=row["name"],
                    kind="",
                    incorporated=True,  # GeoNames does not say; several of one name are "ambiguous"
                    search_key=fold(row["name"]),
                    source="geonames",
                    population=int(row["population"]) or None,
                )
            )
            links.append((geoid, county))
    return places, links
