"""A county's 287(g) status, derived from ICE's snapshots; never typed by hand.

`county_status(county)` answers the resident's question for one county with a fixed number of queries.
Every status carries the date of the ICE list behind it; with no list imported the status is UNKNOWN.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from .models import Agency, Agreement, County, Snapshot

SB8_DEADLINE = date(2026, 12, 1)


class Status:
    SHERIFF = "sheriff"  # the sheriff has at least one agreement on ICE's newest list
    FORMER = "former"  # the sheriff had an agreement that ICE no longer lists
    NONE = "none"  # no sheriff agreement on ICE's newest list
    UNKNOWN = "unknown"  # no ICE list has been imported


KIND_ORDER = {kind: i for i, kind in enumerate(Agency.Kind.values)}


@dataclass
class CountyStatus:
    county: County
    snapshot: Snapshot | None
    sheriff_current: list[Agreement] = field(default_factory=list)
    sheriff_former: list[Agreement] = field(default_factory=list)
    others_current: list[Agreement] = field(default_factory=list)
    others_former: list[Agreement] = field(default_factory=list)
    statewide: list[Agreement] = field(default_factory=list)

    @property
    def as_of(self) -> date | None:
        return self.snapshot.as_of if self.snapshot else None

    @property
    def code(self) -> str:
        if self.snapshot is None:
            return Status.UNKNOWN
        if self.sheriff_current:
            return Status.SHERIFF
        if self.sheriff_former:
            return Status.FORMER
        return Status.NONE

    @property
    def sheriff_models(self) -> list[str]:
        return sorted({a.model for a in self.sheriff_current}, key=Agreement.Model.values.index)

    @property
    def sb8_applies(self) -> bool | None:
        return self.county.sb8_applies


def county_status(county: County, snapshot: Snapshot | None = None) -> CountyStatus:
    """The status of one county: two queries (newest snapshot, agreements), whatever the county."""
    if snapshot is None:
        snapshot = Snapshot.objects.newest()
    status = CountyStatus(county=county, snapshot=snapshot)
    if snapshot is None:
        return status
    agreements = (
        Agreement.objects.filter(agency__county=county)
        .select_related("agency", "first_listed", "last_listed")
        .order_by("agency__name", "model")
    ) | (
        Agreement.objects.filter(
            agency__statewide=True, agency__state_id=county.state_id, is_current=True
        ).select_related("agency", "first_listed", "last_listed")
    )
    for agreement in sorted(agreements, key=_agreement_order):
        _file(status, agreement)
    return status


def _agreement_order(agreement: Agreement):
    return (KIND_ORDER[agreement.agency.kind], agreement.agency.name, agreement.model)


def _file(status: CountyStatus, agreement: Agreement) -> None:
    agency = agreement.agency
    if agency.statewide:
        status.statewide.append(agreement)
    elif agency.kind == Agency.Kind.SHERIFF:
        (status.sheriff_current if agreement.is_current else status.sheriff_former).append(agreement)
    else:
        (status.others_current if agreement.is_current else status.others_former).append(agreement)


def county_statuses(counties: Iterable[County], snapshot: Snapshot | None = None) -> Iterator[CountyStatus]:
    """The status of many counties (e.g. a whole state, or every county streamed with `.iterator()`).

    Two queries before the first county (newest snapshot, every agreement tied to a county or statewide),
    whatever the number of counties; the counties themselves are read as the caller's iterable yields them.
    """
    if snapshot is None:
        snapshot = Snapshot.objects.newest()
    by_county: dict[int, list[Agreement]] = defaultdict(list)
    statewide: dict[int, list[Agreement]] = defaultdict(list)
    if snapshot is not None:
        agreements = Agreement.objects.filter(
            Q(agency__county__isnull=False) | Q(agency__statewide=True, is_current=True)
        ).select_related("agency", "first_listed", "last_listed")
        for agreement in sorted(agreements, key=_agreement_order):
            if agreement.agency.statewide:
                statewide[agreement.agency.state_id].append(agreement)
            else:
                by_county[agreement.agency.county_id].append(agreement)
    for county in counties:
        status = CountyStatus(county=county, snapshot=snapshot)
        if snapshot is not None:
            for agreement in by_county.get(county.pk, ()):
                _file(status, agreement)
            status.statewide = list(statewide.get(county.state_id, ()))
        yield status
