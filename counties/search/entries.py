"""What the index holds and a search returns: counties, entries (a county, a place, a ZIP code, a state,
an agency), results and the outcome of one search."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from .parse import CITY_WEIGHT, ENTER_MARGIN, HOME_STATE, TEXAS_WEIGHT


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
    def people(self) -> float:
        """About how many people it stands for: its weight without the search's own weighting."""
        return (
            self.weight
            / (TEXAS_WEIGHT if self.state_code == HOME_STATE else 1)
            / (CITY_WEIGHT if self.kind == "place" else 1)
        )

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
class Answer:
    """What a search found, and what to tell the person."""

    query: str
    kind: str = "text"  # "empty", "too-long", "unreadable", "digits", "zip", "text"
    zip_code: str = ""
    zip_city: str = ""
    zip_no_homes: bool = False  # the ZIP code has no residential address at all (PO boxes, businesses)
    results: list[Result] = field(default_factory=list)
    state: str = ""  # a state the person named ("Dallas, TX"), if any
    fuzzy: bool = False  # results are guesses at a misspelling
    near_home: int = 0  # how many far larger Texas places spelled like the query come before what matches
    more: bool = False  # more places matched than are shown
    more_agencies: bool = False  # more agencies matched than are shown

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
        if not self.results or self.near_home:
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
