"""Work out everything ICE's lists say, from all of them at once: agencies, agreements, requests, changes.

    plan = build_plan()      # reads every Snapshot's rows and the reference data; writes nothing
    stats = write_plan(plan) # brings the database in line with the plan, touching only what differs

The derived records are a function of the set of lists, never of the order they were imported in:
importing a window of lists twice, or in a shuffled order, gives the same agencies, agreements, requests,
changes and per-list counters (each list is compared with its neighbour by date). What editors decide is
kept across rebuilds: the counties an editor chose (Agency.county_locked), an agreement's corrected date or
links (Agreement.details_locked), and every editor's Event.

Steps, one function each:
1. `_read_rows`: each row of each list -> an Observation (state, agency key, model, date, links) or a
   problem (no state, no agency, unknown support type);
2. `_resolve_counties`: the counties each agency key works in (ICE's COUNTY column, the name, the Census
   place, the city's ZIP codes, the table of regional agencies; identity.CountyResolver), or an editor's
   choice;
3. `_merge_keys`: which keys are one agency (the rules in identity.py and the rename table);
4. `_agencies`, `_agreements`, `_requests`: the records, with their changes and the per-list counters.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import pagecache
from ..models import (
    Agency,
    AgencyCounty,
    AgencyName,
    Agreement,
    Change,
    Event,
    Request,
    Snapshot,
    SnapshotData,
)
from ..text import fold
from .corrections import RENAMES
from .identity import (
    CountyResolver,
    Resolution,
    StateRef,
    States,
    agency_key,
    agency_kind,
    is_slip,
    loose_name,
)
from .lists import Col, decode_rows, document_key, model_from

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
        return max(self.observations, key=lambda o: (o.list.as_of, o.list.kind == PARTICIPATING, -o.number))

    @property
    def first(self) -> Observation:
        return min(self.observations, key=lambda o: (o.list.as_of, o.list.kind != PARTICIPATING, o.number))

    def presence(self, kind: str, model: str) -> set[int]:
        return {o.list.index for o in self.observations if o.list.kind == kind and o.model == model}

    @property
    def kind(self) -> str:
        newest = self.newest
        return agency_kind(newest.name, newest.ice_type)


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


# --- 1. rows -------------------------------------------------------------------------------------------


def _read_rows(lists, states: States, counters: dict[int, Counters]) -> dict[str, KeyInfo]:
    keys: dict[str, KeyInfo] = {}
    for ref, rows in lists:
        counts = counters[ref.id]
        counts.rows_read = len(rows)
        for row in rows:
            state = states.find(ref.kind, row[Col.STATE], row[Col.AGENCY])
            model = model_from(row[Col.SUPPORT])
            problem = ""
            if state is None:
                problem = f"Unknown state {row[Col.STATE]!r}." if row[Col.STATE] else "No STATE."
            elif not row[Col.AGENCY]:
                problem = "No agency name."
            elif not model and not (ref.kind == PENDING and not row[Col.SUPPORT]):
                # A pending row with no SUPPORT TYPE at all is still a request, of a model ICE does not give
                # (4 rows in the archive, e.g. Sedgwick County (KS) Sheriff's Office on 2025-10-28).
                problem = f"Unknown support type {row[Col.SUPPORT]!r}."
            if problem:
                counts.unresolved.append(
                    [row[Col.NUMBER], row[Col.STATE], row[Col.AGENCY], row[Col.SUPPORT], problem]
                )
                continue
            key = agency_key(state.code, state.name, row[Col.AGENCY])
            info = keys.get(key)
            if info is None:
                info = keys[key] = KeyInfo(key, state)
            info.observations.append(
                Observation(
                    ref, row[Col.NUMBER], key, model, row[Col.AGENCY], row[Col.TYPE], row[Col.COUNTY],
                    row[Col.SIGNED], row[Col.SIGNED_RAW], row[Col.MOA], row[Col.ADDENDUM],
                )
            )  # fmt: skip
    return keys


# --- 2. counties ---------------------------------------------------------------------------------------


def _resolve_counties(keys: dict[str, KeyInfo], resolver: CountyResolver) -> None:
    for info in keys.values():
        ordered = sorted(
            info.observations, key=lambda o: (o.list.as_of, o.list.kind == PARTICIPATING), reverse=True
        )
        texts = list(dict.fromkeys(o.county_text for o in ordered))
        state_agency = info.kind == Agency.Kind.STATE
        info.resolution = resolver.resolve(info.state, info.newest.name, texts, state_agency=state_agency)
        info.merge_county = resolver.merge_county(
            info.state, info.newest.name, texts, state_agency=state_agency
        )


# --- 3. which keys are one agency ------------------------------------------------------------------------


class _Components:
    def __init__(self, keys):
        self.parent = {key: key for key in keys}
        self.edges: dict[str, str] = {}  # key -> why it joined another key (the first rule that said so)
        # One agreement passed from one agency to another that ICE lists beside it (same document, same
        # model and county): ((key, model), (key, model)).
        self.handovers: list[tuple[tuple[str, str], tuple[str, str]]] = []

    def find(self, key):
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a, b, why):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
        self.edges.setdefault(a, why)
        self.edges.setdefault(b, why)


def _disjoint(a: KeyInfo, b: KeyInfo, model: str) -> bool:
    return not any(a.presence(kind, model) & b.presence(kind, model) for kind in KINDS)


def _never_together(a: KeyInfo, b: KeyInfo) -> bool:
    """The two names are never on the same list, whatever the model: they can be one agency renamed."""
    lists_a = {(o.list.kind, o.list.index) for o in a.observations}
    return not any((o.list.kind, o.list.index) in lists_a for o in b.observations)


def _same_place(a: KeyInfo, b: KeyInfo) -> bool:
    return a.state == b.state and a.merge_county == b.merge_county


def _merge_keys(keys: dict[str, KeyInfo]) -> _Components:
    components = _Components(keys)
    # The sheriff's office of one county is one agency, whatever ICE calls it ("Sheriff's Office",
    # "Sheriff's Department", a typo in the county's name that the county column corrects).
    sheriffs: dict[tuple[int, int], list[str]] = defaultdict(list)
    for info in keys.values():
        if info.kind == Agency.Kind.SHERIFF and info.merge_county is not None:
            sheriffs[(info.state.id, info.merge_county)].append(info.key)
    for group in sheriffs.values():
        for other in sorted(group)[1:]:
            components.union(sorted(group)[0], other, AgencyName.Why.SHERIFF)
    # The same signed agreement (PDF), the same model and county, and never on the same list: a rename.
    # A PDF linked from two agencies in different counties is ICE's mistake, not a rename. When the two
    # names are both on some list (with other agreements), they are two agencies: the agreement passed
    # from one to the other (Escambia County's sheriff, then its Board of County Commissioners).
    by_document: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    for info in keys.values():
        for o in info.observations:
            document = document_key(o.moa)
            if document:
                by_document[(info.state.id, o.model, document)].add(info.key)
    for (_state, model, _document), group in sorted(by_document.items()):
        group = sorted(group)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _same_place(keys[a], keys[b]) and _disjoint(keys[a], keys[b], model):
                    if _never_together(keys[a], keys[b]):
                        components.union(a, b, AgencyName.Why.SAME_PDF)
                    else:
                        components.handovers.append(((a, model), (b, model)))
    # A typing slip on a long name, same model and county, never on the same list.
    by_place: dict[tuple[int, int | None, str], list[str]] = defaultdict(list)
    for info in keys.values():
        for model in {o.model for o in info.observations}:
            by_place[(info.state.id, info.merge_county, model)].append(info.key)
    for (_state, _county, model), group in by_place.items():
        if len(group) > SLIP_GROUP_LIMIT:  # pairwise comparison: bounded, whatever a hostile file holds
            continue
        group = sorted(group, key=lambda key: (len(key), key))
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if len(b) - len(a) > 2:
                    break  # sorted by length: no slip with any longer key
                if is_slip(a, b) and _disjoint(keys[a], keys[b], model):
                    components.union(a, b, AgencyName.Why.SLIP)
    # The same name written another way (identity.loose_name): ', PA' at the end, 'MT' for Montana, 'DPS',
    # the words in another order; in the same place (or one of the two places unknown).
    by_loose: dict[tuple[int, str], list[str]] = defaultdict(list)
    for info in keys.values():
        by_loose[(info.state.id, loose_name(info.key, info.state.code, info.state.name))].append(info.key)
    for group in by_loose.values():
        if len(group) < 2:
            continue
        # Keys of one county join each other; a key whose county is not known joins only when the group
        # has one known county (never a bridge between two counties).
        known = {keys[key].merge_county for key in group} - {None}
        for county in known or {None}:
            members = sorted(key for key in group if keys[key].merge_county in (county, None))
            if len(known) > 1:
                members = [key for key in members if keys[key].merge_county == county]
            for other in members[1:]:
                if _never_same_row(keys[members[0]], keys[other]):
                    components.union(members[0], other, AgencyName.Why.WORDS)
    _stand_ins(keys, components)
    # The rename table, for what no rule can tell.
    for state_code, earlier, later in RENAMES:
        a, b = f"{state_code.lower()}:{earlier}", f"{state_code.lower()}:{later}"
        if a in keys and b in keys:
            components.union(a, b, AgencyName.Why.TABLE)
    return components


def _never_same_row(a: KeyInfo, b: KeyInfo) -> bool:
    """The two names never stand for the same model on the same list (two rows of one list are two
    agreements, whatever their names)."""
    models = {o.model for o in a.observations} & {o.model for o in b.observations}
    return all(_disjoint(a, b, model) for model in models)


def _compatible_place(a: KeyInfo, b: KeyInfo) -> bool:
    """The same state, and the same county or one of the two not known."""
    return a.state == b.state and (
        a.merge_county is None or b.merge_county is None or a.merge_county == b.merge_county
    )


STAND_IN_MAX_LISTS = 3  # a stand-in name is on this many participating lists at most


def _fills_gaps(stand_in: set[int], holder: set[int]) -> bool:
    """Every run of lists of `stand_in` is a gap in `holder`: `holder` is on the list just before the run
    and on the list just after it, and on none of the run's lists."""
    if not stand_in or stand_in & holder:
        return False
    return all(
        (i - 1 in stand_in or i - 1 in holder) and (i + 1 in stand_in or i + 1 in holder) for i in stand_in
    )


