"""The in-memory index of every county, place, USPS city and ZIP code, by compact folded name."""

from __future__ import annotations

import bisect
from collections import defaultdict

from django.db import connection

from ..models import (
    STATE_NAMES_ES,
    County,
    Place,
    PlaceCounty,
    State,
    ZipCode,
    ZipCounty,
)
from ..text import edit_distance, fold
from .agencies import AgencyIndex
from .entries import CountyRef, Entry
from .parse import (
    CITY_WEIGHT,
    HOME_STATE,
    NO_ZIP_SHARE,
    TEXAS_WEIGHT,
    _title,
    _typo_limit,
    _words,
    char_mask,
    compact_key,
    normalize,
)

ZIP_ROWS_SQL = (
    f"SELECT z.code, z.city, z.state_id, l.county_id, l.res_ratio::float8, l.tot_ratio::float8 "  # noqa: S608
    f"FROM {ZipCounty._meta.db_table} l JOIN {ZipCode._meta.db_table} z ON z.id = l.zip_code_id "
    f"ORDER BY z.code, l.id"
)


def _zip_rows():
    """Every ZIP code's counties with their residential and total shares, as floats, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(ZIP_ROWS_SQL)
        return cursor.fetchall()


class Index:
    """Every county, place, USPS city, ZIP code and agency, grouped by compact folded name."""

    def __init__(self, agencies: bool = True):
        states = {s.pk: s for s in State.objects.all()}
        self.state_words: dict[str, str] = {}
        self.states_by_key = {}
        for state in states.values():
            self.state_words[fold(state.code)] = state.code
            # the Census name and, where Spanish has its own, that too ("Carolina del Norte", "Nueva York")
            for name in {state.name, STATE_NAMES_ES.get(state.name, state.name)}:
                self.state_words[" ".join(_words(name))] = state.code
                self.states_by_key[compact_key(" ".join(_words(name)))] = state
        self.states_by_code = {s.code.lower(): s for s in states.values()}  # "TX" alone: the state's page
        self.by_key: dict[str, list[Entry]] = defaultdict(list)
        counties: dict[int, CountyRef] = {}
        for row in County.objects.values("id", "name", "short_name", "slug", "state_id", "population"):
            state = states[row["state_id"]]
            ref = CountyRef(
                row["id"], row["name"], state.code, state.name, row["slug"], row["population"] or 0
            )
            counties[ref.id] = ref
            weight = ref.population * (TEXAS_WEIGHT if state.code == HOME_STATE else 1)
            entry = Entry("county", ref.name, "", state.code, state.name, (ref,), weight=weight)
            keys = {normalize(row["short_name"] or row["name"]), normalize(row["name"])}
            if row["name"].endswith(" city"):  # Virginia's independent cities, Baltimore, St. Louis
                keys.add(normalize(row["name"][: -len(" city")]))
            for words in keys:
                self._add(compact_key(words), entry)
        self.counties = counties

        # ZIP codes: every county of each, and the USPS city names with the counties of their ZIP codes.
        self.zips: dict[str, tuple[str, list[tuple[int, float, float]]]] = {}
        mass: dict[int, float] = defaultdict(float)  # a county's ZIP codes, counted by residential share
        cities: dict[tuple[int, str], tuple[str, dict[int, float], dict[int, float]]] = {}
        keys: dict[str, str] = {}
        zip_cities: dict[str, tuple[int, str]] = {}  # each ZIP code's (state, USPS city key): spelled below
        for code, city, state_id, county_id, res, tot in _zip_rows():
            if code not in self.zips:
                self.zips[code] = (city, [])
                if city not in keys:
                    keys[city] = compact_key(" ".join(_words(city)))
                zip_cities[code] = (state_id, keys[city])
                found = cities.get((state_id, keys[city]))
                if found is None:
                    found = cities[(state_id, keys[city])] = (city, defaultdict(float), defaultdict(float))
            self.zips[code][1].append((county_id, res, tot))
            mass[county_id] += res
            found[1][county_id] += res
            found[2][county_id] += tot
        # People in one average ZIP code of each county (its whole population when it has no residential one).
        self.per_zip = {
            cid: ref.population / mass[cid] if mass[cid] else ref.population for cid, ref in counties.items()
        }

        # Texas: the Census place file says which counties a city lies in; its ZIP codes order them.
        # Elsewhere a GeoNames place (its county: the one its point lies in) adds what USPS names leave
        # out (Davie, Sunny Isles Beach); a USPS city of the same name around its county stands as it is,
        # with every county of its ZIP codes.
        in_place: dict[int, list[int]] = defaultdict(list)
        for place_id, county_id in PlaceCounty.objects.values_list("place_id", "county_id"):
            in_place[place_id].append(county_id)
        merged = set()
        counted: dict[tuple[int, str], int] = {}  # a USPS city's people, from the GeoNames place it is
        spelled: dict[
            tuple[int, str], str
        ] = {}  # a USPS city as the Census (else GeoNames) writes it: DeSoto
        for row in Place.objects.values("id", "name", "kind", "state_id", "source", "population"):
            place_counties = in_place.get(row["id"])
            if not place_counties:
                continue
            state = states[row["state_id"]]
            key = compact_key(normalize(row["name"]))
            postal = cities.get((row["state_id"], key))
            if (
                postal
                and (row["source"] != Place.Source.GEONAMES or (row["state_id"], key) not in spelled)
                and compact_key(" ".join(_words(row["name"]))) == key  # not "City of Sammamish"
                and any(postal[2].get(c, 0) > 0 for c in place_counties)  # where the USPS city is
            ):
                spelled[(row["state_id"], key)] = row["name"]
            if row["source"] == Place.Source.GEONAMES:
                if postal:
                    # The USPS city of that name stands, with all its counties; it takes GeoNames' count of
                    # its people when the place lies in one of them (the largest, when several do).
                    if any(postal[2].get(c, 0) > 0 for c in place_counties):
                        counted[(row["state_id"], key)] = max(
                            counted.get((row["state_id"], key), 0), row["population"] or 0
                        )
                    continue
                self._add(key, self._place(row["name"], "", state, place_counties, {}, row["population"]))
                continue
            weights = {
                c: w for c, w in (postal[1] if postal else {}).items() if c in place_counties and w > 0
            }
            if weights:
                merged.add((row["state_id"], key))
            # Without ZIP codes of its own, a Census place is as large as GeoNames says, where it says.
            people = None if weights else row["population"]
            entry = self._place(row["name"], row["kind"], state, place_counties, weights, people)
            self._add(key, entry)
        for (state_id, key), (city, res, tot) in cities.items():
            if (state_id, key) in merged:
                continue
            weights = {c: w for c, w in res.items() if w > 0} or {c: w for c, w in tot.items() if w > 0}
            if weights:
                people = counted.get((state_id, key))
                self._add(
                    key,
                    self._place(
                        spelled.get((state_id, key)) or _title(city),
                        "city",
                        states[state_id],
                        list(weights),
                        weights,
                        people,
                    ),
                )

        for code, (city, links) in self.zips.items():
            self.zips[code] = (spelled.get(zip_cities[code]) or _title(city), links)

        self.keys = sorted(self.by_key)
        self.keys_by_length: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for key in self.keys:
            self.keys_by_length[len(key)].append((key, char_mask(key)))
        self.agencies = AgencyIndex(counties, states) if agencies else None

    def _place(self, name, kind, state, county_ids, weights, population=None) -> Entry:
        if len(county_ids) == 1:
            ordered = county_ids
        else:
            ordered = sorted(county_ids, key=lambda c: (-weights.get(c, 0), -self.counties[c].population))
        total = sum(weights.values())
        people = (
            population  # GeoNames' count of the place's people, where it has one
            or sum(w * self.per_zip[c] for c, w in weights.items())
            or NO_ZIP_SHARE.get(kind, 1) * self.per_zip[ordered[0]]
        )
        weight = people * CITY_WEIGHT * (TEXAS_WEIGHT if state.code == HOME_STATE else 1)
        shares = tuple(weights[c] / total if c in weights else None for c in ordered)
        refs = tuple(self.counties[c] for c in ordered)
        return Entry("place", name, kind, state.code, state.name, refs, shares, weight)

    def _add(self, key: str, entry: Entry) -> None:
        if key:
            self.by_key[key].append(entry)

    @staticmethod
    def _keep(entry: Entry, state: str, want: str) -> bool:
        return (not state or entry.state_code == state) and (not want or entry.kind == want)

    def exact(self, key: str, state: str = "", want: str = "") -> list[Entry]:
        found = [e for e in self.by_key.get(key, ()) if self._keep(e, state, want)]
        named_state = self.states_by_key.get(key) or self.states_by_code.get(key)
        if named_state and not want and (not state or state == named_state.code):
            found.append(Entry("state", named_state.name, "", named_state.code, named_state.name, ()))
        return found

    def prefixed(self, key: str, state: str = "", want: str = "") -> list[Entry]:
        if len(key) < 2:
            return []
        found = []
        start = bisect.bisect_right(self.keys, key)
        for name in self.keys[start:]:
            if not name.startswith(key):
                break
            found.extend(e for e in self.by_key[name] if self._keep(e, state, want))
        return found

    def fuzzy(self, key: str, state: str = "", want: str = "") -> list[Entry]:
        limit = _typo_limit(key)
        if not limit or key in self.states_by_key:
            return []
        found = []
        mask = char_mask(key)
        for length in range(len(key) - limit, len(key) + limit + 1):
            for name, name_mask in self.keys_by_length.get(length, ()):
                if (mask & ~name_mask).bit_count() > limit or (name_mask & ~mask).bit_count() > limit:
                    continue
                if edit_distance(key, name, limit) <= limit:
                    found.extend(e for e in self.by_key[name] if self._keep(e, state, want))
        return found
