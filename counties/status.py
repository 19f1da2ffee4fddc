"""A county's 287(g) status, derived from ICE's snapshots; never typed by hand.

`county_status(county)` answers the resident's question for one county with a fixed number of queries;
`state_statuses(state)` does the same for every county of a state at once (for the state table and map),
and `county_statuses(counties)` streams it for any number of counties (for the data downloads).
Every status carries the date of the ICE list behind it; with no list imported the status is UNKNOWN.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, FilteredRelation, OuterRef, Q

from .importers.placing import public_page
from .models import Agency, AgencyCounty, Agreement, County, Request, Snapshot, State
from .sb8 import Sb8, sb8


class Status:
    SHERIFF = "sheriff"  # the sheriff has at least one agreement on ICE's newest list
    FORMER = "former"  # the sheriff had an agreement that ICE no longer lists
    NONE = "none"  # no sheriff agreement on ICE's newest list
    UNKNOWN = "unknown"  # no ICE list has been imported

    ALL = [SHERIFF, FORMER, NONE, UNKNOWN]


class MapCategory:
    """What the map and the state table show: the status, with NONE split by whether others have one."""

    SHERIFF = Status.SHERIFF
    OTHERS = "others"  # no sheriff agreement, but another agency in the county has one
    FORMER = Status.FORMER
    NONE = Status.NONE
    UNKNOWN = Status.UNKNOWN

    ALL = [SHERIFF, OTHERS, FORMER, NONE, UNKNOWN]


KIND_ORDER = {kind: i for i, kind in enumerate(Agency.Kind.values)}
MODEL_ORDER = Agreement.Model.values
# Anchor of each model on the explainer's models page (its headings' ids, explainer/pages/*/models.md).
MODEL_ANCHOR = {"jail": "jail-enforcement", "warrant": "warrant-service-officer", "task-force": "task-force"}


def sorted_models(models) -> list[str]:
    return sorted(set(models), key=MODEL_ORDER.index)


@dataclass(frozen=True)
class Where:
    """How the site knows that an agency works in the county of the page (from its AgencyCounty row)."""

    how: str  # an Agency.Placement value
    share: Decimal | None = None  # about how much of the agency's city lies in this county, when known
    via: str = ""  # the evidence named: ICE's county text, the city, the campus city
    others: tuple[str, ...] = ()  # the other counties it works in, most of its city first
    page: str = ""  # the public page that says so, for a county the hand-checked table takes from one
    # The other counties its city lies in, as the Census places it (rows of the same place, not a county an
    # editor added): what "serves part of this county" rests on.
    city_others: tuple[str, ...] = ()

    @property
    def part(self) -> bool:
        """It works in part of this county: the Census puts its city in other counties too."""
        return bool(self.city_others) and self.how in (Agency.Placement.PLACE, Agency.Placement.ICE)


@dataclass
class CountyStatus:
    county: County
    snapshot: Snapshot | None
    pending_snapshot: Snapshot | None = None  # ICE's newest pending list (requests), when any is held
    sheriff_requests: list[Request] = field(default_factory=list)  # the sheriff's requests on pending lists
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
    def category(self) -> str:
        if self.code == Status.NONE and self.others_current:
            return MapCategory.OTHERS
        return self.code

    @property
    def sheriff_models(self) -> list[str]:
        return sorted_models(a.model for a in self.sheriff_current)

    @property
    def sheriff_former_models(self) -> list[str]:
        return sorted_models(a.model for a in self.sheriff_former)

    @property
    def sheriff_name(self) -> str:
        """The sheriff's office as ICE names it, or None when ICE never listed it."""
        for agreement in self.sheriff_current + self.sheriff_former:
            return agreement.agency.name
        return ""

    @property
    def sheriff_dropped_on(self) -> date | None:
        """For a former agreement: the first ICE list that no longer showed it."""
        dates = [a.dropped_on.as_of for a in self.sheriff_former if a.dropped_on_id]
        return min(dates) if dates else None

    @property
    def sheriff_request(self) -> Request | None:
        """The sheriff's newest request on ICE's pending lists, if any."""
        if not self.sheriff_requests:
            return None
        return max(self.sheriff_requests, key=lambda r: (r.first_pending.as_of, r.last_pending.as_of))

    @property
    def sheriff_first_signed(self) -> Request | None:
        """The sheriff's earliest request that became an agreement: who 'asked first' names it, even when a
        later request (another model) is the newest."""
        signed = [r for r in self.sheriff_requests if r.outcome == Request.Outcome.SIGNED]
        return min(signed, key=lambda r: (r.first_pending.as_of, r.model)) if signed else None

    @property
    def texas_pending_requests(self) -> int | None:
        """Requests from Texas agencies on ICE's newest pending list (None: no pending list, or not Texas).

        From the list's own counters (the rebuild keeps them for Texas and the nation), so no query."""
        if self.pending_snapshot is None or self.county.state.code != "TX":
            return None
        return sum((self.pending_snapshot.counts or {}).get("TX", {}).values())

    @property
    def current(self) -> list[Agreement]:
        """Agreements of agencies in the county on ICE's newest list: the sheriff first."""
        return self.sheriff_current + self.others_current

    @property
    def former(self) -> list[Agreement]:
        return self.sheriff_former + self.others_former

    @property
    def models(self) -> list[str]:
        """Every model any agency in the county holds on the newest list (statewide agencies left out)."""
        return sorted_models(a.model for a in self.current)

    @property
    def agencies_current(self) -> list[Agency]:
        seen = {}
        for agreement in self.current:
            seen.setdefault(agreement.agency_id, agreement.agency)
        return list(seen.values())

    @property
    def agencies_by_kind(self) -> list[tuple[str, int]]:
        """(kind, count) of agencies with a current agreement, in the usual order (words: wording.py)."""
        counts = Counter(agency.kind for agency in self.agencies_current)
        return [(kind, counts[kind]) for kind in Agency.Kind.values if counts[kind]]

    @property
    def sb8_applies(self) -> bool | None:
        return self.county.sb8_applies

    @property
    def sb8_without_agreement(self) -> bool:
        """SB 8 applies and the sheriff has no agreement on ICE's newest list (a request is not one)."""
        return self.snapshot is not None and self.sb8_applies is True and not self.sheriff_current

    def sb8(self, today: date) -> Sb8 | None:
        """What SB 8 asks of the sheriff on `today` (Texas only), worked out once per status and day."""
        cached = self.__dict__.get("_sb8")
        if cached is None or cached[0] != today:
            cached = self.__dict__["_sb8"] = (today, sb8(self, today))
        return cached[1]


