"""Find a county from what a person types: a ZIP code, a city, a county or an agency, in any state.

PostgreSQL here has no pg_trgm or unaccent, so names are folded in the app (counties/text.py) and matched
in Python against an in-memory index, built once per process and rebuilt when the data changes: every
county, every Census place in Texas, every USPS city name of the HUD ZIP-county file (about 29,000 in all
states), every ZIP code with the share of its addresses in each county, and every agency on ICE's lists.
A search makes no query of its own beyond the data version (see get_index).

What is typed is read as words (parse): a ZIP code anywhere in it wins ("Denton TX 76201"); a state at the
end narrows the name ("Dallas, TX"); "County", "Co.", "Parish", "condado de" ask for a county ("Harris Co.",
"condado de Harris"); words that name an office rather than a place ("sheriff", "police", "ICE") are set
aside for the agency search and never make a good place name find nothing.

Names match, from strongest to weakest: the same name ("La Salle" = "LaSalle", "St." = "Saint"), a name that
starts with what was typed (as-you-type), then, only when nothing else matched, names one or two small
typos away ("Dalas", "Tarant"). Within each, a state named in full comes first, then the places by weight:
- a city's weight is an estimate of its people from its ZIP codes: each ZIP code that carries the city's
  name counts as one average ZIP code of each county it lies in (the county's population over its ZIP
  codes, split by the ZIP code's residential shares). HUD gives shares, not address counts, so this is an
  estimate; it is used only to order results;
- a county's weight is its population;
- a city weighs CITY_WEIGHT times more than a county of the same size (people type their city's name far
  more often than their county's: "Houston" is the city, not Houston County), and anything in Texas
  TEXAS_WEIGHT times more (the site is about Texas first: "Lancaster" is Lancaster, TX before Lancaster
  County, PA). tests/counties/test_search_ranking.py measures these choices on 430 queries from data.

A city's counties are ordered by the share of the city's ZIP code addresses in each (each ZIP code's
residential shares, added up over the ZIP codes with the city's name; a ZIP code counts once whatever its
size). In Texas, which counties a city lies in comes from the Census place file; the ZIP codes only order
them and give the shares.
"""

from __future__ import annotations

import bisect
import gc
import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError, InterfaceError, connection, connections
from django.urls import reverse

from . import pagecache
from .models import (
    STATE_NAMES_ES,
    Agency,
    AgencyCounty,
    Agreement,
    County,
    Place,
    PlaceCounty,
    State,
    ZipCode,
    ZipCounty,
)
from .text import edit_distance, fold

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200  # longer than any place name with its state; longer input is refused with a 400
MAX_RESULTS = 25
MAX_AGENCIES = 10
HOME_STATE = "TX"
TEXAS_WEIGHT = 10
CITY_WEIGHT = 4
# A place no ZIP code is named for counts as one average ZIP code of its county (a Texas town whose mail
# goes through a neighbour's post office), a census-designated place as a quarter of one (most are
# hamlets and colonias, far smaller than a town).
NO_ZIP_SHARE = {"CDP": 0.25}
ENTER_MARGIN = 5  # how far the first result must outweigh the rest for Enter to go straight to it

# Words that say what kind of place it is, not which one (folded). Longest first.
_COUNTY_WORDS = [
    "city and borough",
    "census area",
    "municipality",
    "borough",
    "parish",
    "county",
    "cnty",
    "cty",
    "co",
]
_COUNTY_PREFIXES = ["condado de", "condado del", "condado", "parroquia de", "parroquia", "county of"]
_CITY_PREFIXES = ["ciudad de", "city of", "town of", "village of"]
# Words of a name read one way everywhere (index and query): "St. Louis" = "Saint Louis", as USPS writes it.
_WORDS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
_LEADING_WORDS = {"pt": "port"}
# Words that name an office, not a place: set aside, so that "Keller police" still finds Keller.
_AGENCY_WORDS = {
    "sheriff", "sheriffs", "office", "police", "department", "dept", "pd", "so", "constable", "constables",
    "marshal", "marshals", "alguacil", "policia", "oficina", "departamento", "dps",
}  # fmt: skip
_OTHER_NOISE = {"ice", "287g", "jail", "agreement", "agreements", "acuerdo", "carcel"}
_TRAILING_ONLY = {"pd", "so"}  # too short to drop from the middle of a name
_GLUE = {"de", "del", "of"}  # left over when Spanish office words are set aside: "policía de Keller"
# Agency names: what a query word may stand for, and words that never tell agencies apart.
_AGENCY_SYNONYMS = {
    "sheriff": ("sheriffs",), "co": ("county",), "cnty": ("county",), "dept": ("department",),
    "pd": ("police", "department"), "so": ("sheriffs", "office"), "policia": ("police",),
    "alguacil": ("sheriffs",), "condado": ("county",), "departamento": ("department",), "oficina": ("office",),
}  # fmt: skip
_AGENCY_STOPWORDS = {"of", "the", "and", "de", "del", "for", "ice", "287g", "agreement", "agreements"}


