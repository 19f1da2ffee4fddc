"""What Texas SB 8 asks of a county's sheriff, as a page shows it on a given day (CountyStatus.sb8), and
the Texas map's SB 8 view (Sb8Category); the deadline's dates and phases are counties/deadline.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from . import pagecache
from .deadline import SB8_DEADLINE, Phase, sb8_phase, sb8_valid_until
from .models import Agreement, Change, Request, Snapshot

if TYPE_CHECKING:
    from .status import CountyStatus


class Sb8Category:
    """The Texas map's SB 8 view (issue 23): what the law asks of a county's sheriff and what ICE's lists show,
    as of their dates (a request on the pending list is not an agreement)."""

    SIGNED = "sb8-signed"  # SB 8 applies; the sheriff has an agreement on ICE's newest list
    REQUESTED = "sb8-requested"  # SB 8 applies; no agreement, but a request on ICE's newest pending list
    NEITHER = "sb8-neither"  # SB 8 applies; neither an agreement nor a pending request
    NO_JAIL = "sb8-nojail"  # no county jail: SB 8 does not bind the sheriff
    UNKNOWN = "sb8-unknown"  # not known whether the county runs or contracts for a jail, or no list held

    ALL = [SIGNED, REQUESTED, NEITHER, NO_JAIL, UNKNOWN]

    @classmethod
    def of(cls, status: CountyStatus) -> str:
        if status.sb8_applies is False:
            return cls.NO_JAIL
        if status.sb8_applies is None or status.snapshot is None:
            return cls.UNKNOWN
        if status.sheriff_current:
            return cls.SIGNED
        request = status.sheriff_request
        if request is not None and request.outcome == Request.Outcome.PENDING:
            return cls.REQUESTED
        return cls.NEITHER


@dataclass
class DeadlineList:
    """ICE's last participating list dated on or before SB 8's deadline, and the sheriff's models on it."""

    snapshot: Snapshot
    sheriff_models: list[str]


def deadline_list(status: CountyStatus) -> DeadlineList | None:
    """Once the site holds a list newer than SB 8's deadline, what the last list on or before it showed.

    None while the newest list is itself on or before the deadline (it answers both questions at once).
    Then two queries: that list, and the listing changes of the sheriff's agreements up to it (an agreement
    can leave ICE's list and come back, so its first and last lists alone cannot say).
    """
    if status.snapshot is None or status.snapshot.as_of <= SB8_DEADLINE:
        return None
    snapshot = (
        Snapshot.objects.filter(kind=Snapshot.Kind.PARTICIPATING, as_of__lte=SB8_DEADLINE)
        .order_by("-as_of")
        .first()
    )
    if snapshot is None:
        return None
    agreements = status.sheriff_current + status.sheriff_former
    listed: dict[int, bool] = {}
    if agreements:
        changes = Change.objects.filter(
            agreement__in=agreements,
            kind__in=[Change.Kind.LISTED, Change.Kind.ON_OLDEST, Change.Kind.RELISTED, Change.Kind.DELISTED],
            date__lte=snapshot.as_of,
        ).order_by("date")
        for agreement_id, kind in changes.values_list("agreement_id", "kind"):
            listed[agreement_id] = kind != Change.Kind.DELISTED
    models = {a.model for a in agreements if listed.get(a.pk)}
    return DeadlineList(snapshot, sorted(models, key=Agreement.Model.values.index))


@dataclass
class Sb8:
    """What Texas SB 8 asks of a county's sheriff, as a page shows it on a given day."""

    applies: bool | None  # None: not known whether the county runs or contracts for a jail
    phase: str  # Phase.BEFORE, ON or AFTER
    days_left: int
    deadline: date
    at_deadline: DeadlineList | None  # only once a list newer than the deadline is held


def sb8(status: CountyStatus, today: date) -> Sb8 | None:
    """SB 8 for a Texas county on `today` (None elsewhere). No query while the newest list predates the
    deadline; tells the page cache until when the words hold (the count of days changes daily)."""
    if status.county.state.code != "TX":
        return None
    phase = sb8_phase(today)
    applies = status.sb8_applies
    if phase == Phase.BEFORE and applies is not False:  # also where we cannot say whether it binds
        pagecache.valid_for_today()  # "N days left"
    else:
        until = sb8_valid_until(today)
        if until:
            pagecache.valid_until(until)
    return Sb8(
        applies=applies,
        phase=phase,
        days_left=(SB8_DEADLINE - today).days,
        deadline=SB8_DEADLINE,
        at_deadline=deadline_list(status) if applies is not False else None,
    )