def _agreements():
    return Agreement.objects.select_related(
        "agency", "first_listed", "last_listed", "dropped_on", "gone_from", "back_on"
    )


def _sheriff_requests():
    return Request.objects.of_sheriffs().select_related(
        "agency", "first_pending", "last_pending", "gone_on", "signed_on", "agreement"
    )


def _sort_key(agreement):
    return (KIND_ORDER[agreement.agency.kind], agreement.agency.name, MODEL_ORDER.index(agreement.model))


def _file(status: CountyStatus, agreement: Agreement) -> None:
    agency = agreement.agency
    if agency.statewide:
        if agreement.is_current:
            status.statewide.append(agreement)
    elif agency.kind == Agency.Kind.SHERIFF and agency.county_id == status.county.pk:
        # the county's own sheriff (a sheriff's office placed in another county too counts there as another
        # agency: it is not that county's sheriff)
        (status.sheriff_current if agreement.is_current else status.sheriff_former).append(agreement)
    else:
        (status.others_current if agreement.is_current else status.others_former).append(agreement)


def newest_lists() -> tuple[Snapshot | None, Snapshot | None]:
    """ICE's newest participating list and newest pending list: one query."""
    newest = {}
    for snapshot in Snapshot.objects.order_by("kind", "-as_of").distinct("kind"):
        newest[snapshot.kind] = snapshot
    return newest.get(Snapshot.Kind.PARTICIPATING), newest.get(Snapshot.Kind.PENDING)


def _placed_here(county: County):
    """Agreements of agencies that work in `county`, each with its AgencyCounty row there (here__...) and
    the names of the agency's other counties, most of its city first; plus the state's statewide ones."""
    others = (
        AgencyCounty.objects.filter(agency_id=OuterRef("agency_id"))
        .exclude(county=county)
        .order_by(F("share").desc(nulls_last=True), "county__name")
        .values("county__name")
    )
    return (
        _agreements()
        .annotate(here=FilteredRelation("agency__placements", condition=Q(agency__placements__county=county)))
        .filter(
            Q(here__id__isnull=False)
            | Q(agency__statewide=True, agency__state_id=county.state_id, is_current=True)
        )
        .annotate(
            here_how=F("here__placed_by"),
            here_share=F("here__share"),
            here_via=F("here__via"),
            here_others=ArraySubquery(others),
        )
        .annotate(
            here_city_others=ArraySubquery(
                others.filter(
                    via=OuterRef("here_via"), placed_by__in=[Agency.Placement.PLACE, Agency.Placement.ICE]
                )
            )
        )
    )