def _stand_ins(keys: dict[str, KeyInfo], components: _Components) -> None:
    """A name on a few participating lists only (STAND_IN_MAX_LISTS), each time exactly where one other agency
    of the same state, kind, model and signing date is missing, is that agency under a garbled name.

    Evidence: ICE's list of 2024-12-11 has "Waria-labelon County Sheriff's Office" (Florida, Warrant Service
    Officer, signed 2019-05-06, row 61; even its PDF link reads 287gWSO_Waria-labelonCoFl) where the lists
    of 2024-12-04 and 2024-12-18 have "Walton County Sheriff's Office" with the same model, date and row: the
    site read a "no longer listed" and a "listed again" a week later. Only one such agency may fit."""
    by_signature: dict[tuple, set[str]] = defaultdict(set)
    for info in keys.values():
        for o in info.observations:
            if o.list.kind == PARTICIPATING and o.signed:
                by_signature[(info.state.id, info.kind, o.model, o.signed)].add(info.key)
    for (_state, _kind, model, _signed), group in sorted(by_signature.items()):
        if len(group) < 2 or len(group) > SLIP_GROUP_LIMIT:
            continue
        for a in sorted(group):
            lists_a = keys[a].presence(PARTICIPATING, model)
            if len(lists_a) > STAND_IN_MAX_LISTS:
                continue
            fits = [
                b
                for b in sorted(group)
                if b != a
                and len(keys[b].presence(PARTICIPATING, model)) > len(lists_a)
                and _fills_gaps(lists_a, keys[b].presence(PARTICIPATING, model))
                and _compatible_place(keys[a], keys[b])
            ]
            if len(fits) == 1:
                components.union(fits[0], a, AgencyName.Why.STAND_IN)


