"""Writing the plan: the database brought in line with it, touching only what differs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ... import pagecache
from ...models import (
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
from .plan import Plan


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


AGREEMENT_DETAILS = ["signed", "signed_raw", "moa_url", "addendum_url"]
COUNTER_FIELDS = [
    "rows_read", "rows_unresolved", "counts", "agreements_added", "agreements_dropped",
    "agreements_changed", "agreements_relisted",
]  # fmt: skip


def _changed(obj, values: dict) -> list[str]:
    """Set `values` on `obj`; the names of those that differed from what it held (none: nothing to write)."""
    names = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in names:
        setattr(obj, name, values[name])
    return names


def _update(
    model, to_update: list[tuple[models.Model, list[str]]], *, history_reason: str | None = None
) -> None:
    """Write the fields each row changed, in one bulk_update per set of changed fields. Django's bulk_update
    writes each field as a CASE with a WHEN per row, built in Python for every row and field: a new list
    moves every current agreement's last list and little else, and writing all their fields cost many
    times what writing the changed ones does (docs/performance.md). With `history_reason` (an import's
    reason, "" for none), each row gets its history row too."""
    groups = defaultdict(list)
    for obj, names in to_update:
        groups[tuple(sorted(names))].append(obj)
    for names, objs in groups.items():
        if history_reason is None:
            model.objects.bulk_update(objs, names, batch_size=1000)
        else:
            bulk_update_with_history(
                objs, model, list(names), batch_size=500, default_change_reason=history_reason
            )


@transaction.atomic
def write_plan(plan: Plan, *, reason: str = "") -> WriteStats:
    """Bring the database in line with the plan. Only rows that differ are written; history is recorded
    for agencies and agreements (who: nobody, an import; why: `reason`)."""
    stats = WriteStats()
    started = timezone.now()
    agency_ids = _write_agencies(plan, stats, reason)
    _write_names(plan, agency_ids, stats)
    moved = _write_placements(plan, agency_ids, stats)
    _record_moves(moved, since=started, reason=reason)
    _record_county_rows(since=started)
    agreement_ids = _write_agreements(plan, agency_ids, stats, reason)
    request_ids = _write_requests(plan, agency_ids, agreement_ids, stats)
    _write_changes(plan, agency_ids, agreement_ids, request_ids, stats)
    _write_counters(plan, stats)
    if stats.changed:
        pagecache.data_changed()  # bulk writes send no signals
    return stats


def _record_moves(agency_ids: set[int], *, since, reason: str) -> None:
    """An agency whose county rows changed while its own row did not gets a history row too (its county
    rows are filled in next), so that its history says the import moved it and an undo has this version."""
    recorded = set(Agency.history.filter(history_date__gte=since).values_list("id", flat=True))
    agencies = list(Agency.objects.filter(pk__in=agency_ids - recorded))
    if agencies:
        Agency.history.bulk_history_create(agencies, update=True, default_change_reason=reason)


def _record_county_rows(*, since) -> None:
    """The agencies' history rows this write made keep their county rows (Agency.county_rows() in SQL),
    so that an editor who undoes a later edit gets the import's counties back with the agency."""
    history = Agency.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {history} h SET county_rows = coalesce((
                   SELECT jsonb_agg(jsonb_build_object('county', c.county_id, 'share', c.share::text,
                                                       'placed_by', c.placed_by, 'via', c.via)
                                    ORDER BY c.county_id)
                   FROM {AgencyCounty._meta.db_table} c WHERE c.agency_id = h.id), '[]'::jsonb)
                WHERE h.county_rows IS NULL AND h.history_date >= %s""",  # noqa: S608 - our table names
            [since],
        )


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
    to_create, to_update, absorbed = [], {}, {}
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
            to_create.append(Agency(key=primary, **values))
            continue
        keep = matches[0] if matches[0].key == primary else min(matches, key=lambda a: a.pk)
        for other in matches:
            if other is not keep:
                absorbed[other.pk] = keep
        if keep.key != primary:
            values["key"] = primary
        if names := _changed(keep, values):
            to_update[keep.pk] = (keep, names)
        ids[primary] = keep.pk
    if absorbed:
        for keep in _absorb(absorbed, stats):  # it took an absorbed agency's county, set by an editor
            names = to_update.setdefault(keep.pk, (keep, []))[1]
            names += [name for name in ("county_id", "county_locked") if name not in names]
    _free_unique(Agency, "key", [obj for obj, _ in to_update.values()])  # keys may move (a split or a merge)
    if to_update:
        _update(Agency, list(to_update.values()), history_reason=reason)
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


def _absorb(absorbed: dict[int, Agency], stats: WriteStats) -> list[Agency]:
    """Agencies found to be another agency's earlier name: their editors' events move to it, then they go.
    Returns the agencies that took the county an editor had set on an absorbed one."""
    took_county = []
    for old_pk, keep in absorbed.items():
        Event.objects.filter(agency_id=old_pk).update(agency=keep)
        held = set(Agreement.objects.filter(agency=keep).values_list("model", flat=True))
        Agreement.objects.filter(agency_id=old_pk).exclude(model__in=held).update(agency=keep)
        old = Agency.objects.filter(pk=old_pk).first()
        if old is not None and old.county_locked and not keep.county_locked:
            keep.county_id, keep.county_locked = old.county_id, True
            took_county.append(keep)
        Agency.objects.filter(pk=old_pk).delete()
        stats.deleted["agencies (merged)"] += 1
    return took_county


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
    _sync(AgencyName, existing, wanted, "key", stats, "names")


def _share(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))


def _write_placements(plan: Plan, agency_ids: dict[str, int], stats: WriteStats) -> set[int]:
    """The counties each agency works in (AgencyCounty), keyed on (agency, county); the agencies that lost
    or gained a county."""
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
        elif names := _changed(row, values):
            to_update.append((row, names))
    stale = [row for key, row in existing.items() if key not in wanted]
    if stale:
        AgencyCounty.objects.filter(pk__in=[row.pk for row in stale]).delete()
        stats.deleted["counties of agencies"] += len(stale)
    if to_update:
        _update(AgencyCounty, to_update)
        stats.updated["counties of agencies"] += len(to_update)
    if to_create:
        AgencyCounty.objects.bulk_create(to_create, batch_size=2000)
        stats.created["counties of agencies"] += len(to_create)
    return {row.agency_id for row in (*stale, *to_create)}  # a county gone or added (not a share moved)


def _sync(model, existing: dict, wanted: dict, key_field: str, stats: WriteStats, label: str) -> dict:
    """Create, update and delete `model` rows so that they are `wanted` ({key: values}); returns {key: pk}."""
    to_create, to_update = [], []
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**{key_field: key}, **values))
        elif names := _changed(obj, values):
            to_update.append((obj, names))
    stale = [obj.pk for key, obj in existing.items() if key not in wanted]
    if stale:
        model.objects.filter(pk__in=stale).delete()
        stats.deleted[label] += len(stale)
    if to_update:
        _update(model, to_update)
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
    ids: dict[str, int] = {}
    to_create, to_update = [], []
    rows = _stored_rows(plan, agency_ids, existing_all)
    matched = {row.pk for row in rows.values() if row is not None}
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
        agreement = rows[(agency, model)]
        if agreement is None:
            to_create.append(Agreement(model=model, **values))
            continue
        if agreement.details_locked:
            for name in AGREEMENT_DETAILS:
                values.pop(name)
        if agreement.model != model:
            values["model"] = model
        if names := _changed(agreement, values):
            to_update.append((agreement, names))
        ids[planned.public_id] = agreement.pk
    stale = [a.pk for a in existing_all if a.pk not in matched]
    if stale:
        Agreement.objects.filter(pk__in=stale).delete()
        stats.deleted["agreements"] += len(stale)
    if to_update:
        _free_unique(Agreement, "public_id", [obj for obj, _ in to_update])  # public IDs may move (a merge)
        _update(Agreement, to_update, history_reason=reason)
        stats.updated["agreements"] += len(to_update)
    if to_create:
        created = bulk_create_with_history(to_create, Agreement, batch_size=500, default_change_reason=reason)
        ids.update({a.public_id: a.pk for a in created})
        stats.created["agreements"] += len(created)
    return ids


def _stored_rows(plan: Plan, agency_ids: dict[str, int], existing: list[Agreement]) -> dict:
    """Each planned agreement's stored row, or None for a new one; never one row for two agreements (the
    write kept whichever came last, and the other was lost).

    First the row with its published ID, which never changes: the same agreement, whichever agency holds it
    now. Then, for the rest, the agency's row of that model, else a row one of its IDs names (an older ID
    after agencies were merged). So an agreement handed to another agency keeps its row (its history, and the
    details an editor locked), whether it or its old agency's new agreement of the same model comes first in
    the plan."""
    by_public_id = {a.public_id: a for a in existing}
    by_pair = {(a.agency_id, a.model): a for a in existing}
    by_id = {}
    for agreement in existing:
        for public_id in [agreement.public_id, *agreement.aliases]:
            by_id.setdefault(public_id, agreement)
    rows, taken = {}, set()
    for key, planned in plan.agreements.items():
        row = by_public_id.get(planned.public_id)
        if row is not None and row.pk not in taken:
            rows[key] = row
            taken.add(row.pk)
    for (agency, model), planned in plan.agreements.items():
        if (agency, model) in rows:
            continue
        by_its_id = next((by_id[i] for i in [planned.public_id, *planned.aliases] if i in by_id), None)
        candidates = [by_pair.get((agency_ids[agency], model)), by_its_id]
        row = next((a for a in candidates if a is not None and a.pk not in taken), None)
        rows[(agency, model)] = row
        if row is not None:
            taken.add(row.pk)
    return rows


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
    return _sync(Request, existing, wanted, "public_id", stats, "requests")


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
    _sync(Change, existing, wanted, "key", stats, "changes")


def _write_counters(plan: Plan, stats: WriteStats) -> None:
    snapshots = list(Snapshot.objects.only("id", *COUNTER_FIELDS))
    to_update = []
    for snapshot in snapshots:
        counts = plan.counters.get(snapshot.pk)
        if counts is None:
            continue
        values = {name: getattr(counts, name) for name in COUNTER_FIELDS}
        if names := _changed(snapshot, values):
            to_update.append((snapshot, names))
    if to_update:
        _update(Snapshot, to_update)
        stats.updated["list counters"] += len(to_update)
    unresolved = {pk: sorted(counts.unresolved) for pk, counts in plan.counters.items()}
    data = list(SnapshotData.objects.filter(snapshot_id__in=unresolved).only("snapshot_id", "unresolved"))
    changed = [d for d in data if d.unresolved != unresolved[d.snapshot_id]]
    for item in changed:
        item.unresolved = unresolved[item.snapshot_id]
    if changed:
        SnapshotData.objects.bulk_update(changed, ["unresolved"], batch_size=200)
        stats.updated["unresolved rows"] += len(changed)