def county_status(county: County, snapshot: Snapshot | None = None) -> CountyStatus:
    """The status of one county: three queries (newest lists, agreements, the sheriff's requests).

    Every agreement of an agency placed in the county carries `where`: how the site knows it works there.
    """
    pending = None
    if snapshot is None:
        snapshot, pending = newest_lists()
    status = CountyStatus(county=county, snapshot=snapshot, pending_snapshot=pending)
    if snapshot is None:
        return status
    status.sheriff_requests = list(_sheriff_requests().filter(agency__county=county))
    for agreement in sorted(_placed_here(county), key=_sort_key):
        if agreement.here_how is not None:
            agreement.where = Where(
                agreement.here_how,
                agreement.here_share,
                agreement.here_via,
                tuple(agreement.here_others),
                public_page(county.state.code, agreement.agency.name)
                if agreement.here_how == Agency.Placement.TABLE
                else "",
                tuple(agreement.here_city_others),
            )
        _file(status, agreement)
    return status


def state_statuses(
    state: State, snapshot: Snapshot | None, counties=None, pending=None
) -> list[CountyStatus]:
    """The status of every county of a state: one query for the counties, one for all agreements, one for
    the sheriffs' requests."""
    if counties is None:
        counties = County.objects.filter(state=state).select_related("state").order_by("name")
    statuses = {
        county.pk: CountyStatus(county=county, snapshot=snapshot, pending_snapshot=pending)
        for county in counties
    }
    if snapshot is None:
        return list(statuses.values())
    for request in _sheriff_requests().filter(agency__state=state, agency__county__isnull=False):
        if request.agency.county_id in statuses:
            statuses[request.agency.county_id].sheriff_requests.append(request)
    statewide = []
    for agreement in sorted(_by_placement(_agreements().filter(agency__state=state)), key=_sort_key):
        if agreement.agency.statewide:
            if agreement.is_current:
                statewide.append(agreement)
        elif agreement.placed_in in statuses:
            _file(statuses[agreement.placed_in], agreement)
    for status in statuses.values():
        status.statewide = statewide
    return list(statuses.values())


def _by_placement(agreements):
    """One row per agreement and county its agency works in (`placed_in`: the county's id; None for an
    agency placed nowhere), in the same one query: an agency in three counties counts in each."""
    return agreements.annotate(placed_in=F("agency__placements__county_id"))


def _unplaced(state: State):
    return Agreement.objects.current().filter(
        agency__state=state, agency__county__isnull=True, agency__statewide=False
    )


def unplaced_agreements(state: State) -> list[Agreement]:
    """Current agreements of agencies in `state` that are on no county page (statewide agencies aside).

    The importer could not place their agency in a county: ICE gave no county or one that matches none,
    and the agency's name names no county or city the shipped data can place without a guess (its
    `unplaced_why` says which). An editor can place them; until then the state page lists them, so that
    nobody's agency is missing from the site. One query.
    """
    return sorted(_unplaced(state).select_related("agency", "first_listed"), key=_sort_key)


def unplaced_agency_count(state: State) -> int:
    """How many agencies unplaced_agreements(state) lists (for the county pages' pointer to them). One query."""
    return _unplaced(state).values("agency").distinct().count()


def county_statuses(counties: Iterable[County], snapshot: Snapshot | None = None) -> Iterator[CountyStatus]:
    """The status of many counties (e.g. a whole state, or every county read a page at a time).

    Two queries before the first county (newest snapshot, every agreement tied to a county or statewide),
    whatever the number of counties; the counties themselves are read as the caller's iterable yields them.
    An agency that works in several counties counts in each.
    """
    if snapshot is None:
        snapshot = Snapshot.objects.newest()
    by_county: dict[int, list[Agreement]] = defaultdict(list)
    statewide: dict[int, list[Agreement]] = defaultdict(list)
    if snapshot is not None:
        agreements = _by_placement(_agreements()).filter(
            Q(agency__county__isnull=False) | Q(agency__statewide=True, is_current=True)
        )
        for agreement in sorted(agreements, key=_sort_key):
            if agreement.agency.statewide:
                statewide[agreement.agency.state_id].append(agreement)
            elif agreement.placed_in is not None:
                by_county[agreement.placed_in].append(agreement)
    for county in counties:
        status = CountyStatus(county=county, snapshot=snapshot)
        if snapshot is not None:
            for agreement in by_county.get(county.pk, ()):
                _file(status, agreement)
            status.statewide = list(statewide.get(county.state_id, ()))
        yield status
