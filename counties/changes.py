"""Dated changes in 287(g) status: what ICE's lists show (Change, worked out by the importer's rebuild)
and the dated, sourced events editors publish (Event). Nothing here is typed by hand.

What a list shows that matters to a reader, each an item with the date of the list that shows it:
- an agreement first listed, no longer listed, or listed again;
- ICE publishing the signed agreement, replacing its document or adding an addendum, the agreement being
  signed again (a later date with a new document), ICE correcting or changing its signing date;
- ICE renaming the agency on its list;
- a request on ICE's pending list, and a request gone from that list without an agreement.

An agreement (or request) already on the oldest list the site holds is marked so: what came before that
list is not known, so it is never said to have started that day. Site-wide and state-wide lists leave
those out (they are not changes); a county's timeline starts with them.

`recent_changes()` runs two queries whatever the size of the data (three when `state` is a code). A county's
changes are those of every agency that works in it (a city police department in two counties is in both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Agency, AgencyCounty, Agreement, Change, County, Event, Snapshot, Source, State

Kind = Change.Kind
EVENT = "event"
OLDEST_KINDS = (Kind.ON_OLDEST, Kind.REQUEST_ON_OLDEST)
AGREEMENT_KINDS = (Kind.LISTED, Kind.ON_OLDEST, Kind.DELISTED, Kind.RELISTED)
# Same-day items: ICE's list first (what is gone, then what came back, then what is new), events last.
_KIND_ORDER = {kind: i for i, kind in enumerate([
    Kind.DELISTED, Kind.REQUEST_DROPPED, Kind.RELISTED, Kind.LISTED, Kind.ON_OLDEST, Kind.RESIGNED,
    Kind.PDF_PUBLISHED, Kind.PDF_REPLACED, Kind.ADDENDUM, Kind.DATE_CORRECTED, Kind.DATE_CHANGED,
    Kind.RENAMED, Kind.REQUESTED, Kind.REQUEST_ON_OLDEST, EVENT,
])}  # fmt: skip


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return date_format(value)


@dataclass
class ChangeItem:
    date: date
    kind: str
    county: County | None
    agency: Agency | None
    model: str | None = None  # an Agreement.Model value, for items from ICE's lists
    change: Change | None = None
    event: Event | None = None
    source: Source | None = None  # the editor's source behind an EVENT item

    @property
    def snapshot(self) -> Snapshot | None:
        return self.change.snapshot if self.change else None

    @property
    def agreement(self) -> Agreement | None:
        return self.change.agreement if self.change else None

    @property
    def key(self) -> str:
        """Stable identity of the item, e.g. for Atom entry ids: 'listed/tx:.../jail/2026-02-02', 'event/7'."""
        if self.event is not None:
            return f"event/{self.event.pk}"
        return self.change.key

    @property
    def anchor(self) -> str:
        """HTML id for the item on a page."""
        if self.event is not None:
            return f"change-event-{self.event.pk}"
        return f"change-{self.change.pk}"

    @property
    def model_label(self) -> str:
        # A request whose pending row gives no model: "a 287(g) agreement requested".
        return Agreement.Model(self.model).label if self.model else "287(g)"

    @property
    def source_title(self) -> str:
        if self.change is not None:
            if self.change.snapshot.is_pending:
                return _("ICE list of pending agencies, %(date)s") % {"date": date_format(self.date)}
            return _("ICE list of participating agencies, %(date)s") % {"date": date_format(self.date)}
        return str(self.source) if self.source else ""

    @property
    def source_url(self) -> str:
        if self.change is not None:
            if (
                self.kind in (Kind.PDF_PUBLISHED, Kind.PDF_REPLACED, Kind.ADDENDUM, Kind.RESIGNED)
                and self.change.agreement
            ):
                return (
                    self.change.new_value
                    if self.change.new_value.startswith("http")
                    else self.change.agreement.moa_url
                )
            return self.change.snapshot.page_url
        return self.source.url if self.source else ""

    def _values(self) -> dict:
        change = self.change
        values = {
            "agency": self.agency.name,
            "model": str(self.model_label),
            "date": date_format(self.date),
            "old": _day(change.old_value) if change else "",
            "new": _day(change.new_value) if change else "",
        }
        if change is not None and change.previous is not None:
            values["last"] = date_format(change.previous.as_of)
            values["through"] = date_format(change.previous.unchanged_through)
        return values

    @property
    def headline(self) -> str:
        """One plain sentence in the active language, with its date."""
        if self.kind == EVENT:
            return self._event_text()
        values = self._values()
        return _with_date(self.kind, values)

    @property
    def text(self) -> str:
        """The sentence for lists that show the date beside it."""
        if self.kind == EVENT:
            return self._event_text()
        return _without_date(self.kind, self._values())

    def _event_text(self) -> str:
        if get_language() == "es" and self.event.summary_es:
            return self.event.summary_es
        return self.event.summary

    @property
    def lang(self) -> str:
        """Language of headline/text: English when an event has no Spanish summary on a Spanish page."""
        language = get_language() or "en"
        if self.kind == EVENT and language == "es" and not self.event.summary_es:
            return "en"
        return language

    @property
    def kind_label(self) -> str:
        if self.kind == EVENT:
            return _("Local news")
        return str(Change.Kind(self.kind).label)


def _with_date(kind: str, v: dict) -> str:
    texts = {
        Kind.LISTED: _("%(agency)s: %(model)s agreement first listed by ICE on %(date)s."),
        Kind.ON_OLDEST: _(
            "%(agency)s: %(model)s agreement already on the oldest ICE list this site holds (%(date)s); "
            "it may be older."
        ),
        Kind.DELISTED: _(
            "%(agency)s: %(model)s agreement gone from ICE's list of %(date)s (last seen on the list of "
            "%(last)s, unchanged through %(through)s)."
        ),
        Kind.RELISTED: _("%(agency)s: %(model)s agreement listed by ICE again on %(date)s."),
        Kind.PDF_PUBLISHED: _("%(agency)s: ICE published the signed %(model)s agreement (list of %(date)s)."),
        Kind.PDF_REPLACED: _(
            "%(agency)s: ICE changed the document it links for the %(model)s agreement (list of %(date)s)."
        ),
        Kind.ADDENDUM: _(
            "%(agency)s: ICE published an addendum to the %(model)s agreement (list of %(date)s)."
        ),
        Kind.RESIGNED: _(
            "%(agency)s: %(model)s agreement signed again on %(new)s (it was signed %(old)s), on ICE's list of "
            "%(date)s."
        ),
        Kind.DATE_CORRECTED: _(
            "%(agency)s: ICE corrected the signing date of the %(model)s agreement from %(old)s to %(new)s "
            "(list of %(date)s)."
        ),
        Kind.DATE_CHANGED: _(
            "%(agency)s: ICE changed the signing date of the %(model)s agreement from %(old)s to %(new)s "
            "(list of %(date)s)."
        ),
        Kind.RENAMED: _("ICE's list of %(date)s calls %(old)s by a new name: %(new)s."),
        Kind.REQUESTED: _("%(agency)s: a %(model)s agreement requested (ICE's pending list of %(date)s)."),
        Kind.REQUEST_ON_OLDEST: _(
            "%(agency)s: a %(model)s agreement request already on the oldest ICE pending list this site holds "
            "(%(date)s)."
        ),
        Kind.REQUEST_DROPPED: _(
            "%(agency)s: the %(model)s agreement request is gone from ICE's pending list of %(date)s, with no "
            "agreement on ICE's lists."
        ),
    }
    return texts[kind] % v


def _without_date(kind: str, v: dict) -> str:
    texts = {
        Kind.LISTED: _("%(agency)s: %(model)s agreement first listed by ICE."),
        Kind.ON_OLDEST: _(
            "%(agency)s: %(model)s agreement already on the oldest ICE list this site holds; it may be older."
        ),
        Kind.DELISTED: _(
            "%(agency)s: %(model)s agreement no longer listed by ICE (last seen on the list of %(last)s, "
            "unchanged through %(through)s)."
        ),
        Kind.RELISTED: _("%(agency)s: %(model)s agreement listed by ICE again."),
        Kind.PDF_PUBLISHED: _("%(agency)s: ICE published the signed %(model)s agreement."),
        Kind.PDF_REPLACED: _("%(agency)s: ICE changed the document it links for the %(model)s agreement."),
        Kind.ADDENDUM: _("%(agency)s: ICE published an addendum to the %(model)s agreement."),
        Kind.RESIGNED: _("%(agency)s: %(model)s agreement signed again on %(new)s (it was signed %(old)s)."),
        Kind.DATE_CORRECTED: _(
            "%(agency)s: ICE corrected the signing date of the %(model)s agreement from %(old)s to %(new)s."
        ),
        Kind.DATE_CHANGED: _(
            "%(agency)s: ICE changed the signing date of the %(model)s agreement from %(old)s to %(new)s."
        ),
        Kind.RENAMED: _("ICE now calls %(old)s by a new name: %(new)s."),
        Kind.REQUESTED: _("%(agency)s: a %(model)s agreement requested (ICE's pending list)."),
        Kind.REQUEST_ON_OLDEST: _(
            "%(agency)s: a %(model)s agreement request already on the oldest ICE pending list this site holds."
        ),
        Kind.REQUEST_DROPPED: _(
            "%(agency)s: the %(model)s agreement request is gone from ICE's pending list, with no agreement."
        ),
    }
    return texts[kind] % v


def _list_changes(state, county, limit, include_oldest) -> list[ChangeItem]:
    # A county's own page knows its county: joining each agency's county and state again cost about 10 ms
    # of a first render (bench/run.py, cold rows).
    changes = Change.objects.select_related("agency", "snapshot", "previous", "agreement")
    if county is not None:
        changes = changes.filter(agency__placements__county=county)  # one row: one placement per county
    else:
        changes = changes.select_related("agency__county__state", "agency__state")
        if state is not None:
            changes = changes.filter(agency__state=state)
    if not include_oldest:
        changes = changes.exclude(kind__in=OLDEST_KINDS)
    return [
        ChangeItem(
            date=change.date,
            kind=change.kind,
            county=county or change.agency.county,
            agency=change.agency,
            model=change.model,
            change=change,
        )
        for change in changes.order_by("-date", "-id")[:limit]
    ]


def _event_changes(state, county, limit) -> list[ChangeItem]:
    events = Event.objects.published().select_related("agency", "source")
    if county is not None:
        working_here = AgencyCounty.objects.filter(county=county).values("agency_id")
        events = events.filter(Q(county=county) | Q(agency_id__in=working_here))
    else:
        events = events.select_related("county__state", "agency__county__state", "agency__state")
        if state is not None:
            events = events.filter(Q(county__state=state) | Q(agency__state=state))
    return [
        ChangeItem(
            date=event.date,
            kind=EVENT,
            county=county or event.county or (event.agency.county if event.agency else None),
            agency=event.agency,
            event=event,
            source=event.source,
        )
        for event in events.order_by("-date", "-id")[:limit]
    ]


def recent_changes(state=None, county=None, limit=50, include_oldest=None) -> list[ChangeItem]:
    """Changes newest first: what ICE's lists show and published events.

    `state` is a State or a postal code ("TX"); `county` a County (it wins over `state`). Changes count
    for a county when their agency is in it (statewide agencies count for their state only).
    `include_oldest` (default: only for a county) keeps the items "already on the oldest list held".
    """
    limit = max(0, int(limit))
    if state is not None and not isinstance(state, State):
        state = State.objects.filter(code=str(state).upper()).first()
        if state is None:
            return []
    if limit == 0:
        return []
    if include_oldest is None:
        include_oldest = county is not None
    items = _list_changes(state, county, limit, include_oldest) + _event_changes(state, county, limit)
    items.sort(
        key=lambda item: (
            -item.date.toordinal(),
            _KIND_ORDER[item.kind],
            item.agency.name if item.agency else "",
            item.model or "",
        )
    )
    return items[:limit]
