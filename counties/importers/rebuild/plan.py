"""What a rebuild plans before it writes anything: the lists, each row read, and the planned records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...models import (
    Snapshot,
)
from ..identity import (
    StateRef,
    agency_kind,
)
from ..placing import Resolution

PARTICIPATING, PENDING = Snapshot.Kind.PARTICIPATING, Snapshot.Kind.PENDING
KINDS = (PARTICIPATING, PENDING)
DATE_FIX_DAYS = 31  # a signing date that moves by up to a month with the same document is a correction
# Names compared pairwise for typing slips share a state, county and model; the largest such group on ICE's
# lists has about 200 names (Florida police departments ICE gives no county). A bigger one is not compared.
SLIP_GROUP_LIMIT = 1000


@dataclass(frozen=True)
class ListRef:
    id: int
    kind: str
    as_of: date
    unchanged_through: date
    index: int  # position among the lists of its kind, oldest first


@dataclass
class Observation:
    """One row of one list, read."""

    list: ListRef
    number: int
    key: str
    model: str
    name: str
    ice_type: str
    county_text: str | None
    signed: str | None
    signed_raw: str
    moa: str
    addendum: str


# Where an agency works: (county id, share of its city there or None, how found, the evidence named), the
# main county first (AgencyCounty rows).
Placements = tuple[tuple[int, float | None, str, str], ...]


@dataclass
class KeyInfo:
    key: str
    state: StateRef
    observations: list[Observation] = field(default_factory=list)
    resolution: Resolution = Resolution()
    merge_county: int | None = None  # what the rules joining names compare (CountyResolver.merge_county)

    @property
    def county_id(self) -> int | None:
        county = self.resolution.county
        return county.id if county else None

    @property
    def placements(self) -> Placements:
        return tuple((p.county.id, p.share, p.how, p.via[:120]) for p in self.resolution.placed)

    @property
    def newest(self) -> Observation:
        """The newest sighting. Asked for about 170,000 times in a rebuild of the archive, so it is kept,
        keyed on how many sightings there are (the list only grows while the rows are read)."""
        kept = self.__dict__.get("_newest")
        if kept is None or kept[0] != len(self.observations):
            newest = max(
                self.observations, key=lambda o: (o.list.as_of, o.list.kind == PARTICIPATING, -o.number)
            )
            kept = self.__dict__["_newest"] = (len(self.observations), newest)
        return kept[1]

    @property
    def first(self) -> Observation:
        return min(self.observations, key=lambda o: (o.list.as_of, o.list.kind != PARTICIPATING, o.number))

    def presence(self, kind: str, model: str) -> set[int]:
        return {o.list.index for o in self.observations if o.list.kind == kind and o.model == model}

    @property
    def kind(self) -> str:
        newest = self.newest
        kept = self.__dict__.get("_kind")
        if kept is None or kept[0] is not newest:
            kept = self.__dict__["_kind"] = (newest, agency_kind(newest.name, newest.ice_type))
        return kept[1]


@dataclass
class PlannedAgency:
    primary: str  # the key of the earliest name
    keys: list[str]
    why: dict[str, str]  # key -> AgencyName.Why
    state_id: int
    name: str
    kind: str
    ice_type: str
    statewide: bool
    county_id: int | None
    placed_by: str
    county_raw: str
    county_locked: bool
    unresolved_reason: str
    unplaced_why: str
    first_seen_id: int
    placements: Placements
    key_names: dict[str, tuple[str, int, int]]  # key -> (newest spelling, first list id, last list id)


@dataclass
class PlannedAgreement:
    agency: str  # primary key
    model: str
    public_id: str
    aliases: list[str]
    signed: date | None
    signed_raw: str
    moa_url: str
    addendum_url: str
    first_listed_id: int
    last_listed_id: int
    dropped_on_id: int | None
    gone_from_id: int | None  # its latest gap: the first list without it, and the list it came back on
    back_on_id: int | None
    first_listed_is_oldest: bool
    is_current: bool
    listings: list[int]  # indices of the participating lists that show it
    starts: list[ListRef]  # the lists where it was first listed or listed again


@dataclass
class PlannedRequest:
    agency: str
    model: str
    public_id: str
    first_pending_id: int
    last_pending_id: int
    first_pending_is_oldest: bool
    gone_on_id: int | None
    outcome: str
    signed_on_id: int | None
    agreement: str | None  # public_id
    listings: list[int]  # indices of the pending lists that show it


@dataclass
class PlannedChange:
    key: str
    kind: str
    date: date
    snapshot_id: int
    previous_id: int | None
    agency: str
    agreement: str | None
    request: str | None
    model: str
    old_value: str = ""
    new_value: str = ""


@dataclass
class Counters:
    rows_read: int = 0
    rows_unresolved: int = 0
    unresolved: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # {"all": {model: n}, "TX": {model: n}}
    agreements_added: int = 0
    agreements_dropped: int = 0
    agreements_changed: int = 0
    agreements_relisted: int = 0


@dataclass
class Plan:
    lists: dict[str, list[ListRef]]
    agencies: dict[str, PlannedAgency]
    agreements: dict[tuple[str, str], PlannedAgreement]
    requests: dict[tuple[str, str], PlannedRequest]
    changes: list[PlannedChange]
    counters: dict[int, Counters]
    merged: dict[str, int]  # AgencyName.Why -> how many keys were merged into another agency that way
    seconds: float = 0.0