class Tier:
    EXACT = 0
    PREFIX = 1
    FUZZY = 2


@dataclass(frozen=True)
class CountyRef:
    id: int
    name: str
    state_code: str
    state_name: str
    slug: str
    population: int

    @property
    def url(self) -> str:
        """Reversed when shown, so that it carries the reader's language prefix (/es/...)."""
        return reverse("counties:county", kwargs={"state": self.state_code.lower(), "slug": self.slug})


@dataclass(frozen=True)
class Entry:
    kind: str  # "county", "place", "state" (its page lists every county) or "agency"
    name: str  # as shown: "Dallas County" / "Dallas" / "Keller Police Department"
    detail: str  # places: "city", "town", "village", "CDP"; agencies: "statewide", "unplaced" or ""
    state_code: str
    state_name: str
    counties: tuple[CountyRef, ...]  # the county itself, every county a place lies in, or an agency works in
    shares: tuple[float | None, ...] = ()  # places: the share of its ZIP code addresses in each county
    weight: float = 0
    models: tuple[str, ...] = ()  # agencies: the models of their current agreements

    @property
    def rows(self) -> list[tuple[CountyRef, float | None]]:
        shares = self.shares or (None,) * len(self.counties)
        return list(zip(self.counties, shares, strict=True))

    @property
    def state_url(self) -> str:
        return reverse("counties:state", kwargs={"state": self.state_code.lower()})


@dataclass
class Result:
    entry: Entry
    tier: int
    share: float | None = None  # ZIP code results: the share of the ZIP code's addresses in the county
    business_only: bool = False  # ZIP code results: no residential address of the ZIP code is in the county

    @property
    def counties(self):
        return self.entry.counties

    @property
    def leads_to_state(self) -> bool:
        return self.entry.kind == "state" or (self.entry.kind == "agency" and not self.entry.counties)


@dataclass
class Outcome:
    """What a search found, and what to tell the person."""

    query: str
    kind: str = "text"  # "empty", "too-long", "unreadable", "digits", "zip", "text"
    zip_code: str = ""
    zip_city: str = ""
    zip_no_homes: bool = False  # the ZIP code has no residential address at all (PO boxes, businesses)
    results: list[Result] = field(default_factory=list)
    state: str = ""  # a state the person named ("Dallas, TX"), if any
    fuzzy: bool = False  # results are guesses at a misspelling
    more: bool = False  # more matched than are shown

    @property
    def places(self) -> list[Result]:
        return [r for r in self.results if r.entry.kind != "agency"]

    @property
    def agencies(self) -> list[Result]:
        return [r for r in self.results if r.entry.kind == "agency"]

    @property
    def agencies_first(self) -> bool:
        return bool(self.results) and self.results[0].entry.kind == "agency"

    @property
    def destinations(self) -> set[int]:
        return {c.id for r in self.results for c in r.counties}

    @property
    def single_county(self) -> CountyRef | None:
        """The one county the best results lead to, if there is one (Enter goes there).

        The best results are those of the strongest tier found (a name that is exactly what was typed
        beats the names that only start with it); a ZIP code's counties with business addresses only are
        not where someone lives. They lead to one county when every one of them does, or when the first
        leads to one county and outweighs all those that lead elsewhere ENTER_MARGIN times over ("Denton":
        the city and the county of Denton, Texas, not the towns of Denton in seven other states). Also for
        a typo with a single candidate ("Tarant"): the county page names the county in its heading.
        """
        if not self.results:
            return None
        best = min(r.tier for r in self.results)
        chosen = [r for r in self.results if r.tier == best and not r.business_only]
        if not chosen or any(r.leads_to_state for r in chosen):
            return None
        counties = {c.id: c for r in chosen for c in r.counties}
        if len(counties) == 1:
            return next(iter(counties.values()))
        first = chosen[0]
        if len(first.counties) != 1 or first.entry.weight <= 0:
            return None
        home = first.counties[0].id
        elsewhere = sum(r.entry.weight for r in chosen if any(c.id != home for c in r.counties))
        return first.counties[0] if elsewhere * ENTER_MARGIN < first.entry.weight else None