# --- 4. records ----------------------------------------------------------------------------------------


def _agencies(keys, components, locks, counters) -> dict[str, PlannedAgency]:
    groups: dict[str, list[KeyInfo]] = defaultdict(list)
    for info in keys.values():
        groups[components.find(info.key)].append(info)
    agencies = {}
    for group in groups.values():
        by_first = sorted(group, key=lambda i: (i.first.list.as_of, i.key))
        primary = by_first[0]
        newest_info = max(
            group, key=lambda i: (i.newest.list.as_of, i.newest.list.kind == PARTICIPATING, i.key)
        )
        newest = newest_info.newest
        kind = agency_kind(newest.name, newest.ice_type)
        # Where the newest name says it works; else where the newest name that places it says.
        placed = [i for i in sorted(group, key=lambda i: i.newest.list.as_of, reverse=True) if i.placements]
        found = newest_info
        if not (found.placements or found.resolution.statewide) and placed:
            found = placed[0]
        placements, statewide = found.placements, found.resolution.statewide
        problem, unplaced_why = found.resolution.problem, found.resolution.why
        placed_by = placements[0][2] if placements else Agency.Placement.STATEWIDE if statewide else ""
        lock = next((locks[i.key] for i in group if i.key in locks), None)
        if lock is not None:  # an editor's choice stands, whatever the lists say
            placements, placed_by, statewide = lock, Agency.Placement.EDITOR, False
        if placements or statewide:
            problem = unplaced_why = ""
        county_id = placements[0][0] if placements else None
        ice_types = [
            o.ice_type
            for o in sorted(newest_info.observations, key=lambda o: o.list.as_of, reverse=True)
            if o.ice_type
        ]
        first_obs = min((i.first for i in group), key=lambda o: (o.list.as_of, o.list.kind != PARTICIPATING))
        agency = PlannedAgency(
            primary=primary.key,
            keys=[i.key for i in by_first],
            why={i.key: AgencyName.Why.FIRST if i is primary else components.edges[i.key] for i in group},
            state_id=primary.state.id,
            name=newest.name[:255],
            kind=kind,
            ice_type=(ice_types[0] if ice_types else "")[:40],
            statewide=statewide,
            county_id=county_id,
            placed_by=placed_by,
            county_raw=(
                next(
                    (
                        o.county_text
                        for o in sorted(newest_info.observations, key=lambda o: o.list.as_of, reverse=True)
                        if o.county_text is not None
                    ),
                    "",
                )
                or ""
            )[:120],
            county_locked=lock is not None,
            unresolved_reason=problem[:255],
            unplaced_why=unplaced_why,
            first_seen_id=first_obs.list.id,
            placements=placements,
            key_names={i.key: (i.newest.name[:255], i.first.list.id, i.newest.list.id) for i in group},
        )
        agencies[primary.key] = agency
        if problem:
            for info in group:
                for o in info.observations:
                    counters[o.list.id].unresolved.append(
                        [o.number, info.state.name.upper(), o.name, o.model, problem]
                    )
    return agencies


def _per_list(observations: list[Observation]) -> dict[int, Observation]:
    """The row each list shows for one agreement (a duplicated row: the one with a link, then the first)."""
    chosen: dict[int, Observation] = {}
    for o in sorted(observations, key=lambda o: (o.list.index, not o.moa, o.number)):
        chosen.setdefault(o.list.index, o)
    return chosen


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _detail_changes(before: Observation, after: Observation) -> list[tuple[str, str, str]]:
    """(Change.Kind, old, new) between two consecutive listings of one agreement.

    - a first document where there was none: ICE published the signed agreement;
    - another document with a later signing date: the agreement was signed again;
    - another document otherwise: ICE changed the document it links (sometimes fixing a wrong link);
    - a date that moves with the same document, or by up to a month with none: ICE corrected the date;
      any other move of the date: ICE changed it;
    - a first addendum; a new name (another key of the same agreement).
    Links are compared as documents (case, wrappers and encoding aside), names folded.
    """
    found = []
    old_doc, new_doc = document_key(before.moa), document_key(after.moa)
    old_date, new_date = _iso(before.signed), _iso(after.signed)
    resigned = False
    if new_doc and not old_doc:
        found.append((Change.Kind.PDF_PUBLISHED, "", after.moa))
    elif new_doc and old_doc and new_doc != old_doc:
        if old_date and new_date and new_date > old_date:
            found.append((Change.Kind.RESIGNED, before.signed, after.signed))
            resigned = True
        else:
            found.append((Change.Kind.PDF_REPLACED, before.moa, after.moa))
    if not resigned:
        if old_date and new_date and old_date != new_date:
            same_document = bool(old_doc) and old_doc == new_doc
            small = abs((new_date - old_date).days) <= DATE_FIX_DAYS and not (
                old_doc and new_doc and old_doc != new_doc
            )
            kind = Change.Kind.DATE_CORRECTED if same_document or small else Change.Kind.DATE_CHANGED
            found.append((kind, before.signed, after.signed))
        elif new_date and not old_date and before.signed_raw:
            found.append((Change.Kind.DATE_CORRECTED, before.signed_raw, after.signed))
    if document_key(after.addendum) and not document_key(before.addendum):
        found.append((Change.Kind.ADDENDUM, "", after.addendum))
    if fold(after.name) != fold(before.name) and after.key != before.key:
        found.append((Change.Kind.RENAMED, before.name, after.name))
    return found


