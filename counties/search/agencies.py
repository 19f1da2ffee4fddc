"""The agencies on ICE's lists, indexed by the words of their names (and acronyms), with their counties."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from ..models import (
    Agency,
    AgencyCounty,
    Agreement,
    State,
)
from ..status import sorted_models
from ..text import fold
from .entries import CountyRef, Entry, Result, Tier
from .parse import _AGENCY_STOPWORDS, _AGENCY_SYNONYMS, _WORDS, HOME_STATE, MAX_AGENCIES, TEXAS_WEIGHT, _words


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
                models=tuple(sorted_models(models.get(pk, ()))),  # the order every page says them in
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
