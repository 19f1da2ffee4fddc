"""Find a county from what a person types: a ZIP code, a city or a county name, in any state.

PostgreSQL here has no pg_trgm, so names are folded in the app (counties/text.py) and matched in Python
against an in-memory index of every county and Census place (about 5,000 names), built once per process
and rebuilt when the reference data changes. A ZIP code is looked up in the database.

Matching, from strongest to weakest: the same name ("dallas", "La Salle" = "LaSalle", "De Witt" = "DeWitt",
with "County"/"Co."/"Parish"/"condado de" and a trailing state dropped), a name that starts with what was
typed (as-you-type), then, only when nothing else matched, names one or two small typos away ("Dalas",
"Tarant"). Texas comes first within each tier.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.urls import reverse

from .models import County, Place, PlaceCounty, State, ZipCounty
from .text import edit_distance, fold

MAX_QUERY_LENGTH = 200  # longer than any place name with its state; longer input is refused with a 400
MAX_RESULTS = 25
HOME_STATE = "TX"

ZIP_RE = re.compile(r"(\d{5})(?:[-\s]?\d{4})?")
# Words that say what kind of place it is, not which one (folded). Longest first.
_SUFFIXES = [
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
_ABBREVIATIONS = {"ft": "fort", "mt": "mount", "pt": "port"}
_PREFIXES = ["condado de", "condado", "parroquia de", "ciudad de", "city of", "county of"]


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

    @classmethod
    def of(cls, county: County) -> CountyRef:
        state = county.state
        return cls(county.id, county.name, state.code, state.name, county.slug, county.population or 0)


@dataclass(frozen=True)
class Entry:
    kind: str  # "county", "place" or "state" (a state named in full: its page lists every county)
    name: str  # as shown: "Dallas County" / "Dallas"
    detail: str  # "city", "CDP"...: for places
    state_code: str
    state_name: str
    counties: tuple[CountyRef, ...]  # the county itself, or every county the place lies in
    population: int = 0


@dataclass
class Result:
    entry: Entry
    tier: int
    shares: list[tuple[CountyRef, Decimal]] = field(default_factory=list)  # ZIP code results only

    @property
    def counties(self):
        return self.entry.counties


@dataclass
class Outcome:
    """What a search found, and what to tell the person."""

    query: str
    kind: str = "text"  # "empty", "too-long", "unreadable", "zip", "text"
    zip_code: str = ""
    zip_city: str = ""
    results: list[Result] = field(default_factory=list)
    state: str = ""  # a state the person named ("Dallas, TX"), if any
    fuzzy: bool = False  # results are guesses at a misspelling
    more: bool = False  # more matched than are shown

    @property
    def destinations(self) -> set[int]:
        return {c.id for r in self.results for c in r.counties}

    @property
    def single_county(self) -> CountyRef | None:
        """The one county every result leads to, when there is exactly one (Enter goes straight there).

        Also for a typo with a single candidate ("Tarant"): the county page names the county in its heading.
        """
        if len(self.destinations) != 1 or any(r.entry.kind == "state" for r in self.results):
            return None
        return self.results[0].counties[0]


def normalize(text: str) -> str:
    """Folded words with the place-kind words dropped: 'Condado de Doña Ana' -> 'dona ana'."""
    words = fold(text)
    for prefix in _PREFIXES:
        if words.startswith(prefix + " "):
            words = words[len(prefix) + 1 :]
    first, _space, rest = words.partition(" ")
    if rest and first in _ABBREVIATIONS:
        words = f"{_ABBREVIATIONS[first]} {rest}"
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
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


class Index:
    """Every county and place, grouped by compact folded name ('lasalle' -> [La Salle County, TX])."""

    def __init__(self):
        states = {s.pk: s for s in State.objects.all()}
        self.state_words: dict[str, str] = {}
        for state in states.values():
            self.state_words[fold(state.code)] = state.code
            self.state_words[fold(state.name)] = state.code
        self.states_by_name = {compact_key(fold(s.name)): s for s in states.values()}
        counties: dict[int, CountyRef] = {}
        self.by_key: dict[str, list[Entry]] = {}
        for row in County.objects.values("id", "name", "short_name", "slug", "state_id", "population"):
            state = states[row["state_id"]]
            ref = CountyRef(
                id=row["id"],
                name=row["name"],
                state_code=state.code,
                state_name=state.name,
                slug=row["slug"],
                population=row["population"] or 0,
            )
            counties[ref.id] = ref
            entry = Entry("county", ref.name, "", state.code, state.name, (ref,), ref.population)
            for words in {normalize(row["short_name"] or row["name"]), normalize(row["name"])}:
                self._add(compact_key(words), entry)
        in_place: dict[int, list[CountyRef]] = {}
        for place_id, county_id in PlaceCounty.objects.values_list("place_id", "county_id"):
            in_place.setdefault(place_id, []).append(counties[county_id])
        for row in Place.objects.values("id", "name", "kind", "state_id"):
            state = states[row["state_id"]]
            refs = tuple(sorted(in_place.get(row["id"], []), key=lambda c: -c.population))
            if not refs:
                continue
            entry = Entry("place", row["name"], row["kind"], state.code, state.name, refs)
            self._add(compact_key(normalize(row["name"])), entry)
        self.keys = list(self.by_key)
        self.keys_by_length: dict[int, list[tuple[str, int]]] = {}
        for key in self.keys:
            self.keys_by_length.setdefault(len(key), []).append((key, char_mask(key)))

    def _add(self, key: str, entry: Entry) -> None:
        if key:
            bucket = self.by_key.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)

    def split_state(self, words: str) -> tuple[str, str]:
        """'dallas tx' -> ('dallas', 'TX'); the name alone is never taken for a state."""
        parts = words.split(" ")
        for n in (2, 1):  # "new mexico", then "tx"
            if len(parts) > n:
                tail = " ".join(parts[-n:])
                if tail in self.state_words:
                    return " ".join(parts[:-n]), self.state_words[tail]
        return words, ""

    def find(self, words: str, state: str = "") -> tuple[list[Result], bool]:
        key = compact_key(words)
        found: dict[Entry, int] = {}
        if key in self.by_key:
            for entry in self.by_key[key]:
                found[entry] = Tier.EXACT
        if len(key) >= 2:
            for name in self.keys:
                if name != key and name.startswith(key):
                    for entry in self.by_key[name]:
                        found.setdefault(entry, Tier.PREFIX)
        if state:
            found = {e: t for e, t in found.items() if e.state_code == state}
        fuzzy = False
        limit = _typo_limit(key)
        named_state = self.states_by_name.get(key)
        if not found and limit and not named_state:
            fuzzy = True
            mask = char_mask(key)
            for length in range(len(key) - limit, len(key) + limit + 1):
                for name, name_mask in self.keys_by_length.get(length, ()):
                    if (mask & ~name_mask).bit_count() > limit or (name_mask & ~mask).bit_count() > limit:
                        continue
                    if edit_distance(key, name, limit) <= limit:
                        for entry in self.by_key[name]:
                            if not state or entry.state_code == state:
                                found[entry] = Tier.FUZZY
        results = [Result(entry, tier) for entry, tier in found.items()]
        if named_state and (not state or state == named_state.code):
            entry = Entry("state", named_state.name, "", named_state.code, named_state.name, ())
            results.append(Result(entry, Tier.EXACT))
        results.sort(
            key=lambda r: (
                r.tier,
                r.entry.kind != "state",
                r.entry.state_code != HOME_STATE,
                r.entry.kind != "county",
                -r.entry.population,
                r.entry.state_name,
                r.entry.name,
            )
        )
        return results, fuzzy


_index: Index | None = None
_index_version = None
_checked_at = float("-inf")
_lock = threading.Lock()
RECHECK_SECONDS = 60  # how often a process asks the database whether counties or places changed


def _data_version():
    """Changes whenever counties or places are added or removed: one query, on table names from the models."""
    county, place = County._meta.db_table, Place._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {county}), (SELECT max(id) FROM {county}), "  # noqa: S608
            f"(SELECT count(*) FROM {place}), (SELECT max(id) FROM {place})"
        )
        return cursor.fetchone()


def get_index(*, fresh: bool = False) -> Index:
    """The process's index, rebuilt when the reference data changed (checked at most once a minute)."""
    global _index, _index_version, _checked_at
    with _lock:
        now = time.monotonic()
        if _index is None or fresh or now - _checked_at > RECHECK_SECONDS:
            version = _data_version()
            _checked_at = now
            if _index is None or version != _index_version:
                _index, _index_version = Index(), version
        return _index