def _agreement_groups(keys, primary_of, handovers) -> dict[tuple[str, str], list[Observation]]:
    """Participating rows by agreement: (agency, model), with agreements handed from one agency to another
    joined under the agency that holds them last."""
    grouped: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for info in keys.values():
        primary = primary_of[info.key]
        for o in info.observations:
            if o.list.kind == PARTICIPATING:
                grouped[(primary, o.model)].append(o)
    for (a, model), (b, _model) in handovers:
        first, second = (primary_of[a], model), (primary_of[b], model)
        if first == second or first not in grouped or second not in grouped:
            continue
        newest_first = max(o.list.index for o in grouped[first])
        newest_second = max(o.list.index for o in grouped[second])
        owner, other = (first, second) if newest_first >= newest_second else (second, first)
        grouped[owner].extend(grouped.pop(other))
    return grouped


def _agreements(
    keys, primary_of, handovers, agencies, lists, changes, counters
) -> dict[tuple[str, str], PlannedAgreement]:
    participating = lists[PARTICIPATING]
    newest = len(participating) - 1
    grouped = _agreement_groups(keys, primary_of, handovers)
    planned = {}
    for (agency_key_, model), observations in sorted(grouped.items()):
        by_list = _per_list(observations)
        ids = _ids(agencies[agency_key_], model, observations, keys)
        public_id = ids[0]
        indices = sorted(by_list)
        starts = []
        previous = None
        changed_lists = set()
        for index in range(indices[0], newest + 1):
            here = by_list.get(index)
            ref = participating[index]
            if here is None:
                if previous is not None and previous.list.index == index - 1:
                    _change(
                        changes, Change.Kind.DELISTED, ref, previous.list, agency_key_, public_id, None, model
                    )
                    counters[ref.id].agreements_dropped += 1
                continue
            if previous is None:
                kind = Change.Kind.ON_OLDEST if index == 0 else Change.Kind.LISTED
                _change(changes, kind, ref, None, agency_key_, public_id, None, model, new=here.signed or "")
                if index:
                    counters[ref.id].agreements_added += 1
                starts.append(ref)
            else:
                if previous.list.index != index - 1:
                    _change(
                        changes, Change.Kind.RELISTED, ref, previous.list, agency_key_, public_id, None, model
                    )
                    counters[ref.id].agreements_relisted += 1
                    starts.append(ref)
                for kind, old, new in _detail_changes(previous, here):
                    _change(
                        changes,
                        kind,
                        ref,
                        previous.list,
                        agency_key_,
                        public_id,
                        None,
                        model,
                        old=old,
                        new=new,
                    )
                    changed_lists.add(ref.id)
            previous = here
        for list_id in changed_lists:
            counters[list_id].agreements_changed += 1
        last = by_list[indices[-1]]
        gap = next((i for i in range(len(indices) - 1, 0, -1) if indices[i] != indices[i - 1] + 1), None)
        planned[(agency_key_, model)] = PlannedAgreement(
            agency=agency_key_,
            model=model,
            public_id=public_id,
            aliases=ids[1:],
            signed=_iso(last.signed),
            signed_raw=last.signed_raw[:60],
            moa_url=last.moa,
            addendum_url=last.addendum,
            first_listed_id=participating[indices[0]].id,
            last_listed_id=participating[indices[-1]].id,
            dropped_on_id=participating[indices[-1] + 1].id if indices[-1] < newest else None,
            gone_from_id=participating[indices[gap - 1] + 1].id if gap else None,
            back_on_id=participating[indices[gap]].id if gap else None,
            first_listed_is_oldest=indices[0] == 0,
            is_current=indices[-1] == newest,
            listings=indices,
            starts=starts,
        )
    return planned


def _ids(agency: PlannedAgency, model: str, observations: list[Observation], keys) -> list[str]:
    """Every ID the agreement had, earliest name first: the first is its published ID, the rest aliases."""
    firsts: dict[str, tuple] = {}
    for o in observations:
        seen = (o.list.as_of, o.key)
        if o.key not in firsts or seen < firsts[o.key]:
            firsts[o.key] = seen
    return [f"{key}/{model}" for key in sorted(firsts, key=firsts.get)]


