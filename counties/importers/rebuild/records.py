"""Step 4: agencies, agreements, requests and their dated changes, with the per-list counters."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ...models import (
    Agency,
    AgencyName,
    Change,
    Request,
)
from ...text import fold
from ..identity import (
    agency_kind,
)
from ..lists import document_key
from .plan import (
    DATE_FIX_DAYS,
    PARTICIPATING,
    PENDING,
    KeyInfo,
    ListRef,
    Observation,
    PlannedAgency,
    PlannedAgreement,
    PlannedChange,
    PlannedRequest,
)
from .same_agency import _handed_over


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


def _parse_date(value: str | None) -> date | None:
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
    old_date, new_date = _parse_date(before.signed), _parse_date(after.signed)
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


def _by_agency_and_model(keys, primary_of, kind: str) -> dict[tuple[str, str], list[Observation]]:
    """The rows of the lists of `kind`, grouped by (the agency's primary key, model)."""
    grouped: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for info in keys.values():
        primary = primary_of[info.key]
        for o in info.observations:
            if o.list.kind == kind:
                grouped[(primary, o.model)].append(o)
    return grouped


def _agreement_groups(keys, primary_of, handovers) -> dict[tuple[str, str], list[Observation]]:
    """Participating rows by agreement: (agency, model), with agreements handed from one agency to another
    joined under the agency that holds them last."""
    grouped = _by_agency_and_model(keys, primary_of, PARTICIPATING)
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
            signed=_parse_date(last.signed),
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
    grouped = _by_agency_and_model(keys, primary_of, PENDING)
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