def _words(text: str) -> list[str]:
    words = [_WORDS.get(w, w) for w in fold(text).split()]
    if len(words) > 1 and words[0] in _LEADING_WORDS:
        words[0] = _LEADING_WORDS[words[0]]
    return words


def normalize(text: str) -> str:
    """Folded words with the place-kind words dropped: 'Condado de Doña Ana' -> 'dona ana'."""
    words = " ".join(_words(text))
    for prefix in _COUNTY_PREFIXES + _CITY_PREFIXES:
        if words.startswith(prefix + " "):
            words = words[len(prefix) + 1 :]
            break
    changed = True
    while changed:
        changed = False
        for suffix in _COUNTY_WORDS:
            if words.endswith(" " + suffix):
                words = words[: -len(suffix) - 1].rstrip()
                changed = True
    return words


def compact_key(words: str) -> str:
    return words.replace(" ", "")


def char_mask(key: str) -> int:
    """The set of characters in a key as bits. max(|A-B|, |B-A|) of two sets never exceeds their edit
    distance (one edit adds or removes at most one character on each side), so masks rule out most names
    before the slower distance is computed."""
    mask = 0
    for ch in key:
        mask |= 1 << (ord(ch) % 64)
    return mask


def _typo_limit(key: str) -> int:
    if len(key) < 4:
        return 0
    return 1 if len(key) <= 6 else 2


def _title(city: str) -> str:
    """USPS writes MCALLEN; readers write McAllen."""
    city = city.title()
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), city) if "Mc" in city else city


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


@dataclass
class Parsed:
    """What a query says: the name (with other readings to try), a ZIP code, a state, a kind of place."""

    # Readings to try in turn, each one or more (compact key, state code, wanted kind: "county", "place"
    # or ""), whose exact matches are taken together.
    names: list[list[tuple[str, str, str]]]
    zip_code: str = ""
    state: str = ""
    agency_words: bool = False  # the query names an office ("police", "sheriff", "DPS")
    agency_tokens: tuple[str, ...] = ()


def _strip_prefix(words: list[str], prefixes: list[str]) -> list[str] | None:
    text = " ".join(words)
    for prefix in prefixes:
        if text.startswith(prefix + " "):
            return words[len(prefix.split()) :]
    return None


def _is_office_word(word: str, last: bool) -> bool:
    return word in _OTHER_NOISE or (word in _AGENCY_WORDS and (last or word not in _TRAILING_ONLY))


