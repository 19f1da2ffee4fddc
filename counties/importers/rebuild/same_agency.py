"""Step 3, and every rule about which of ICE's names are one agency, each with its evidence: the rules in
identity.py and the rename table joined into components, the stand-ins that fill a gap for a few lists, and
an agreement handed over to another agency that ICE lists beside it."""

from __future__ import annotations

from collections import defaultdict

from ...models import (
    Agency,
    AgencyName,
)
from ..corrections import RENAMES
from ..identity import (
    is_slip,
    loose_name,
)
from ..lists import document_key
from .plan import KINDS, PARTICIPATING, SLIP_GROUP_LIMIT, KeyInfo, PlannedAgreement


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
