"""Which agency a row of ICE's list is about, and which county it works in.

- `agency_key(state, name)`: one key per agency whatever ICE's spelling (case, accents, apostrophes,
  punctuation, spacing, 'Dept'/'PD'/'St.'/'Ft.', a leading 'City of' or state name).
- `agency_kind(name, ice_type)`: sheriff, police, constable, marshal, district attorney, state or other.
- `CountyResolver`: the county from ICE's COUNTY text, from the agency's name, or from the Census place
  the agency's name points to. Never a guess: a near spelling is only a hint in the unresolved reason.
- `same_agency_rules`: when two keys are one agency (renames), see `merge_keys` in rebuild.py.

The hand-checked tables these rules use are in counties/importers/corrections.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..models import Agency, County, Place, PlaceCounty, State
from ..text import compact, edit_distance, fold
from .corrections import COUNTY_CORRECTIONS, STATE_CORRECTIONS, STATE_NAME_SLIPS

MISSING_VALUES = {"", "na", "none"}  # compared folded and without spaces: "#N/A", "#NA", "N/A", "-"
COUNTY_PROBLEM = "County not resolved"  # every county problem starts with this

_KEY_WORDS = [
    (re.compile(r"^(city|town|village) of "), ""),  # 'City of Melbourne Police Department'
    (re.compile(r"\bpd$"), "police department"),
    (re.compile(r"\bdept\b"), "department"),
    (re.compile(r"\bst\b"), "saint"),
    (re.compile(r"\bft\b"), "fort"),
    (re.compile(r"\bbocc\b"), "board of county commissioners"),
]
_CITY_PREFIX = re.compile(r"^(city|town|village) of\s+", re.I)
_CITY_SUFFIX = re.compile(
    r"\s+(police department|police dept|police|pd|department of public safety|public safety department|"
    r"marshal s office|marshals office|marshal office|city marshal|marshal)$"
)
_COUNTY_IN_NAME = re.compile(r"^(.+?)\s+(county|parish|borough)\b")


class StateRef(NamedTuple):
    id: int
    code: str
    name: str


class CountyRef(NamedTuple):
    id: int
    name: str


class States:
    """State names as ICE writes them (upper case, slips, territories) -> the state."""

    def __init__(self):
        self.by_name = {fold(s.name): StateRef(s.pk, s.code, s.name) for s in State.objects.all()}
        self.by_code = {ref.code: ref for ref in self.by_name.values()}

    def find(self, kind: str, text: str, agency: str) -> StateRef | None:
        folded = fold(text)
        corrected = STATE_CORRECTIONS.get((kind, folded, fold(agency)))
        if corrected:
            return self.by_code.get(corrected)
        return self.by_name.get(folded) or self.by_name.get(fold(STATE_NAME_SLIPS.get(folded, "")))


@lru_cache(maxsize=50_000)
def agency_key(state_code: str, state_name: str, name: str) -> str:
    """'tx:tarrant county sheriffs office': the state's postal code and the folded, normalized name."""
    key = fold(name.replace("&", " and "))
    for pattern, replacement in _KEY_WORDS:
        key = pattern.sub(replacement, key)
    state = fold(state_name) + " "
    if key.startswith(state):  # 'Texas Office of the Attorney General' = 'Office of the Attorney General'
        key = key[len(state) :]
    return f"{state_code.lower()}:{key.strip()}"[:255]


def key_name(key: str) -> str:
    return key.partition(":")[2]


def is_slip(key: str, other: str) -> bool:
    """Two keys one or two typing slips apart on a long name ('Albermarle', 'Lake Clark Shores').

    One slip on a name of 10 letters or more, two on one of 20 or more; the caller also requires the
    same state, model and county, and that the two names are never on the same list.
    """
    a, b = key_name(key), key_name(other)
    shorter = min(len(a), len(b))
    limit = 2 if shorter >= 20 else 1 if shorter >= 10 else 0
    return limit > 0 and edit_distance(a, b, limit) <= limit


@lru_cache(maxsize=50_000)
def agency_kind(name: str, ice_type: str) -> str:
    key, kind = fold(name), fold(ice_type)
    if kind.startswith("state"):
        return Agency.Kind.STATE
    for words, result in (
        (("sheriff",), Agency.Kind.SHERIFF),
        (("constable",), Agency.Kind.CONSTABLE),
        (("marshal",), Agency.Kind.MARSHAL),
        (
            ("district attorney", "state attorney", "county attorney", "attorney general"),
            Agency.Kind.DISTRICT_ATTORNEY,
        ),
        (("police", "public safety"), Agency.Kind.POLICE),
    ):
        if any(word in key for word in words):
            return result
    return Agency.Kind.OTHER


@lru_cache(maxsize=20_000)
def _key(text: str) -> str:
    return compact(text)


class CountyResolver:
    """Finds a county from ICE's COUNTY text, from an agency's name, or from the Census place it serves."""

    def __init__(self):
        self.by_state: dict[int, dict[str, CountyRef]] = {}
        self.short: dict[int, dict[str, list[CountyRef]]] = {}
        counties = {}
        for pk, state_id, name, short_name in County.objects.values_list(
            "id", "state_id", "name", "short_name"
        ):
            ref = counties[pk] = CountyRef(pk, name)
            self.by_state.setdefault(state_id, {})[_key(name)] = ref
            short = re.sub(r"city$", "", _key(short_name))  # 'Hopewell city' is found as 'Hopewell'
            self.short.setdefault(state_id, {}).setdefault(short, []).append(ref)
        links: dict[int, list[CountyRef]] = {}
        for place_id, county_id in PlaceCounty.objects.values_list("place_id", "county_id"):
            links.setdefault(place_id, []).append(counties[county_id])
        self.places: dict[int, dict[str, list[list[CountyRef]]]] = {}
        for pk, state_id, name in Place.objects.values_list("id", "state_id", "name"):
            self.places.setdefault(state_id, {}).setdefault(_key(name), []).append(links.get(pk, []))

    def from_text(self, state: StateRef, text: str) -> CountyRef | None:
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

    def nearest(self, state: StateRef, text: str) -> CountyRef | None:
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

    def from_name(self, state: StateRef, agency: str) -> CountyRef | None:
        match = _COUNTY_IN_NAME.match(fold(agency))
        return self.from_text(state, match.group(0)) if match else None

    def places_for(self, state: StateRef, agency: str) -> list[list[CountyRef]]:
        city = _CITY_SUFFIX.sub("", _CITY_PREFIX.sub("", fold(agency)))
        return self.places.get(state.id, {}).get(_key(city), []) if city != fold(agency) else []

    def resolve(
        self, state: StateRef, agency: str, county_texts: list[str | None]
    ) -> tuple[CountyRef | None, str, str]:
        """(county, how, problem) from ICE's COUNTY texts (newest first), the name, then the place.

        `how` is an Agency.Placement value; `problem` is empty when the county was found.
        """
        given = [text for text in county_texts if text is not None]
        for text in given:
            if compact(text) not in MISSING_VALUES:
                county = self.from_text(state, text)
                if county:
                    return county, Agency.Placement.ICE, ""
        county = self.from_name(state, agency)
        if county:
            return county, Agency.Placement.NAME, ""
        places = self.places_for(state, agency)
        if len(places) == 1 and len(places[0]) == 1:
            return places[0][0], Agency.Placement.PLACE, ""
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
        if len(places) == 1 and places[0]:
            why += "; the place lies in " + " and ".join(c.name for c in places[0])
        return None, Agency.Placement.NONE, f"{COUNTY_PROBLEM}: {why}."
