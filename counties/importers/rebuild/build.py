"""The plan from every list held: the steps (rows, same_agency, records) in their order, and the counties
editors chose (kept across rebuilds)."""

from __future__ import annotations

import gc
import time
from collections import defaultdict

from ...models import Agency, AgencyCounty, AgencyName, Snapshot
from ..identity import States
from ..lists import decode_rows
from ..resolver import county_resolver
from .plan import KINDS, Counters, ListRef, Placements, Plan, PlannedChange
from .records import _agencies, _agreements, _count_models, _requests
from .rows import _read_rows, _resolve_counties
from .same_agency import _merge_keys


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
    """The plan from every list held (but those in `exclude`, lists about to be removed).

    It makes about a million small objects that all live until it returns, so Python's cyclic garbage
    collector, which would scan them again and again as they pile up, is paused meanwhile (it took about a
    quarter of an editor's preview: 3.0 s -> 2.2 s, bench/preview.py). Nothing here makes cycles that
    need it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_plan(exclude)
    finally:
        if collecting:
            gc.enable()


def _build_plan(exclude: set[int]) -> Plan:
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
    _resolve_counties(keys, county_resolver())
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