def _requests(
    keys, primary_of, agencies, agreements, lists, changes, counters
) -> dict[tuple[str, str], PlannedRequest]:
    pending = lists[PENDING]
    if not pending:
        return {}
    newest = len(pending) - 1
    grouped: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for info in keys.values():
        primary = primary_of[info.key]
        for o in info.observations:
            if o.list.kind == PENDING:
                grouped[(primary, o.model)].append(o)
    handed = _handed_over(agreements, primary_of)
    by_agency: dict[str, list[PlannedAgreement]] = defaultdict(list)
    for (holder, _model), agreement in agreements.items():
        by_agency[holder].append(agreement)
    planned = {}
    for (agency_key_, model), observations in sorted(grouped.items()):
        indices = sorted({o.list.index for o in observations})
        public_id = f"{agency_key_}/{model or 'no-model'}/request"
        first, last = pending[indices[0]], pending[indices[-1]]
        agreement = agreements.get((agency_key_, model)) or handed.get((agency_key_, model))
        if not model:  # ICE gave no model: any agreement of the agency that starts after the request signs it
            agreement = _first_after(by_agency.get(agency_key_, []), first.as_of)
        signed_on = None
        if agreement is not None:
            signed_on = next((ref for ref in agreement.starts if ref.as_of >= first.as_of), None)
        if signed_on is not None:
            outcome = Request.Outcome.SIGNED
        elif agreement is not None:
            outcome = Request.Outcome.ALREADY
        elif indices[-1] == newest:
            outcome = Request.Outcome.PENDING
        else:
            outcome = Request.Outcome.DROPPED
        gone_on = pending[indices[-1] + 1] if indices[-1] < newest else None
        kind = Change.Kind.REQUEST_ON_OLDEST if indices[0] == 0 else Change.Kind.REQUESTED
        _change(changes, kind, first, None, agency_key_, None, public_id, model)
        if indices[0]:
            counters[first.id].agreements_added += 1
        present = set(indices)
        for index in range(indices[0] + 1, newest + 1):
            if index not in present and index - 1 in present:
                counters[pending[index].id].agreements_dropped += 1
            elif index in present and index - 1 not in present:
                counters[pending[index].id].agreements_relisted += 1
        if outcome == Request.Outcome.DROPPED:
            _change(changes, Change.Kind.REQUEST_DROPPED, gone_on, last, agency_key_, None, public_id, model)
        planned[(agency_key_, model)] = PlannedRequest(
            agency=agency_key_,
            model=model,
            public_id=public_id,
            first_pending_id=first.id,
            last_pending_id=last.id,
            first_pending_is_oldest=indices[0] == 0,
            gone_on_id=gone_on.id if gone_on else None,
            outcome=outcome,
            signed_on_id=signed_on.id if signed_on else None,
            agreement=agreement.public_id if agreement else None,
            listings=indices,
        )
    return planned


def _first_after(agreements: list[PlannedAgreement], day: date) -> PlannedAgreement | None:
    """The agreement first listed on or after `day` (its first listing, not a return after a gap), or None:
    a request that names no model is signed only by an agreement that is new after it."""
    starting = [
        (a.starts[0].as_of, a.public_id, a) for a in agreements if a.starts and a.starts[0].as_of >= day
    ]
    return min(starting, key=lambda item: item[:2])[2] if starting else None


def _handed_over(agreements, primary_of) -> dict[tuple[str, str], PlannedAgreement]:
    """(agency, model) -> the agreement that agency held before it passed to another agency that ICE lists
    beside it (see _agreement_groups): a request of the first agency was signed as that agreement.

    Evidence: Franklin County (PA)'s sheriff asked for a Warrant Service Officer agreement (ICE's pending list
    of 2025-02-21); ICE listed it from 2025-03-17 under the sheriff, and from 2025-08-11 under "County of
    Franklin / Franklin County Jail", which holds it now. Without this the request read "dropped"."""
    handed = {}
    for (holder, model), agreement in agreements.items():
        for agreement_id in (agreement.public_id, *agreement.aliases):
            earlier = primary_of.get(agreement_id.rsplit("/", 1)[0])
            if earlier is not None and earlier != holder:
                handed.setdefault((earlier, model), agreement)
    return handed


def _change(
    changes, kind, ref: ListRef, previous: ListRef | None, agency, agreement, request, model, old="", new=""
):
    subject = agreement or request
    changes.append(
        PlannedChange(
            key=f"{kind}/{subject}/{ref.as_of.isoformat()}",
            kind=kind,
            date=ref.as_of,
            snapshot_id=ref.id,
            previous_id=previous.id if previous else None,
            agency=agency,
            agreement=agreement,
            request=request,
            model=model,
            old_value=(old or "")[:500],
            new_value=(new or "")[:500],
        )
    )


def _count_models(agreements, requests, lists, agencies, counters) -> None:
    """Agreements (requests) on each list by model, nationally and in Texas, for the growth figures."""
    texas = {primary for primary, agency in agencies.items() if primary.startswith("tx:")}
    for kind, records in ((PARTICIPATING, agreements), (PENDING, requests)):
        refs = lists[kind]
        for record in records.values():
            scopes = ("all", "TX") if record.agency in texas else ("all",)
            for index in record.listings:
                counts = counters[refs[index].id].counts
                for scope in scopes:
                    bucket = counts.setdefault(scope, {})
                    bucket[record.model] = bucket.get(record.model, 0) + 1


def _editor_locks() -> dict[str, Placements]:
    """Agency key (every name ICE used) -> the counties an editor chose (their AgencyCounty rows)."""
    locked = Agency.objects.filter(county_locked=True, county__isnull=False)
    rows: dict[int, list] = defaultdict(list)
    for agency_id, county_id, share, how, via in AgencyCounty.objects.filter(agency__in=locked).values_list(
        "agency_id", "county_id", "share", "placed_by", "via"
    ):
        rows[agency_id].append((county_id, float(share) if share is not None else None, how, via))
    by_agency: dict[int, Placements] = {}
    for pk, county_id in locked.values_list("pk", "county_id"):
        chosen = rows.get(pk) or [(county_id, None, Agency.Placement.EDITOR, "")]
        chosen.sort(key=lambda row: (row[0] != county_id, -(row[1] or 0), row[0]))  # the main county first
        by_agency[pk] = tuple(chosen)
    locks = {key: by_agency[pk] for key, pk in locked.values_list("key", "pk")}
    for key, pk in AgencyName.objects.filter(agency__in=locked).values_list("key", "agency_id"):
        locks.setdefault(key, by_agency[pk])
    return locks