def _zip_lookup(outcome: Outcome, code: str) -> None:
    outcome.kind, outcome.zip_code = "zip", code
    links = list(
        ZipCounty.objects.filter(zip_code__code=code)
        .select_related("county__state", "zip_code")
        .order_by("-share")
    )
    if not links:
        return
    outcome.zip_city = links[0].zip_code.city
    for link in links:
        ref = CountyRef.of(link.county)
        entry = Entry("county", ref.name, "", ref.state_code, ref.state_name, (ref,), ref.population)
        outcome.results.append(Result(entry, Tier.EXACT, shares=[(ref, link.share)]))


def _zip_city_lookup(outcome: Outcome, words: str, state: str) -> None:
    """Cities outside the Census place list: the counties of the ZIP codes that carry that city name."""
    links = ZipCounty.objects.filter(zip_code__city_key=words).select_related(
        "county__state", "zip_code__state"
    )
    if state:
        links = links.filter(zip_code__state__code=state)
    by_city: dict[tuple[str, str], dict[int, County]] = {}
    names: dict[tuple[str, str], str] = {}
    for link in links[:500]:
        key = (link.zip_code.state.code, link.zip_code.city_key)
        by_city.setdefault(key, {})[link.county_id] = link.county
        names[key] = link.zip_code.city
    for (state_code, _key), counties in by_city.items():
        refs = tuple(CountyRef.of(c) for c in sorted(counties.values(), key=lambda c: -(c.population or 0)))
        entry = Entry("place", names[(state_code, _key)].title(), "", state_code, refs[0].state_name, refs)
        outcome.results.append(Result(entry, Tier.EXACT))
    outcome.results.sort(key=lambda r: (r.entry.state_code != HOME_STATE, r.entry.state_name))


def search(query: str) -> Outcome:
    outcome = Outcome(query=query)
    text = (query or "").strip()
    if not text:
        outcome.kind = "empty"
        return outcome
    if len(text) > MAX_QUERY_LENGTH:
        outcome.kind = "too-long"
        return outcome
    zip_match = ZIP_RE.fullmatch(text)
    if zip_match:
        _zip_lookup(outcome, zip_match.group(1))
        return outcome
    words = normalize(text)
    if not words or words.isdigit():
        outcome.kind = "unreadable" if not words else "digits"
        return outcome
    index = get_index()
    words, outcome.state = index.split_state(words)
    results, outcome.fuzzy = index.find(words, outcome.state)
    if not results or outcome.fuzzy:
        before = len(outcome.results)
        _zip_city_lookup(outcome, words, outcome.state)
        if len(outcome.results) > before:
            outcome.fuzzy = False
            return outcome
    outcome.more = len(results) > MAX_RESULTS
    outcome.results = results[:MAX_RESULTS]
    return outcome