def parse(text: str, state_words: dict[str, str]) -> Parsed | None:
    """Read the words of a query. None when it has no letters and no ZIP code."""
    tokens = fold(text).split()
    zip_code = ""
    kept = []
    for i, word in enumerate(tokens):
        if word.isdigit():
            if not zip_code and len(word) in (5, 9):
                zip_code = word[:5]
            continue  # other numbers (a ZIP+4's last four digits, a house number) say nothing of a place
        if word == "g" and i and tokens[i - 1] == "287":
            continue  # "287(g)"
        kept.append(word)
    if not kept:
        return Parsed([], zip_code) if zip_code else None

    # Office words are set aside when a name is left: "Keller police" -> keller.
    words = [w for i, w in enumerate(kept) if not _is_office_word(w, i == len(kept) - 1)]
    agency_words = bool(words) and len(words) < len(kept) and any(w in _AGENCY_WORDS for w in kept)
    if not words:
        words = kept
    elif len(words) < len(kept):
        while len(words) > 1 and words[0] in _GLUE:
            words.pop(0)  # "policía de Keller"
    # A state and the word county at the end, in either order: "dallas county tx", "Harris Co.".
    state, state_words_typed, want, co_is_county = "", (), "", False
    while len(words) > 1:
        for suffix in _COUNTY_WORDS:
            size = len(suffix.split())
            if len(words) > size and " ".join(words[-size:]) == suffix:
                words, want = words[:-size], "county"
                co_is_county = co_is_county or suffix == "co"
                break
        else:
            for size in (3, 2, 1):
                tail = " ".join(words[-size:])
                if not state and len(words) > size and tail in state_words:
                    state, state_words_typed, words = state_words[tail], tuple(words[-size:]), words[:-size]
                    break
            else:
                break
    if (rest := _strip_prefix(words, _COUNTY_PREFIXES)) is not None:
        words, want = rest, "county"
    elif (rest := _strip_prefix(words, _CITY_PREFIXES)) is not None:
        words, want = rest, "place"

    words = [_WORDS.get(w, w) for w in words]
    if len(words) > 1 and words[0] in _LEADING_WORDS:
        words[0] = _LEADING_WORDS[words[0]]
    key = compact_key(" ".join(words))
    names = [[(key, state, want)]]
    if co_is_county and not state:
        names[0].append((key, "CO", ""))  # "Aurora CO": Colorado too (the larger place comes first)
    if len(words) > 1 and words[0] == "the":
        names.append([(compact_key(" ".join(words[1:])), state, want)])  # GeoNames' "The Bronx"
    if len(words) > 1 and words[-1] == "city" and want != "county":
        names.append([(compact_key(" ".join(words[:-1])), state, "place")])  # "New York City"
    if want:
        names.append([(key, state, "")])  # "Fort Worth county": no such county, but the city
    if state:
        names.append(
            [(key + compact_key(" ".join(state_words_typed)), "", want)]
        )  # a name ending in a state's
    agency_tokens = list(kept)
    if state_words_typed:  # the state typed is no word of the agency's name
        for start in range(len(agency_tokens) - len(state_words_typed), -1, -1):
            if tuple(agency_tokens[start : start + len(state_words_typed)]) == state_words_typed:
                del agency_tokens[start : start + len(state_words_typed)]
                break
    return Parsed(names, zip_code, state, agency_words, tuple(agency_tokens))


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
        for code, city, state_id, county_id, res, tot in _zip_rows():
            if code not in self.zips:
                self.zips[code] = (city, [])
                if city not in keys:
                    keys[city] = compact_key(" ".join(_words(city)))
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
        in_place: dict[int, list[int]] = defaultdict(list)
        for place_id, county_id in PlaceCounty.objects.values_list("place_id", "county_id"):
            in_place[place_id].append(county_id)
        merged = set()
        for row in Place.objects.values("id", "name", "kind", "state_id"):
            place_counties = in_place.get(row["id"])
            if not place_counties:
                continue
            state = states[row["state_id"]]
            key = compact_key(normalize(row["name"]))
            postal = cities.get((row["state_id"], key))
            weights = {
                c: w for c, w in (postal[1] if postal else {}).items() if c in place_counties and w > 0
            }
            if weights:
                merged.add((row["state_id"], key))
            entry = self._place(row["name"], row["kind"], state, place_counties, weights)
            self._add(key, entry)
        for (state_id, key), (city, res, tot) in cities.items():
            if (state_id, key) in merged:
                continue
            weights = {c: w for c, w in res.items() if w > 0} or {c: w for c, w in tot.items() if w > 0}
            if weights:
                self._add(key, self._place(_title(city), "city", states[state_id], list(weights), weights))

        self.keys = sorted(self.by_key)
        self.keys_by_length: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for key in self.keys:
            self.keys_by_length[len(key)].append((key, char_mask(key)))
        self.agencies = AgencyIndex(counties, states) if agencies else None

    def _place(self, name, kind, state, county_ids, weights) -> Entry:
        if len(county_ids) == 1:
            ordered = county_ids
        else:
            ordered = sorted(county_ids, key=lambda c: (-weights.get(c, 0), -self.counties[c].population))
        total = sum(weights.values())
        people = (
            sum(w * self.per_zip[c] for c, w in weights.items())
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


def agency_counties() -> dict[int, tuple[int, ...]]:
    """The counties each agency works in, by agency id: none for a statewide or an unplaced agency.

    From its AgencyCounty rows: its main county (Agency.county) first, then the others by the share of
    its city's addresses in each (Overton police: Rusk, then Smith). Search shows every county it returns,
    in order. One query.
    """
    rows = AgencyCounty.objects.values_list(
        "agency_id", "county_id", "share", "agency__county_id", "county__name"
    )
    found: dict[int, list[tuple]] = defaultdict(list)
    for agency_id, county_id, share, main, name in rows:
        found[agency_id].append((county_id != main, -(share or 0), name, county_id))
    return {pk: tuple(county_id for *_order, county_id in sorted(links)) for pk, links in found.items()}


def _acronyms(name: str, state_words: set[str]) -> set[str]:
    """'Texas Department of Public Safety - Texas Highway Patrol' -> tdps, dps, thp, hp."""
    found = set()
    for part in re.split(r"\s+-\s*|\s*-\s+|[()/,]", name):
        words = [w for w in fold(part).split() if w not in _AGENCY_STOPWORDS]
        if len(words) < 2:
            continue
        found.add("".join(w[0] for w in words))
        for n in (2, 1):  # without a leading state name: "dps"
            if len(words) > n + 1 and " ".join(words[:n]) in state_words:
                found.add("".join(w[0] for w in words[n:]))
    return found


class AgencyIndex:
    """Every agency on ICE's lists, by the words of its name (and their initials: "DPS")."""

    def __init__(self, counties: dict[int, CountyRef], states: dict[int, State]):
        state_names = {" ".join(_words(s.name)) for s in states.values()}
        models: dict[int, list[str]] = defaultdict(list)
        for agency_id, model in Agreement.objects.current().values_list("agency_id", "model"):
            models[agency_id].append(model)
        places = agency_counties()
        people_in: dict[int, int] = defaultdict(int)
        codes = {s.code: pk for pk, s in states.items()}
        for ref in counties.values():
            people_in[codes[ref.state_code]] += ref.population
        self.entries: list[Entry] = []
        self.words: list[frozenset[str]] = []
        self.by_word: dict[str, set[int]] = defaultdict(set)
        for pk, name, state_id, statewide in Agency.objects.values_list(
            "id", "name", "state_id", "statewide"
        ):
            state = states[state_id]
            refs = tuple(counties[c] for c in places.get(pk, ()) if c in counties)
            detail = "" if refs else ("statewide" if statewide else "unplaced")
            # As heavy as its largest county, or its state for a statewide agency ("Texas DPS").
            people = max((c.population for c in refs), default=0) or (people_in[state_id] if statewide else 0)
            weight = people * (TEXAS_WEIGHT if state.code == HOME_STATE else 1)
            entry = Entry(
                "agency",
                name,
                detail,
                state.code,
                state.name,
                refs,
                weight=weight,
                models=tuple(sorted(models.get(pk, ()))),
            )
            words = frozenset(w for w in _words(name) if w not in _AGENCY_STOPWORDS) | _acronyms(
                name, state_names
            )
            number = len(self.entries)
            self.entries.append(entry)
            self.words.append(words)
            for word in words:
                self.by_word[word].add(number)
        self.vocabulary = sorted(self.by_word)

    def _with_prefix(self, token: str) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self.vocabulary, token)
        for word in self.vocabulary[start:]:
            if not word.startswith(token):
                break
            found |= self.by_word[word]
        return found

    def find(self, tokens: tuple[str, ...], state: str = "") -> tuple[list[Result], bool]:
        """Agencies whose name has every word typed (the last may be unfinished), Texas first."""
        wanted = []
        for token in tokens:
            token = _WORDS.get(token, token)
            if token not in _AGENCY_STOPWORDS:
                wanted.append(_AGENCY_SYNONYMS.get(token, (token,)))
        if not wanted:
            return [], False
        matches: set[int] | None = None
        for i, alternatives in enumerate(wanted):
            last = i == len(wanted) - 1
            hits: set[int] = set()
            for word in alternatives:
                hits |= self._with_prefix(word) if last and len(word) >= 2 else self.by_word.get(word, set())
            matches = hits if matches is None else matches & hits
            if not matches:
                return [], False
        exact_last = {n for word in wanted[-1] for n in self.by_word.get(word, ())}
        chosen = [n for n in matches if not state or self.entries[n].state_code == state]
        chosen.sort(
            key=lambda n: (
                n not in exact_last,
                self.entries[n].state_code != HOME_STATE,
                not self.entries[n].models,
                len(self.words[n]),
                self.entries[n].name,
            )
        )
        found = [
            Result(self.entries[n], Tier.EXACT if n in exact_last else Tier.PREFIX)
            for n in chosen[:MAX_AGENCIES]
        ]
        return found, len(chosen) > MAX_AGENCIES


