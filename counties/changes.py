"""Dated changes in 287(g) status, derived from ICE's snapshots and editors' published events.

Nothing here is typed by hand. Each ICE list (Snapshot) either lists an agreement or not; the moments
that matter to a reader are the transitions:

- LISTED: the first snapshot that lists an agreement;
- DELISTED: the first snapshot that does not list it after a snapshot that did (the list after its
  last listing); an agreement still on the newest list has no such item;
- RELISTED: a snapshot that lists it again after one or more that did not.

Which snapshots list an agreement comes from SnapshotRow (every imported row, linked to its agreement).
An agreement with no rows at all (made by hand or by a test factory) is taken as listed on every
snapshot from its first to its last listing (to the newest snapshot if it is marked current); for an
agreement with rows, the rows decide. Editors' published Events are merged in as EVENT items.

`recent_changes()` runs a fixed number of queries whatever the size of the data: one SQL statement
finds the transitions (with window functions, newest first, limited in the database), then one query
each loads their agreements, their snapshots and the events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Agency, Agreement, County, Event, Snapshot, SnapshotRow, Source, State


class Kind:
    LISTED = "listed"
    DELISTED = "delisted"
    RELISTED = "relisted"
    EVENT = "event"


# Same-day items: an editor's event after ICE's list; then agencies by name.
_KIND_ORDER = {Kind.DELISTED: 0, Kind.RELISTED: 1, Kind.LISTED: 2, Kind.EVENT: 3}


@dataclass
class ChangeItem:
    date: date
    kind: str
    county: County | None
    agency: Agency | None
    model: str | None = None  # an Agreement.Model value, for items from ICE's lists
    agreement: Agreement | None = None
    snapshot: Snapshot | None = None  # the ICE list behind a LISTED / DELISTED / RELISTED item
    event: Event | None = None
    source: Source | None = None  # the editor's source behind an EVENT item

    @property
    def key(self) -> str:
        """Stable identity of the item, e.g. for Atom entry ids: 'listed/123/2026-02-02', 'event/7'."""
        if self.event is not None:
            return f"event/{self.event.pk}"
        return f"{self.kind}/{self.agreement.pk}/{self.date.isoformat()}"

    @property
    def anchor(self) -> str:
        """HTML id for the item on a page: 'change-listed-123-2026-02-02', 'change-event-7'."""
        return "change-" + self.key.replace("/", "-")

    @property
    def model_label(self) -> str:
        return Agreement.Model(self.model).label if self.model else ""

    @property
    def source_title(self) -> str:
        if self.snapshot is not None:
            return _("ICE list of participating agencies, %(date)s") % {"date": date_format(self.date)}
        return str(self.source) if self.source else ""

    @property
    def source_url(self) -> str:
        if self.snapshot is not None:
            return self.snapshot.source_url
        return self.source.url if self.source else ""

    @property
    def headline(self) -> str:
        """One plain sentence in the active language."""
        if self.kind == Kind.EVENT:
            if get_language() == "es" and self.event.summary_es:
                return self.event.summary_es
            return self.event.summary
        values = {
            "agency": self.agency.name,
            "model": str(self.model_label),
            "date": date_format(self.date),
        }
        if self.kind == Kind.LISTED:
            return _("%(agency)s: %(model)s agreement first listed by ICE on %(date)s.") % values
        if self.kind == Kind.RELISTED:
            return _("%(agency)s: %(model)s agreement listed by ICE again on %(date)s.") % values
        return _("%(agency)s: %(model)s agreement no longer listed by ICE as of %(date)s.") % values

    @property
    def text(self) -> str:
        """The headline without its date, for lists that show the date beside it."""
        if self.kind == Kind.EVENT:
            return self.headline
        values = {"agency": self.agency.name, "model": str(self.model_label)}
        if self.kind == Kind.LISTED:
            return _("%(agency)s: %(model)s agreement first listed by ICE.") % values
        if self.kind == Kind.RELISTED:
            return _("%(agency)s: %(model)s agreement listed by ICE again.") % values
        return _("%(agency)s: %(model)s agreement no longer listed by ICE.") % values

    @property
    def lang(self) -> str:
        """Language of headline/text: English when an event has no Spanish summary on a Spanish page."""
        language = get_language() or "en"
        if self.kind == Kind.EVENT and language == "es" and not self.event.summary_es:
            return "en"
        return language

    @property
    def kind_label(self) -> str:
        return {
            Kind.LISTED: _("Agreement first listed"),
            Kind.DELISTED: _("Agreement no longer listed"),
            Kind.RELISTED: _("Agreement listed again"),
            Kind.EVENT: _("Local news"),
        }[self.kind]


def _transitions_sql(where: str) -> str:
    agreement = Agreement._meta.db_table
    agency = Agency._meta.db_table
    snapshot = Snapshot._meta.db_table
    row = SnapshotRow._meta.db_table
    # Only table names from the models and a fixed WHERE clause are formatted in; values are parameters.
    return f"""
    WITH snaps AS (
        SELECT id, as_of, ROW_NUMBER() OVER (ORDER BY as_of) AS n FROM {snapshot}
    ),
    chosen AS (
        SELECT a.id, a.first_listed_id, a.last_listed_id,
               CASE WHEN a.is_current THEN (SELECT id FROM snaps ORDER BY n DESC LIMIT 1)
                    ELSE a.last_listed_id END AS listed_until_id
        FROM {agreement} a JOIN {agency} g ON g.id = a.agency_id
        WHERE {where}
    ),
    presence AS (
        SELECT r.agreement_id, r.snapshot_id FROM {row} r JOIN chosen c ON c.id = r.agreement_id
        UNION
        SELECT c.id, c.first_listed_id FROM chosen c
        UNION
        SELECT c.id, c.last_listed_id FROM chosen c
        UNION
        SELECT c.id, s.id
        FROM chosen c
        JOIN snaps f ON f.id = c.first_listed_id
        JOIN snaps l ON l.id = c.listed_until_id
        JOIN snaps s ON s.n BETWEEN f.n AND l.n
        WHERE NOT EXISTS (SELECT 1 FROM {row} r WHERE r.agreement_id = c.id)
    ),
    numbered AS (
        SELECT p.agreement_id, s.n,
               LAG(s.n) OVER (PARTITION BY p.agreement_id ORDER BY s.n) AS prev_n,
               LEAD(s.n) OVER (PARTITION BY p.agreement_id ORDER BY s.n) AS next_n
        FROM presence p JOIN snaps s ON s.id = p.snapshot_id
    ),
    transitions AS (
        SELECT agreement_id, n, CASE WHEN prev_n IS NULL THEN %s ELSE %s END AS kind
        FROM numbered WHERE prev_n IS NULL OR prev_n < n - 1
        UNION ALL
        SELECT agreement_id, n + 1, %s
        FROM numbered WHERE (next_n IS NULL OR next_n > n + 1) AND n < (SELECT MAX(n) FROM snaps)
    )
    SELECT t.agreement_id, s.id, s.as_of, t.kind
    FROM transitions t JOIN snaps s ON s.n = t.n
    ORDER BY s.as_of DESC, t.agreement_id
    LIMIT %s
    """  # noqa: S608


def _agreement_changes(state, county, limit) -> list[ChangeItem]:
    where, params = "TRUE", []
    if county is not None:
        where, params = "g.county_id = %s", [county.pk]
    elif state is not None:
        where, params = "g.state_id = %s", [state.pk]
    with connection.cursor() as cursor:
        cursor.execute(_transitions_sql(where), [*params, Kind.LISTED, Kind.RELISTED, Kind.DELISTED, limit])
        found = cursor.fetchall()
    if not found:
        return []
    agreements = Agreement.objects.select_related("agency__county__state", "agency__state").in_bulk(
        {agreement_id for agreement_id, *_rest in found}
    )
    snapshots = Snapshot.objects.in_bulk({snapshot_id for _a, snapshot_id, *_rest in found})
    items = []
    for agreement_id, snapshot_id, as_of, kind in found:
        agreement = agreements[agreement_id]
        items.append(
            ChangeItem(
                date=as_of,
                kind=kind,
                county=agreement.agency.county,
                agency=agreement.agency,
                model=agreement.model,
                agreement=agreement,
                snapshot=snapshots[snapshot_id],
            )
        )
    return items


def _event_changes(state, county, limit) -> list[ChangeItem]:
    events = Event.objects.published().select_related(
        "county__state", "agency__county__state", "agency__state", "source"
    )
    if county is not None:
        events = events.filter(Q(county=county) | Q(agency__county=county))
    elif state is not None:
        events = events.filter(Q(county__state=state) | Q(agency__state=state))
    return [
        ChangeItem(
            date=event.date,
            kind=Kind.EVENT,
            county=event.county or (event.agency.county if event.agency else None),
            agency=event.agency,
            event=event,
            source=event.source,
        )
        for event in events.order_by("-date", "-id")[:limit]
    ]


def recent_changes(state=None, county=None, limit=50) -> list[ChangeItem]:
    """Changes newest first: agreements first listed, no longer listed, listed again, and published events.

    `state` is a State or a postal code ("TX"); `county` a County (it wins over `state`). Agreements
    count for a county when their agency is in it (statewide agencies count for their state only).
    Four queries (five when `state` is given as a code), whatever the size of the data.
    """
    limit = max(0, int(limit))
    if state is not None and not isinstance(state, State):
        state = State.objects.filter(code=str(state).upper()).first()
        if state is None:
            return []
    if limit == 0:
        return []
    items = _agreement_changes(state, county, limit) + _event_changes(state, county, limit)
    items.sort(
        key=lambda item: (
            -item.date.toordinal(),
            _KIND_ORDER[item.kind],
            item.agency.name if item.agency else "",
            item.model or "",
        )
    )
    return items[:limit]