def build_plan(*, exclude: set[int] = frozenset()) -> Plan:
    """The plan from every list held (but those in `exclude`, lists about to be removed)."""
    started = time.monotonic()
    lists: dict[str, list[ListRef]] = {kind: [] for kind in KINDS}
    loaded = []
    snapshots = Snapshot.objects.order_by("kind", "as_of").values_list(
        "id", "kind", "as_of", "unchanged_through", "data__rows"
    )
    for pk, kind, as_of, unchanged_through, rows_data in snapshots:
        if pk in exclude:
            continue
        ref = ListRef(pk, kind, as_of, unchanged_through, len(lists[kind]))
        lists[kind].append(ref)
        loaded.append((ref, decode_rows(rows_data)))
    counters = {ref.id: Counters() for ref, _rows in loaded}
    keys = _read_rows(loaded, States(), counters)
    _resolve_counties(keys, CountyResolver())
    components = _merge_keys(keys)
    agencies = _agencies(keys, components, _editor_locks(), counters)
    changes: list[PlannedChange] = []
    primary_of = {key: agency.primary for agency in agencies.values() for key in agency.keys}
    agreements = _agreements(keys, primary_of, components.handovers, agencies, lists, changes, counters)
    requests = _requests(keys, primary_of, agencies, agreements, lists, changes, counters)
    _count_models(agreements, requests, lists, agencies, counters)
    for counts in counters.values():
        counts.rows_unresolved = len(counts.unresolved)
    merged: dict[str, int] = defaultdict(int)
    for agency in agencies.values():
        for key in agency.keys[1:]:
            merged[agency.why[key]] += 1
    merged["handed over"] = sum(
        1
        for a in agreements.values()
        if any(i.split("/")[0] not in agencies[a.agency].keys for i in a.aliases)
    )
    return Plan(
        lists, agencies, agreements, requests, changes, counters, dict(merged), time.monotonic() - started
    )


# --- writing ------------------------------------------------------------------------------------------


@dataclass
class WriteStats:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())

    def __str__(self):
        parts = []
        for label, counts in (
            ("created", self.created),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            items = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()) if n)
            if items:
                parts.append(f"{label} {items}")
        return "; ".join(parts) or "nothing changed"


AGENCY_FIELDS = [
    "name", "kind", "ice_type", "state_id", "statewide", "county_id", "placed_by", "county_raw",
    "county_locked", "unresolved_reason", "unplaced_why", "first_seen_id",
]  # fmt: skip
AGREEMENT_DETAILS = ["signed", "signed_raw", "moa_url", "addendum_url"]
AGREEMENT_FIELDS = [
    "public_id", "aliases", "agency_id", *AGREEMENT_DETAILS, "first_listed_id", "last_listed_id",
    "dropped_on_id", "gone_from_id", "back_on_id", "first_listed_is_oldest", "is_current",
]  # fmt: skip
REQUEST_FIELDS = [
    "agency_id", "model", "first_pending_id", "last_pending_id", "first_pending_is_oldest", "gone_on_id",
    "outcome", "signed_on_id", "agreement_id",
]  # fmt: skip
CHANGE_FIELDS = [
    "kind", "date", "snapshot_id", "previous_id", "agency_id", "agreement_id", "request_id", "model",
    "old_value", "new_value",
]  # fmt: skip
COUNTER_FIELDS = [
    "rows_read", "rows_unresolved", "counts", "agreements_added", "agreements_dropped",
    "agreements_changed", "agreements_relisted",
]  # fmt: skip


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


def _set(obj, values: dict) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


@transaction.atomic
def write_plan(plan: Plan, *, reason: str = "") -> WriteStats:
    """Bring the database in line with the plan. Only rows that differ are written; history is recorded
    for agencies and agreements (who: nobody, an import; why: `reason`)."""
    stats = WriteStats()
    agency_ids = _write_agencies(plan, stats, reason)
    _write_names(plan, agency_ids, stats)
    _write_placements(plan, agency_ids, stats)
    agreement_ids = _write_agreements(plan, agency_ids, stats, reason)
    request_ids = _write_requests(plan, agency_ids, agreement_ids, stats)
    _write_changes(plan, agency_ids, agreement_ids, request_ids, stats)
    _write_counters(plan, stats)
    if stats.changed:
        pagecache.data_changed()  # bulk writes send no signals
    return stats


def _write_agencies(plan: Plan, stats: WriteStats, reason: str) -> dict[str, int]:
    existing = {agency.key: agency for agency in Agency.objects.all()}
    by_name_key = dict(AgencyName.objects.values_list("key", "agency_id"))
    by_id = {agency.pk: agency for agency in existing.values()}
    # Each stored agency goes to one planned agency: first the one whose earliest name it carries, then
    # the one that has it among its names (a merge); a stored agency left over was an earlier name of
    # another agency (absorbed) or is named by no list any more.
    claimed: dict[str, list[Agency]] = {primary: [] for primary in plan.agencies}
    taken: set[int] = set()
    for primary in plan.agencies:
        if primary in existing:
            claimed[primary].append(existing[primary])
            taken.add(existing[primary].pk)
    for primary, planned in plan.agencies.items():
        for key in planned.keys:
            agency = existing.get(key) or by_id.get(by_name_key.get(key))
            if agency is not None and agency.pk not in taken:
                claimed[primary].append(agency)
                taken.add(agency.pk)
    ids: dict[str, int] = {}
    to_create, to_update, absorbed = [], [], {}
    for primary, planned in plan.agencies.items():
        matches = claimed[primary]
        values = {
            "name": planned.name, "kind": planned.kind, "ice_type": planned.ice_type,
            "state_id": planned.state_id, "statewide": planned.statewide, "county_id": planned.county_id,
            "placed_by": planned.placed_by, "county_raw": planned.county_raw,
            "county_locked": planned.county_locked, "unresolved_reason": planned.unresolved_reason,
            "unplaced_why": planned.unplaced_why, "first_seen_id": planned.first_seen_id,
        }  # fmt: skip
        if not matches:
            agency = Agency(key=primary, **values)
            agency._change_reason = reason
            to_create.append(agency)
            continue
        keep = matches[0] if matches[0].key == primary else min(matches, key=lambda a: a.pk)
        for other in matches:
            if other is not keep:
                absorbed[other.pk] = keep
        if keep.key != primary:
            values["key"] = primary
        if _differs(keep, values):
            _set(keep, values)
            keep._change_reason = reason
            to_update.append(keep)
        ids[primary] = keep.pk
    if absorbed:
        _absorb(absorbed, stats)
    _free_unique(Agency, "key", to_update)  # keys may move between rows (a split or a merge)
    if to_update:
        bulk_update_with_history(
            to_update, Agency, ["key", *AGENCY_FIELDS], batch_size=500, default_change_reason=reason
        )
        stats.updated["agencies"] += len(to_update)
    if to_create:
        created = bulk_create_with_history(to_create, Agency, batch_size=500, default_change_reason=reason)
        for agency in created:
            ids[agency.key] = agency.pk
        stats.created["agencies"] += len(created)
    # Agencies no list names any more (a list was removed): kept while editors' events refer to them.
    gone = Agency.objects.exclude(pk__in=ids.values()).filter(events__isnull=True)
    count = gone.count()
    if count:
        gone.delete()
        stats.deleted["agencies"] += count
    return ids


