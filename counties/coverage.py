"""Every current agreement that covers what a search found, for its result lines: one query.

A search result for a city or a ZIP code names, in this order (issue 26):
1. the city's own agencies with an agreement (its police, marshal, public safety department: an agency
   whose name is the city's, "Southside Place Police Department", placed in one of the result's counties),
   for a ZIP code those named for its postal city;
2. the county's sheriff (an agreement of the sheriff's office whose main county it is);
3. how many other agencies working in the county have one, and how many of the state's statewide
   agencies, with a link to the county page that names them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from .importers.placing import city_in_name, city_key
from .models import Agency, Agreement
from .status import sorted_models

# Placements whose evidence is a city: the city they name (AgencyCounty.via) is the agency's city too
# (ICE's "Sunny Isles Police Department" is Sunny Isles Beach's, by the table).
CITY_PLACEMENTS = frozenset(
    {Agency.Placement.ZIP, Agency.Placement.PLACE, Agency.Placement.GEONAMES, Agency.Placement.TABLE}
)


@dataclass
class Named:
    id: int
    name: str
    models: list[str]
    cities: set[str] = field(default_factory=set)  # the city keys the agency is placed by


@dataclass
class CountyCover:
    sheriff: list[str] = field(default_factory=list)  # the sheriff's models, if any
    agencies: dict[int, Named] = field(default_factory=dict)  # every other agency with an agreement here
    statewide: int = 0


@dataclass
class CountyLine:
    sheriff: list[str]
    others: int  # agencies with an agreement here besides the sheriff and those the line names


@dataclass
class Line:
    own: list[Named]
    counties: dict[int, CountyLine]
    statewide: int  # the state's statewide agencies with an agreement (they work in every county)


class Coverage:
    def __init__(self, outcome):
        self.counties: dict[int, CountyCover] = defaultdict(CountyCover)
        destinations = outcome.destinations
        if not destinations:
            return
        states = {c.state_code for r in outcome.results for c in r.counties}
        rows = (
            Agreement.objects.current()
            .filter(
                Q(agency__placements__county_id__in=destinations)
                | Q(agency__statewide=True, agency__state__code__in=states)
            )
            .values_list(
                "agency__placements__county_id",
                "agency_id",
                "agency__name",
                "agency__kind",
                "agency__county_id",
                "agency__statewide",
                "agency__state__code",
                "model",
                "agency__placements__placed_by",
                "agency__placements__via",
            )
        )
        sheriffs: dict[int, list[str]] = defaultdict(list)
        agencies: dict[int, dict[int, Named]] = defaultdict(dict)
        statewide: dict[str, dict[int, Named]] = defaultdict(dict)
        for county_id, agency_id, name, kind, main, is_statewide, state, model, how, via in rows:
            if is_statewide:
                statewide[state].setdefault(agency_id, Named(agency_id, name, [])).models.append(model)
            elif kind == Agency.Kind.SHERIFF and county_id == main:
                sheriffs[county_id].append(model)
            elif county_id in destinations:
                named = agencies[county_id].setdefault(agency_id, Named(agency_id, name, []))
                named.models.append(model)
                named.cities.add(city_key(city_in_name(name) or "-"))
                if how in CITY_PLACEMENTS and via:
                    named.cities.add(city_key(via))
        state_of = {c.id: c.state_code for r in outcome.results for c in r.counties}
        for county_id in destinations:
            cover = self.counties[county_id]
            cover.sheriff = sorted_models(sheriffs.get(county_id, []))
            cover.agencies = agencies.get(county_id, {})
            cover.statewide = len(statewide.get(state_of[county_id], {}))
            for named in cover.agencies.values():
                named.models = sorted_models(set(named.models))

    def _own(self, counties: tuple[int, ...], city: str) -> list[Named]:
        wanted = city_key(city)
        found = {}
        for county_id in counties:
            for agency_id, named in self.counties[county_id].agencies.items():
                if wanted in named.cities:
                    found[agency_id] = named
        return sorted(found.values(), key=lambda n: n.name)

    def line(self, result, city: str = "") -> Line:
        """What a result line says: the agencies with an agreement named for the result's city (`city`: a
        ZIP code's postal city) in any of its counties, then for each county its sheriff and the count
        of the others."""
        counties = tuple(c.id for c in result.counties)
        if city:
            own = self._own(counties, city)
        elif result.entry.kind == "place":
            own = self._own(counties, result.entry.name)
        else:
            own = []  # a county or a state: its sheriff and the count of the others
        named = {n.id for n in own}  # by agency: a city in two counties has its police in each
        return Line(
            own=own,
            counties={
                county_id: CountyLine(
                    sheriff=self.counties[county_id].sheriff,
                    others=sum(
                        1 for agency_id in self.counties[county_id].agencies if agency_id not in named
                    ),
                )
                for county_id in counties
            },
            statewide=max((self.counties[county_id].statewide for county_id in counties), default=0),
        )
