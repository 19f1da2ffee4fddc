"""Which counties an agency works in (`CountyResolver`, a `Resolution`): from ICE's COUNTY text, from the
county in the agency's name, from the city in its name (in Texas the Census place, with every county the
city lies in; elsewhere the county holding most of the addresses of the city's ZIP codes), or from the
table of regional agencies and colleges. Never a guess: a near spelling is only a hint in the unresolved
reason, and evidence that disagrees leaves the agency unplaced, with the reason. Which agency a row is
about (its key, its kind) is in identity.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..models import Agency, County, Place, PlaceCounty, ZipCounty
from ..text import PLACE_ABBREVIATIONS, compact, edit_distance, fold
from .corrections import (
    CITY,
    COUNTY_CORRECTIONS,
    ICE_COUNTY,
    REGIONAL,
    SOURCED,
    UNKNOWN,
)
from .identity import COUNTY_PROBLEM, MISSING_VALUES, CountyName, StateRef

_REGIONAL = {(code, fold(name)): entry for (code, name), entry in REGIONAL.items()}


def public_page(state_code: str, agency_name: str) -> str:
    """The public page that says where the agency works (a SOURCED row of the table), or ''."""
    entry = _REGIONAL.get((state_code, fold(agency_name)))
    return entry[2] if entry is not None and entry[0] == SOURCED else ""


_CITY_PREFIX = re.compile(r"^(city|town|village) of\s+", re.I)
_CITY_SUFFIX = re.compile(
    r"\s+(police department|police dept|police services department|police|pd|department of public safety|"
    r"public safety department|public safety|marshal s office|marshals office|marshal office|city marshal|"
    r"marshal)$"
)
_BOROUGH = re.compile(r"\s+borough$")  # 'Manheim Borough Police Department': the borough of Manheim
_CITY_WORDS = PLACE_ABBREVIATIONS  # as USPS writes them
# The county holding at least this share of the addresses of a city's ZIP codes is where the city's
# agency works (outside Texas, where no place file is shipped). The ZIP codes that carry a city's postal
# name reach past the city's limits, into neighbours that have no post office of their own, so a smaller
# share elsewhere is no evidence that the city lies there: the agency is placed in the one county only,
# and a city whose ZIP codes no county holds three quarters of stays unplaced (fixtures/SOURCES.md).
ZIP_SHARE = 0.75
_COUNTY_IN_NAME = re.compile(r"^(.+?)\s+(county|parish|borough)\b")


@lru_cache(maxsize=20_000)
def _key(text: str) -> str:
    return compact(text)


@lru_cache(maxsize=50_000)
def city_key(text: str) -> str:
    """A city's name as USPS, the Census and ICE all write it: 'St. Petersburg' = 'SAINT PETERSBURG'."""
    return "".join(_CITY_WORDS.get(word, word) for word in fold(text).split())


def city_in_name(agency: str) -> str:
    """The city a city's agency names ('City of Miami Police Department' -> 'miami'), or ''."""
    name = fold(agency)
    city = _CITY_SUFFIX.sub("", _CITY_PREFIX.sub("", name))
    return _BOROUGH.sub("", city) if city != name else ""


class PlaceRef(NamedTuple):
    name: str  # as the Census writes it, e.g. 'Overton city'
    incorporated: bool
    counties: tuple[CountyName, ...]


class Placed(NamedTuple):
    """One county an agency works in: how the site knows, the share of its city there, the evidence."""

    county: CountyName
    how: str  # an Agency.Placement value
    share: float | None = None
    via: str = ""


class Resolution(NamedTuple):
    placed: tuple[Placed, ...] = ()  # the main county first
    problem: str = ""  # why it is unplaced, with the evidence (for editors and import reports)
    why: str = ""  # the same in a few words (an Agency.Unplaced value)
    statewide: bool = False

    @property
    def county(self) -> CountyName | None:
        return self.placed[0].county if self.placed else None

    @property
    def how(self) -> str:
        return self.placed[0].how if self.placed else Agency.Placement.NONE


def _repeats_city(text: str, city: str) -> bool:
    """ICE's county text is only the city's own name ('Yoakum County' for the Yoakum Police Department)."""
    return bool(city) and _key(text) in (_key(city), _key(city) + "county")


def _names(counties) -> str:
    return " and ".join(c.name for c in counties)