def _absorb(absorbed: dict[int, Agency], stats: WriteStats) -> None:
    """Agencies found to be another agency's earlier name: their editors' events move to it, then they go."""
    for old_pk, keep in absorbed.items():
        Event.objects.filter(agency_id=old_pk).update(agency=keep)
        held = set(Agreement.objects.filter(agency=keep).values_list("model", flat=True))
        Agreement.objects.filter(agency_id=old_pk).exclude(model__in=held).update(agency=keep)
        old = Agency.objects.filter(pk=old_pk).first()
        if old is not None and old.county_locked and not keep.county_locked:
            keep.county_id, keep.county_locked = old.county_id, True
        Agency.objects.filter(pk=old_pk).delete()
        stats.deleted["agencies (merged)"] += 1


def _write_names(plan: Plan, agency_ids: dict[str, int], stats: WriteStats) -> None:
    existing = {name.key: name for name in AgencyName.objects.all()}
    wanted = {}
    for primary, planned in plan.agencies.items():
        for key in planned.keys:
            spelling, first_id, last_id = planned.key_names[key]
            wanted[key] = {
                "agency_id": agency_ids[primary], "name": spelling, "why": planned.why[key],
                "first_seen_id": first_id, "last_seen_id": last_id,
            }  # fmt: skip
    _sync(
        AgencyName,
        existing,
        wanted,
        "key",
        ["agency_id", "name", "why", "first_seen_id", "last_seen_id"],
        stats,
        "names",
    )


def _share(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))


def _write_placements(plan: Plan, agency_ids: dict[str, int], stats: WriteStats) -> None:
    """The counties each agency works in (AgencyCounty), keyed on (agency, county)."""
    existing = {(row.agency_id, row.county_id): row for row in AgencyCounty.objects.all()}
    wanted = {}
    for primary, planned in plan.agencies.items():
        for county_id, share, how, via in planned.placements:
            wanted[(agency_ids[primary], county_id)] = {"share": _share(share), "placed_by": how, "via": via}
    to_create, to_update = [], []
    for (agency_id, county_id), values in wanted.items():
        row = existing.get((agency_id, county_id))
        if row is None:
            to_create.append(AgencyCounty(agency_id=agency_id, county_id=county_id, **values))
        elif _differs(row, values):
            _set(row, values)
            to_update.append(row)
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale:
        AgencyCounty.objects.filter(pk__in=stale).delete()
        stats.deleted["counties of agencies"] += len(stale)
    if to_update:
        AgencyCounty.objects.bulk_update(to_update, ["share", "placed_by", "via"], batch_size=1000)
        stats.updated["counties of agencies"] += len(to_update)
    if to_create:
        AgencyCounty.objects.bulk_create(to_create, batch_size=2000)
        stats.created["counties of agencies"] += len(to_create)


def _sync(
    model, existing: dict, wanted: dict, key_field: str, fields: list[str], stats: WriteStats, label: str
) -> dict:
    """Create, update and delete `model` rows so that they are `wanted` ({key: values}); returns {key: pk}."""
    to_create, to_update = [], []
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**{key_field: key}, **values))
        elif _differs(obj, values):
            _set(obj, values)
            to_update.append(obj)
    stale = [obj.pk for key, obj in existing.items() if key not in wanted]
    if stale:
        model.objects.filter(pk__in=stale).delete()
        stats.deleted[label] += len(stale)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=1000)
        stats.updated[label] += len(to_update)
    if to_create:
        model.objects.bulk_create(to_create, batch_size=2000)
        stats.created[label] += len(to_create)
    ids = {key: obj.pk for key, obj in existing.items() if key in wanted}
    ids.update({getattr(obj, key_field): obj.pk for obj in to_create})
    return ids