_index: Index | None = None
_index_version = None
_site_version = None
_lock = threading.Lock()


def _data_version():
    """How many counties, places, ZIP links and agencies there are, and their largest ids: one query. Tells
    whether the places must be indexed again or only the agencies."""
    parts = []
    for model in (County, Place, ZipCounty, Agency):
        table = model._meta.db_table
        parts.append(f"(SELECT count(*) FROM {table}), (SELECT max(id) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def _build() -> Index:
    """A new index. The garbage collector is paused while it is built: the build makes some 200,000
    small objects that all stay alive, and the collector's passes over them would double its time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return Index()
    finally:
        if paused:
            gc.enable()


def get_index(*, fresh: bool = False) -> Index:
    """The process's index, rebuilt when the data behind it changed.

    The site's one data version (counties/pagecache.py: imports, editors' saves, reference loads; read at
    most once a second) says when; the counts of the tables say whether the places must be indexed again,
    or only the agencies (whose counties and agreements an import or an editor changes).
    """
    global _index, _index_version, _site_version
    site = pagecache.data_version()
    with _lock:
        if _index is None or fresh or site != _site_version:
            version = _data_version()
            if _index is None or fresh or version[:6] != (_index_version or ())[:6]:
                _index = _build()
            elif version != _index_version or site != _site_version:
                _index.agencies = AgencyIndex(_index.counties, {s.pk: s for s in State.objects.all()})
            _index_version, _site_version = version, site
        return _index


def warm_up() -> threading.Thread:
    """Build the index in the background as a server process starts (config/gunicorn.conf.py), so that
    no reader's first search pays for it: a search that comes in while it is being built waits for this
    build (the lock), not for another. If the database is away, the first search builds it later."""

    def build() -> None:
        try:
            get_index()
        except (DatabaseError, InterfaceError):
            log.warning("search index not built at start: the database did not answer")
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=build, name="search-index-warm-up", daemon=True)
    thread.start()
    return thread


def _zip_lookup(outcome: Outcome, index: Index, code: str) -> bool:
    outcome.kind, outcome.zip_code = "zip", code
    if code not in index.zips:
        return False
    city, links = index.zips[code]
    outcome.zip_city = city
    outcome.zip_no_homes = not any(res > 0 for _c, res, _t in links)
    rows = []
    for county_id, res, tot in links:
        ref = index.counties[county_id]
        business_only = not outcome.zip_no_homes and res == 0
        share = tot if outcome.zip_no_homes or business_only else res
        rows.append((business_only, -share, ref.name, ref, share))
    for business_only, _order, _name, ref, share in sorted(rows):
        entry = Entry("county", ref.name, "", ref.state_code, ref.state_name, (ref,))
        outcome.results.append(Result(entry, Tier.EXACT, share=share, business_only=business_only))
    return True


def _order(entries: list[Entry], tier: int) -> list[Result]:
    entries = sorted(set(entries), key=lambda e: (e.kind != "state", -e.weight, e.state_name, e.name, e.kind))
    return [Result(entry, tier) for entry in entries]


def search(query: str) -> Outcome:
    outcome = Outcome(query=query)
    text = (query or "").strip()
    if not text:
        outcome.kind = "empty"
        return outcome
    if len(text) > MAX_QUERY_LENGTH:
        outcome.kind = "too-long"
        return outcome
    index = get_index()
    parsed = parse(text, index.state_words)
    if parsed is None:
        outcome.kind = "digits" if any(ch.isdigit() for ch in text) else "unreadable"
        return outcome
    if parsed.zip_code and (_zip_lookup(outcome, index, parsed.zip_code) or not parsed.names):
        return outcome  # a known ZIP code says more than any name typed with it
    outcome.kind, outcome.zip_code, outcome.state = "text", "", parsed.state

    results: list[Result] = []
    key, state, want = parsed.names[0][0]
    for reading in parsed.names:
        if exact := [entry for name in reading for entry in index.exact(*name)]:
            results = _order(exact, Tier.EXACT)
            key, state, want = reading[0]
            break
    results += _order([e for e in index.prefixed(key, state, want) if e.kind != "state"], Tier.PREFIX)
    if not results:
        results = _order(index.fuzzy(key, state, want), Tier.FUZZY)
        outcome.fuzzy = bool(results)
    more = len(results) > MAX_RESULTS
    results = results[:MAX_RESULTS]
    if (parsed.agency_words or not results) and index.agencies:
        agencies, more_agencies = index.agencies.find(parsed.agency_tokens, parsed.state)
        if agencies and outcome.fuzzy:
            results, outcome.fuzzy = [], False  # an agency's own name beats a guess at a misspelled place
        if (
            agencies
            and results
            and (agencies[0].tier, -agencies[0].entry.weight)
            < (
                results[0].tier,
                -results[0].entry.weight,
            )
        ):
            results = agencies + results  # "Keller police": the police department, then the city
        else:
            results += agencies
        more = more or more_agencies
    outcome.results, outcome.more = results, more
    return outcome
