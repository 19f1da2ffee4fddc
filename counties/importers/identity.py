"""Which agency a row of ICE's list is about, and which county it works in.

- `agency_key(state, name)`: one key per agency whatever ICE's spelling (case, accents, apostrophes,
  punctuation, spacing, 'Dept'/'PD'/'St.'/'Ft.', a leading 'City of' or state name).
- `agency_kind(name, ice_type)`: sheriff, police, constable, marshal, prosecutor (a district, county or state
  attorney), state or other.
- the counties an agency works in: `CountyResolver` in placing.py.
- `same_agency_rules`: when two keys are one agency (renames), see `_merge_keys` in rebuild/same_agency.py.

The hand-checked tables these rules use are in counties/importers/corrections.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..models import Agency, State
from ..text import edit_distance, fold
from .corrections import (
    STATE_CORRECTIONS,
    STATE_NAME_SLIPS,
)

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


class StateRef(NamedTuple):
    id: int
    code: str
    name: str


class CountyName(NamedTuple):
    id: int
    name: str


class States:
    """State names as ICE writes them (upper case, slips, territories) -> the state."""

    def __init__(self):
        self.by_name = {fold(s.name): StateRef(s.pk, s.code, s.name) for s in State.objects.all()}
        self.by_code = {ref.code: ref for ref in self.by_name.values()}
        self._found: dict[tuple[str, str, str], StateRef | None] = {}  # a rebuild asks ~157,000 times

    def find(self, kind: str, text: str, agency: str) -> StateRef | None:
        asked = (kind, text, agency)
        if asked not in self._found:
            self._found[asked] = self._find(kind, text, agency)
        return self._found[asked]

    def _find(self, kind: str, text: str, agency: str) -> StateRef | None:
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


_DPS = re.compile(r"\bdps\b")


@lru_cache(maxsize=50_000)
def loose_name(key: str, state_code: str, state_name: str) -> str:
    """A key's words, once the ways ICE writes one agency's name differently are undone; two keys of one
    state with the same loose name are one agency (rebuild.same_agency._merge_keys, AgencyName.Why.WORDS). Each way is
    on ICE's lists (the whole-archive check, tests/slow, names them):
    - the state's postal code at the end ('Franklin County Sheriff's Office, PA', '..., LA') or at the start
      ('MT Dept of Corrections' beside 'Montana Department of Corrections': the key already drops a leading
      state name), or the state's name at the end;
    - 'DPS' for 'Department of Public Safety';
    - the same words in another order ('Sheriff's Office Lafayette Parish').
    Only the key is compared, so published IDs (which carry the key) never change."""
    words = key_name(key).split()
    code, state_words = state_code.lower(), fold(state_name).split()
    if len(words) > 1 and words[0] == code:
        words = words[1:]
    if len(words) > 1 and words[-1] == code:
        words = words[:-1]
    if len(words) > len(state_words) and words[-len(state_words) :] == state_words:
        words = words[: -len(state_words)]
    text = _DPS.sub("department of public safety", " ".join(words))
    return " ".join(sorted(text.split()))


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