def _write_agreements(
    plan: Plan, agency_ids: dict[str, int], stats: WriteStats, reason: str
) -> dict[str, int]:
    existing_all = list(Agreement.objects.all())
    by_pair = {(a.agency_id, a.model): a for a in existing_all}
    by_id = {}
    for agreement in existing_all:
        for public_id in [agreement.public_id, *agreement.aliases]:
            by_id.setdefault(public_id, agreement)
    ids: dict[str, int] = {}
    to_create, to_update, matched = [], [], set()
    for (agency, model), planned in plan.agreements.items():
        agency_id = agency_ids[agency]
        values = {
            "public_id": planned.public_id, "aliases": planned.aliases, "agency_id": agency_id,
            "signed": planned.signed, "signed_raw": planned.signed_raw, "moa_url": planned.moa_url,
            "addendum_url": planned.addendum_url, "first_listed_id": planned.first_listed_id,
            "last_listed_id": planned.last_listed_id, "dropped_on_id": planned.dropped_on_id,
            "gone_from_id": planned.gone_from_id, "back_on_id": planned.back_on_id,
            "first_listed_is_oldest": planned.first_listed_is_oldest, "is_current": planned.is_current,
        }  # fmt: skip
        agreement = by_pair.get((agency_id, model))
        if agreement is None:
            agreement = next((by_id[i] for i in [planned.public_id, *planned.aliases] if i in by_id), None)
            if agreement is not None and agreement.pk in matched:
                agreement = None
        if agreement is None:
            agreement = Agreement(model=model, **values)
            agreement._change_reason = reason
            to_create.append(agreement)
            continue
        matched.add(agreement.pk)
        if agreement.details_locked:
            for name in AGREEMENT_DETAILS:
                values.pop(name)
        if agreement.model != model:
            values["model"] = model
        if _differs(agreement, values):
            _set(agreement, values)
            agreement._change_reason = reason
            to_update.append(agreement)
        ids[planned.public_id] = agreement.pk
    stale = [a.pk for a in existing_all if a.pk not in matched]
    if stale:
        Agreement.objects.filter(pk__in=stale).delete()
        stats.deleted["agreements"] += len(stale)
    if to_update:
        _free_unique(Agreement, "public_id", to_update)  # public IDs may move between rows (a merge)
        bulk_update_with_history(
            to_update, Agreement, [*AGREEMENT_FIELDS, "model"], batch_size=500, default_change_reason=reason
        )
        stats.updated["agreements"] += len(to_update)
    if to_create:
        created = bulk_create_with_history(to_create, Agreement, batch_size=500, default_change_reason=reason)
        ids.update({a.public_id: a.pk for a in created})
        stats.created["agreements"] += len(created)
    return ids


def _free_unique(model, field_name: str, objects) -> None:
    """Give rows about to be updated a temporary unique value, so that values can move between them."""
    pks = [obj.pk for obj in objects]
    if not pks:
        return
    stored = dict(model.objects.filter(pk__in=pks).values_list("pk", field_name))
    moving = [obj.pk for obj in objects if stored.get(obj.pk) != getattr(obj, field_name)]
    if moving:
        model.objects.filter(pk__in=moving).update(
            **{field_name: Concat(Value("#moving:"), Cast("pk", CharField()))}
        )


def _write_requests(plan, agency_ids, agreement_ids, stats) -> dict[str, int]:
    existing = {r.public_id: r for r in Request.objects.all()}
    wanted = {
        planned.public_id: {
            "agency_id": agency_ids[planned.agency],
            "model": planned.model,
            "first_pending_id": planned.first_pending_id,
            "last_pending_id": planned.last_pending_id,
            "first_pending_is_oldest": planned.first_pending_is_oldest,
            "gone_on_id": planned.gone_on_id,
            "outcome": planned.outcome,
            "signed_on_id": planned.signed_on_id,
            "agreement_id": agreement_ids.get(planned.agreement) if planned.agreement else None,
        }  # fmt: skip
        for planned in plan.requests.values()
    }
    return _sync(Request, existing, wanted, "public_id", REQUEST_FIELDS, stats, "requests")


def _write_changes(plan, agency_ids, agreement_ids, request_ids, stats) -> None:
    existing = {c.key: c for c in Change.objects.all()}
    wanted = {
        change.key: {
            "kind": change.kind,
            "date": change.date,
            "snapshot_id": change.snapshot_id,
            "previous_id": change.previous_id,
            "agency_id": agency_ids[change.agency],
            "agreement_id": agreement_ids.get(change.agreement) if change.agreement else None,
            "request_id": request_ids.get(change.request) if change.request else None,
            "model": change.model,
            "old_value": change.old_value,
            "new_value": change.new_value,
        }  # fmt: skip
        for change in plan.changes
    }
    _sync(Change, existing, wanted, "key", CHANGE_FIELDS, stats, "changes")


def _write_counters(plan: Plan, stats: WriteStats) -> None:
    snapshots = list(Snapshot.objects.only("id", *COUNTER_FIELDS))
    to_update = []
    for snapshot in snapshots:
        counts = plan.counters.get(snapshot.pk)
        if counts is None:
            continue
        values = {name: getattr(counts, name) for name in COUNTER_FIELDS}
        if _differs(snapshot, values):
            _set(snapshot, values)
            to_update.append(snapshot)
    if to_update:
        Snapshot.objects.bulk_update(to_update, COUNTER_FIELDS, batch_size=500)
        stats.updated["list counters"] += len(to_update)
    unresolved = {pk: sorted(counts.unresolved) for pk, counts in plan.counters.items()}
    data = list(SnapshotData.objects.filter(snapshot_id__in=unresolved).only("snapshot_id", "unresolved"))
    changed = [d for d in data if d.unresolved != unresolved[d.snapshot_id]]
    for item in changed:
        item.unresolved = unresolved[item.snapshot_id]
    if changed:
        SnapshotData.objects.bulk_update(changed, ["unresolved"], batch_size=200)
        stats.updated["unresolved rows"] += len(changed)


def rebuild(*, reason: str = "") -> tuple[Plan, WriteStats]:
    plan = build_plan()
    return plan, write_plan(plan, reason=reason)


__all__ = ["Plan", "WriteStats", "build_plan", "rebuild", "write_plan"]