def _percent(share: float) -> str:
    return f"{share:.0%}"


class CountyResolver:
    """Finds where an agency works from ICE's COUNTY text, its name, the Census places, the ZIP codes and
    the table of regional agencies (see `resolve`)."""

    def __init__(self):
        self.by_state: dict[int, dict[str, CountyName]] = {}
        self.short: dict[int, dict[str, list[CountyName]]] = {}
        counties = self.counties = {}
        for pk, state_id, name, short_name in County.objects.values_list(
            "id", "state_id", "name", "short_name"
        ):
            ref = counties[pk] = CountyName(pk, name)
            self.by_state.setdefault(state_id, {})[_key(name)] = ref
            short = re.sub(r"city$", "", _key(short_name))  # 'Hopewell city' is found as 'Hopewell'
            self.short.setdefault(state_id, {}).setdefault(short, []).append(ref)
        links: dict[int, list[CountyName]] = {}
        for place_id, county_id in PlaceCounty.objects.values_list("place_id", "county_id"):
            links.setdefault(place_id, []).append(counties[county_id])
        self.places: dict[int, dict[str, list[PlaceRef]]] = {}  # Census places (Texas)
        self.geonames: dict[int, dict[str, list[PlaceRef]]] = {}  # GeoNames places (every other state)
        for pk, state_id, name, full_name, incorporated, source in Place.objects.values_list(
            "id", "state_id", "name", "full_name", "incorporated", "source"
        ):
            ref = PlaceRef(full_name, incorporated, tuple(links.get(pk, ())))
            found = self.places if source == Place.Source.CENSUS else self.geonames
            found.setdefault(state_id, {}).setdefault(city_key(name), []).append(ref)
        self.zip_cities = self._zip_cities()

    @staticmethod
    def _zip_cities() -> dict[int, dict[str, dict[int, float]]]:
        """Per state, each USPS city name: the share of the addresses of its ZIP codes in each county.

        HUD gives each ZIP code's shares, not its number of addresses, so each ZIP code counts once: the
        share of the residential addresses (of all addresses when it has none), averaged over the ZIP
        codes that carry the city's name.
        """
        by_zip: dict[str, tuple[int, str, list[tuple[int, float, float]]]] = {}
        for code, city, state_id, county_id, res, tot in ZipCounty.objects.values_list(
            "zip_code__code", "zip_code__city", "zip_code__state_id", "county_id", "res_ratio", "tot_ratio"
        ):
            by_zip.setdefault(code, (state_id, city, []))[2].append((county_id, float(res), float(tot)))
        sums: dict[tuple[int, str], dict[int, float]] = {}
        sizes: dict[tuple[int, str], int] = {}
        for state_id, city, links in by_zip.values():
            key = (state_id, city_key(city))
            residential = any(res > 0 for _c, res, _t in links)
            shares = sums.setdefault(key, {})
            sizes[key] = sizes.get(key, 0) + 1
            for county_id, res, tot in links:
                shares[county_id] = shares.get(county_id, 0.0) + (res if residential else tot)
        cities: dict[int, dict[str, dict[int, float]]] = {}
        for (state_id, key), shares in sums.items():
            cities.setdefault(state_id, {})[key] = {c: v / sizes[(state_id, key)] for c, v in shares.items()}
        return cities

    def from_text(self, state: StateRef, text: str) -> CountyName | None:
        """Exact folded match, the known corrections, then each part of 'Sparta-White County'. Never a guess."""
        corrected = COUNTY_CORRECTIONS.get((state.code, fold(text)))
        key = re.sub(r"^saint(?=[a-z])", "st", _key(corrected or text))
        names = self.by_state.get(state.id, {})
        for candidate in (key, key + "county", key + "parish", key + "borough"):
            if candidate in names:
                return names[candidate]
        shorts = self.short.get(state.id, {})
        stripped = re.sub(r"(county|parish|borough|conty|cnty|city)$", "", key)
        if len(shorts.get(stripped, [])) == 1:
            return shorts[stripped][0]
        parts = [p for p in re.split(r"[-/,&]| and ", text) if p.strip()]
        if len(parts) > 1:
            found = {self.from_text(state, part) for part in parts} - {None}
            return found.pop() if len(found) == 1 else None
        return None

    def nearest(self, state: StateRef, text: str) -> CountyName | None:
        """The one county whose name is within one or two typing slips of `text`, if exactly one is.

        Only a hint for an editor, in the unresolved reason: a near spelling is not evidence. ICE's
        'North County' (Missouri) is one letter from Worth County, but names a police cooperative.
        """
        stripped = re.sub(r"(county|parish|borough|conty|cnty|city)$", "", _key(text))
        if len(stripped) < 5:
            return None
        limit = 1 if len(stripped) < 7 else 2
        shorts = self.short.get(state.id, {})
        close = [refs for name, refs in shorts.items() if edit_distance(stripped, name, limit) <= limit]
        return close[0][0] if len(close) == 1 and len(close[0]) == 1 else None

    def from_name(self, state: StateRef, agency: str) -> CountyName | None:
        match = _COUNTY_IN_NAME.match(fold(agency))
        return self.from_text(state, match.group(0)) if match else None

    def places_for(self, state: StateRef, city: str) -> list[PlaceRef]:
        """The Census places of that name (Texas). A police department or marshal is a city's, and a
        census-designated place is no city: when a city and a CDP share the name, the city."""
        places = self.places.get(state.id, {}).get(city_key(city), []) if city else []
        if len(places) > 1:
            places = [p for p in places if p.incorporated] or places
        return places

    def city_shares(self, state: StateRef, city: str) -> dict[int, float]:
        """County id -> share of the addresses of the ZIP codes with the city's postal name (see ZIP_SHARE)."""
        return self.zip_cities.get(state.id, {}).get(city_key(city), {}) if city else {}

    # --- the rules, one a method ---------------------------------------------------------------------

    def _in_place(self, state, city, place: PlaceRef, how: str, main: CountyName | None = None):
        """Every county the Census place lies in, main county first (ICE's, else the one with most of the
        city), with the share of the city's ZIP code addresses in each where the ZIP codes tell: their
        shares within the place's counties (a single county needs none)."""
        shares: dict[int, float] = {}
        if len(place.counties) > 1:
            weights = self.city_shares(state, city)
            total = sum(weights.get(c.id, 0.0) for c in place.counties)
            if all(weights.get(c.id) for c in place.counties):  # else how much lies where is not known
                shares = {c.id: round(weights[c.id] / total, 4) for c in place.counties}
        ordered = sorted(place.counties, key=lambda c: (c != main, -shares.get(c.id, 0.0), c.name))
        return tuple(
            Placed(c, Agency.Placement.ICE if c == main else how, shares.get(c.id), place.name)
            for c in ordered
        )

    def _by_zip(self, state, city, how=Agency.Placement.ZIP) -> Resolution:
        shares = self.city_shares(state, city)
        if not shares:
            where = "Census place or ZIP code" if self.places.get(state.id) else "ZIP code"
            return Resolution(problem=f"no {where} is named {city.title()}", why=Agency.Unplaced.NO_COUNTY)
        county_id, share = max(shares.items(), key=lambda item: (item[1], -item[0]))
        if share >= ZIP_SHARE:
            return Resolution((Placed(self.counties[county_id], how, round(share, 4), city.title()),))
        split = ", ".join(
            f"{self.counties[c].name} {_percent(v)}"
            for c, v in sorted(shares.items(), key=lambda i: -i[1])
            if v >= 0.005
        )
        return Resolution(
            problem=f"the addresses of the ZIP codes named {city.title()} are split ({split}); no county "
            f"has {_percent(ZIP_SHARE)} of them",
            why=Agency.Unplaced.SPLIT,
        )

    def _by_city(self, state, city, how=None) -> Resolution:
        """The city's Census place (Texas), else its ZIP codes, else its GeoNames place."""
        places = self.places_for(state, city)
        if len(places) == 1 and places[0].counties:
            return Resolution(self._in_place(state, city, places[0], how or Agency.Placement.PLACE))
        if len(places) > 1:
            return self._ambiguous(state, city, places)
        by_zip = self._by_zip(state, city, how or Agency.Placement.ZIP)
        return by_zip if by_zip.placed else self._by_geonames(state, city, by_zip, how)

    @staticmethod
    def _ambiguous(state, city, places) -> Resolution:
        return Resolution(
            problem=f"{len(places)} places in {state.name} are named {city.title()} ("
            + "; ".join(f"{p.name}: {_names(p.counties)}" for p in places)
            + ")",
            why=Agency.Unplaced.AMBIGUOUS,
        )

    def _by_geonames(self, state, city, by_zip: Resolution, how=None) -> Resolution:
        """Outside Texas, a city no ZIP code carries the postal name of: the one GeoNames place of that
        name, in the county its point lies in. Not when several places share the name, nor when the city's
        ZIP codes are split between counties (a city on a county line: its point's county alone would be
        half the answer)."""
        named = self.geonames.get(state.id, {}).get(city_key(city), []) if city else []
        if not named or by_zip.why != Agency.Unplaced.NO_COUNTY:
            return by_zip
        if len(named) > 1:
            return self._ambiguous(state, city, named)
        return Resolution(self._in_place(state, city, named[0], how or Agency.Placement.GEONAMES))

    def _city_elsewhere(self, state, city, text, county) -> Resolution | None:
        """Where no Census place says (outside Texas): ICE's county only repeats the city's name ('Monroe
        County' for the Monroe Police Department, Georgia), and both the city's ZIP codes and its one
        GeoNames place put the city in one other county (Monroe lies in Walton County): placed there, by
        its ZIP codes. ICE's cell says nothing the name does not, and two sources agree against it. One
        source alone does not move it (a city's ZIP codes reach past its limits), nor does a place of the
        name inside ICE's county."""
        if not _repeats_city(text, city):
            return None
        by_zip = self._by_zip(state, city)
        named = self.geonames.get(state.id, {}).get(city_key(city), [])
        if not by_zip.placed or by_zip.county == county or len(named) != 1:
            return None
        if named[0].counties != (by_zip.county,):
            return None
        return by_zip

    def _from_table(self, state, agency, entry, given) -> Resolution:
        kind, *args = entry
        if kind == ICE_COUNTY:
            for text in given:
                county = self.from_text(state, text)
                if county:
                    return Resolution((Placed(county, Agency.Placement.TABLE, None, text),))
            return Resolution(
                problem="a regional agency (counties/importers/corrections.py), and ICE's lists name no "
                "county of it",
                why=Agency.Unplaced.REGIONAL,
            )
        if kind == "counties":
            found = [self.from_text(state, name) for name in args]
            if None in found:  # the reference data lacks a county the table names: left for an editor
                return Resolution(
                    problem=f"a regional agency whose counties ({', '.join(args)}) are not all in the "
                    f"reference data of {state.name}",
                    why=Agency.Unplaced.REGIONAL,
                )
            return Resolution(tuple(Placed(c, Agency.Placement.TABLE) for c in found))
        if kind == SOURCED:  # a public page says where: the counties it names, the first the main one
            how, _url, *names = args
            found = [self.from_text(state, name) for name in names]
            if None in found:
                return Resolution(
                    problem=f"the counties a public page names ({', '.join(names)}) are not all in the "
                    f"reference data of {state.name}",
                    why=Agency.Unplaced.REGIONAL,
                )
            return Resolution(tuple(Placed(c, Agency.Placement.TABLE, None, how) for c in found))
        if kind == CITY:
            resolution = self._by_city(state, fold(args[0]), Agency.Placement.TABLE)
            if resolution.placed:
                return Resolution(tuple(p._replace(via=args[0]) for p in resolution.placed))
            return resolution
        if kind == UNKNOWN:
            reason, why = args
            return Resolution(problem=reason, why=why)
        raise ValueError(f"REGIONAL: unknown kind {kind!r}")

    def merge_county(
        self, state: StateRef, agency: str, county_texts: list[str | None], *, state_agency: bool = False
    ) -> int | None:
        """The county that the rules joining ICE's names into one agency compare (rebuild.same_agency._merge_keys):
        ICE's COUNTY text, else the county in the name, else (Texas) the one county of the city's Census
        place. Not the city's ZIP codes nor the tables: a misspelled name ('Indiatlantic') must still join
        the agency it is, though only the right spelling finds the city's ZIP codes."""
        if state_agency:
            return None
        for text in county_texts:
            if text is not None and compact(text) not in MISSING_VALUES:
                county = self.from_text(state, text)
                if county:
                    return county.id
        county = self.from_name(state, agency)
        if county:
            return county.id
        places = self.places_for(state, city_in_name(agency))
        return places[0].counties[0].id if len(places) == 1 and len(places[0].counties) == 1 else None

    def resolve(
        self, state: StateRef, agency: str, county_texts: list[str | None], *, state_agency: bool = False
    ) -> Resolution:
        """Where the agency works, from ICE's COUNTY texts (newest first) and its name.

        In turn: the table of regional agencies and colleges; a state agency (statewide); ICE's county (in
        Texas with every county of the city's Census place, when ICE's county is one of them; elsewhere
        unless it only repeats the city's name and two sources put the city in another county:
        `_city_elsewhere`); the county in the name; the city in the name (Texas: its Census place, with all
        its counties; elsewhere, or a city the Census file does not have: its ZIP codes, ZIP_SHARE; else
        its one GeoNames place, in the county its point lies in). Evidence that disagrees leaves it
        unplaced: ICE's county where the Census does not put the city, or ICE's county text that matches
        no county while the city's ZIP codes point to another.
        """
        given = [text for text in county_texts if text is not None]
        named = [text for text in given if compact(text) not in MISSING_VALUES]
        entry = _REGIONAL.get((state.code, fold(agency)))
        if entry is not None:
            return self._finish(state, self._from_table(state, agency, entry, named), given)
        if state_agency:
            return Resolution(statewide=True)
        city = city_in_name(agency)
        for text in named:
            county = self.from_text(state, text)
            if county is None:
                continue
            places = self.places_for(state, city)
            if not places:
                elsewhere = self._city_elsewhere(state, city, text, county)
                return elsewhere or Resolution((Placed(county, Agency.Placement.ICE, None, text),))
            holding = [p for p in places if county in p.counties]
            if holding:
                return Resolution(self._in_place(state, city, holding[0], Agency.Placement.PLACE, county))
            if len(places) == 1 and _repeats_city(text, city):
                # ICE wrote the city's own name for the county ('Yoakum County' for the Yoakum Police
                # Department): the Census place says where the city is.
                return Resolution(self._in_place(state, city, places[0], Agency.Placement.PLACE))
            return self._finish(
                state,
                Resolution(
                    problem=f"ICE's county ({county.name}) is not where the Census puts "
                    + "; ".join(f"{p.name} ({_names(p.counties)})" for p in places),
                    why=Agency.Unplaced.CONFLICT,
                ),
                given,
            )
        county = self.from_name(state, agency)
        if county:
            return Resolution((Placed(county, Agency.Placement.NAME, None, county.name),))
        if not city:
            return self._finish(state, Resolution(why=Agency.Unplaced.NO_COUNTY), given)
        found = self._by_city(state, city)
        if found.placed and named and not any(_repeats_city(t, city) for t in named):
            # ICE gives a county that matches none here, and the city points elsewhere: not the same
            # evidence twice, but two that may disagree (Texarkana, Arkansas: ICE's 'Bowie County' is in
            # Texas). Only a near spelling of the county found makes them agree ('Flager County', Bunnell).
            near = {self.nearest(state, t) for t in named}
            if found.county not in near:
                evidence = {
                    Agency.Placement.PLACE: "Census place",
                    Agency.Placement.GEONAMES: "GeoNames place",
                }.get(found.how, "ZIP codes")
                return self._finish(
                    state,
                    Resolution(
                        problem=f"ICE's county {named[0]!r} matches no county in {state.name}, and the "
                        f"city's {evidence} point to {found.county.name}",
                        why=Agency.Unplaced.CONFLICT,
                    ),
                    given,
                )
        return self._finish(state, found, given)

    def _finish(self, state: StateRef, found: Resolution, given: list[str]) -> Resolution:
        """A resolution with its unresolved reason written out for editors (what ICE gave, and why)."""
        if found.placed or found.statewide:
            return found
        newest = given[0] if given else None
        if newest is None:
            why = "ICE's lists have no COUNTY column for it"
        elif compact(newest) in MISSING_VALUES:
            why = f"ICE gives no county ({newest or 'blank'})"
        else:
            why = f"no county in {state.name} matches ICE's {newest!r}"
            near = self.nearest(state, newest)
            if near:
                why += f" (closest spelling: {near.name}; check where the agency is before choosing it)"
            if found.why == Agency.Unplaced.NO_COUNTY:
                found = found._replace(why=Agency.Unplaced.NO_MATCH)
        if found.why == Agency.Unplaced.CONFLICT:
            why = found.problem
        elif found.problem:
            why += "; " + found.problem
        return found._replace(problem=f"{COUNTY_PROBLEM}: {why}.")
