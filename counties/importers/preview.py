"""What an editor's preview names (issue 27): every agreement (or request) a new list adds, drops, changes
or lists again, with its agency, state, county, model and signed date, Texas first; and which of the
list's unplaced rows are new in it. From the plan itself: a preview writes nothing, so the agreements it
adds are not in the database to look up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import Agreement, Change, County, State
from .rebuild import Plan
from .workbook import Kind

DETAIL_KINDS = ("pdf", "pdf-replaced", "addendum", "resigned", "date-fixed", "date-changed", "renamed")
SECTIONS = {
    Kind.PARTICIPATING: (
        ("Agreements added", ("listed",)),
        ("No longer listed", ("delisted",)),
        ("Changed", DETAIL_KINDS),
        ("Listed again", ("relisted",)),
    ),
    Kind.PENDING: (
        ("Requests added", ("requested",)),
        ("No longer pending", ()),  # every request this list no longer shows (signed or dropped)
    ),
}


@dataclass(frozen=True)
class PreviewRow:
    agency: str
    state: str
    county: str  # "" when the agency is placed nowhere
    model: str  # as editors read it: "Jail Enforcement"
    signed: date | None
    what: str = ""  # for a change: what changed ("date-changed", "renamed"...)


def preview_sections(plan: Plan, snapshot_id: int, kind: str) -> list[tuple[str, list[PreviewRow]]]:
    changes = [(c.agency, c.model, c.kind) for c in plan.changes if c.snapshot_id == snapshot_id]
    gone = [(r.agency, r.model, "") for r in plan.requests.values() if r.gone_on_id == snapshot_id]
    states = dict(State.objects.values_list("id", "code"))
    county_ids = {plan.agencies[a].county_id for a, _m, _k in changes + gone if a in plan.agencies}
    counties = dict(County.objects.filter(id__in=county_ids - {None}).values_list("id", "name"))
    models, whats = dict(Agreement.Model.choices), dict(Change.Kind.choices)
    sections = []
    for title, kinds in SECTIONS[kind]:
        found = [c for c in changes if c[2] in kinds] if kinds else gone
        rows = {}
        for agency_key, model, what in found:
            agency = plan.agencies.get(agency_key)
            if agency is None:
                continue
            agreement = plan.agreements.get((agency_key, model)) if kind == Kind.PARTICIPATING else None
            rows[(agency_key, model, what)] = PreviewRow(
                agency=agency.name,
                state=states.get(agency.state_id, ""),
                county=counties.get(agency.county_id, ""),
                model=str(models.get(model, model)),
                signed=agreement.signed if agreement else None,
                what=str(whats.get(what, "")) if len(kinds) > 1 else "",
            )
        ordered = sorted(rows.values(), key=lambda r: (r.state != "TX", r.state, r.agency, r.model))
        sections.append((title, ordered))
    return sections


def new_unplaced(plan: Plan, snapshot_id: int, kind: str, rows: list) -> set[int]:
    """The row numbers of this list's unplaced rows whose agency (state and name) no earlier list of its
    kind left unplaced: what is new for an editor to place."""
    ordered = plan.lists.get(kind, [])
    index = next((i for i, ref in enumerate(ordered) if ref.id == snapshot_id), None)
    if not index:
        return {row[0] for row in rows}
    before = ordered[index - 1].id
    seen = (
        {(row[1], row[2]) for row in plan.counters[before].unresolved} if before in plan.counters else set()
    )
    return {row[0] for row in rows if (row[1], row[2]) not in seen}
