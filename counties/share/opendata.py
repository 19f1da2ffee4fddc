"""The open-data files: counties, agreements and snapshots as rows with a fixed column order.

Each dataset is a list of documented columns and a generator of rows read with `.iterator()`, so the
files stream from the database to the client without building the whole table in memory. The same rows
feed the CSV and the JSON files, and the column documentation on /data/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from counties.models import Agency, AgencyCounty, Agreement, County, Request, Snapshot
from counties.status import county_statuses
from counties.where import PLACE_KIND

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[tuple]]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _sb8(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def _county_url_maker():
    """reverse() once, then fill in each county: 3,000 reverse() calls cost more than the query."""
    pattern = reverse("counties:county", kwargs={"state": "STATE0", "slug": "SLUG0"})
    before_state, after_state = pattern.split("STATE0")
    between, after_slug = after_state.split("SLUG0")
    return lambda county: (
        f"{settings.SITE_URL}{before_state}{county.state.slug}{between}{county.slug}{after_slug}"
    )


def _county_rows() -> Iterator[tuple]:
    counties = (
        County.objects.select_related("state")
        .only("fips", "name", "slug", "jail_status", "jail_status_as_of", "state__code", "state__name")
        .order_by("fips")
        .iterator(chunk_size=1000)
    )
    county_url = _county_url_maker()
    for status in county_statuses(counties):
        county = status.county
        yield (
            county.fips,
            county.state.code,
            county.name,
            status.code,
            ";".join(status.sheriff_models),
            ";".join(sorted({a.model for a in status.sheriff_former} - set(status.sheriff_models))),
            len(status.others_current),
            _sb8(status.sb8_applies),
            county.jail_status if county.state.code == "TX" else "",
            _iso(county.jail_status_as_of),
            _iso(status.as_of),
            county_url(county),
        )


# How each county of an agency was found, in plain words for the downloads' `placed_how` column.
PLACED_HOW = {
    Agency.Placement.ICE: "ICE's county column: {via}",
    Agency.Placement.NAME: "the county in the agency's name: {via}",
    Agency.Placement.PLACE: "the Census place of the city in its name: {via}",
    Agency.Placement.ZIP: "the ZIP codes named {via} (HUD), {share} of their addresses in this county",
    Agency.Placement.TABLE: "a hand-checked table (fixtures/SOURCES.md){via}",
    Agency.Placement.EDITOR: "an editor",
}


def _placements(agency: Agency) -> list[tuple]:
    """(county_fips, county_share, placed_by, placed_how) for each county the agency works in, the main
    county first; one row of empty cells for a statewide or an unplaced agency (its placed_by as it is)."""
    rows = sorted(agency.placements.all(), key=lambda p: (p.county_id != agency.county_id, -(p.share or 0)))
    if not rows:
        return [(None, None, agency.placed_by, "")]
    found = []
    for row in rows:
        share = f"{float(row.share):.0%}" if row.share is not None else ""
        via = f": {row.via}" if row.placed_by == Agency.Placement.TABLE and row.via else row.via
        if row.placed_by == Agency.Placement.ICE and PLACE_KIND.search(row.via):
            # ICE's county, checked against the Census place of the agency's city (its name is kept)
            how = f"ICE's county column, where the Census puts {row.via}"
        else:
            how = PLACED_HOW.get(row.placed_by, "").format(via=via, share=share)
        found.append(
            (row.county.fips, float(row.share) if row.share is not None else None, row.placed_by, how)
        )
    return found


def _with_placements(queryset):
    return queryset.prefetch_related(
        Prefetch("agency__placements", queryset=AgencyCounty.objects.select_related("county").order_by("pk"))
    )


def agreement_id(agreement: Agreement) -> str:
    """Stable across imports: the normalized key (state + name) of the agency's earliest name, and the model."""
    return agreement.public_id


def _agreement_rows() -> Iterator[tuple]:
    agreements = _with_placements(
        Agreement.objects.select_related("agency__state", "first_listed", "last_listed", "dropped_on")
    )
    for agreement in agreements.order_by("public_id").iterator(chunk_size=1000):
        agency = agreement.agency
        for fips, share, placed_by, placed_how in _placements(agency):
            yield (
                agreement.public_id,
                ";".join(agreement.aliases),
                agency.name,
                agency.kind,
                agency.state.code,
                fips,
                placed_by,
                agency.statewide,
                agreement.model,
                _iso(agreement.signed),
                agreement.signed_raw,
                agreement.moa_url,
                agreement.addendum_url,
                _iso(agreement.first_listed.as_of),
                agreement.first_listed_is_oldest,
                _iso(agreement.last_listed.as_of),
                _iso(agreement.last_listed.unchanged_through),
                _iso(agreement.dropped_on.as_of) if agreement.dropped_on_id else None,
                agreement.is_current,
                share,
                placed_how,
            )


def _request_rows() -> Iterator[tuple]:
    requests = _with_placements(
        Request.objects.select_related(
            "agency__state", "first_pending", "last_pending", "gone_on", "signed_on", "agreement"
        )
    )
    for request in requests.order_by("public_id").iterator(chunk_size=1000):
        agency = request.agency
        for fips, share, _placed_by, placed_how in _placements(agency):
            yield (
                request.public_id,
                agency.name,
                agency.kind,
                agency.state.code,
                fips,
                request.model,
                _iso(request.first_pending.as_of),
                request.first_pending_is_oldest,
                _iso(request.last_pending.as_of),
                _iso(request.last_pending.unchanged_through),
                _iso(request.gone_on.as_of) if request.gone_on_id else None,
                request.outcome,
                request.agreement.public_id if request.agreement_id else None,
                _iso(request.signed_on.as_of) if request.signed_on_id else None,
                request.days_to_sign,
                share,
                placed_how,
            )


def _snapshot_rows() -> Iterator[tuple]:
    for snapshot in Snapshot.objects.order_by("as_of", "kind").iterator():
        yield (
            snapshot.kind,
            _iso(snapshot.as_of),
            _iso(snapshot.unchanged_through),
            snapshot.filename,
            snapshot.source_url,
            snapshot.sha256,
            snapshot.rows_read,
            snapshot.rows_unresolved,
            snapshot.agreements_added,
            snapshot.agreements_dropped,
            snapshot.agreements_changed,
            snapshot.agreements_relisted,
        )


DATASETS = {
    "counties": Dataset(
        name="counties",
        title=_("Counties"),
        description=_(
            "One row per county or county-equivalent, with its 287(g) status on ICE's newest list."
        ),
        columns=(
            Column("fips", _("Five-digit Census FIPS code of the county. Never changes.")),
            Column("state", _("Two-letter postal code of the state.")),
            Column("name", _("County name as the Census writes it.")),
            Column(
                "status",
                _(
                    "sheriff: the sheriff has an agreement on ICE's newest list; former: the sheriff had one "
                    "that ICE no longer lists; none: no sheriff agreement on ICE's newest list; unknown: "
                    "no ICE list loaded."
                ),
            ),
            Column("sheriff_models", _("Models of the sheriff's current agreements, separated by ';'.")),
            Column(
                "sheriff_former_models",
                _("Models of the sheriff's agreements that ICE no longer lists, separated by ';'."),
            ),
            Column("other_agreements", _("Number of current agreements of other agencies in the county.")),
            Column(
                "sb8_applies",
                _(
                    "Whether Texas SB 8 says the sheriff shall request and enter into an agreement: yes, no or unknown "
                    "(always no outside Texas)."
                ),
            ),
            Column(
                "jail_status",
                _("Texas only: jail (runs a county jail), private (jail run by a vendor), none or unknown."),
            ),
            Column("jail_status_as_of", _("Date of the jail status (Texas Commission on Jail Standards).")),
            Column("as_of", _("Date of ICE's list behind the status (YYYY-MM-DD).")),
            Column("url", _("The county's page on this site.")),
        ),
        rows=_county_rows,
    ),
    "agreements": Dataset(
        name="agreements",
        title=_("Agreements"),
        description=_(
            "One row per agreement ICE has listed, including those it no longer lists, and county its agency "
            "works in. An agreement is an agency and a model; an agency that works in several counties (a city "
            "that lies in more than one) has one row per county, so an id and a county_fips may repeat."
        ),
        columns=(
            Column(
                "id",
                _(
                    "Stable identifier: the normalized state and name of the agency's earliest name on ICE's "
                    "lists, and the model. It never changes. /counties/agreements/ID/ on this site leads to it."
                ),
            ),
            Column(
                "aliases",
                _(
                    "Other identifiers of the same agreement, separated by ';': ICE listed it under other names "
                    "(the same signed agreement, or a hand-checked rename). They stay valid: their links on this "
                    "site redirect to the id."
                ),
            ),
            Column("agency", _("Agency name as ICE's newest list spells it.")),
            Column("agency_kind", _("sheriff, police, constable, marshal, da, state or other.")),
            Column("state", _("Two-letter postal code of the state.")),
            Column(
                "county_fips",
                _(
                    "FIPS code of a county the agency works in (one row for each); empty when not resolved or "
                    "statewide."
                ),
            ),
            Column(
                "placed_by",
                _(
                    "How the county was found: ice (ICE's county column), name (the county in the agency's "
                    "name), place (the city in its name), zip (the city's ZIP codes), table (a hand-checked "
                    "table), editor, statewide, or empty (not placed)."
                ),
            ),
            Column("statewide", _("true for a state agency whose agreement covers the state.")),
            Column("model", _("jail (Jail Enforcement), warrant (Warrant Service Officer) or task-force.")),
            Column(
                "signed", _("Date signed, as ICE lists it (YYYY-MM-DD); empty if ICE gave no clean date.")
            ),
            Column(
                "signed_raw",
                _(
                    "The SIGNED cell as ICE wrote it, when it was not a clean date. With a signed date beside "
                    "it, the date was read from a typo of one possible reading (7/72025, 5/31/20026)."
                ),
            ),
            Column("moa_url", _("Link to the signed agreement on ice.gov.")),
            Column("addendum_url", _("Link to the addendum on ice.gov, if any.")),
            Column("first_listed", _("Date of the first ICE list this site holds that shows the agreement.")),
            Column(
                "first_listed_is_oldest",
                _(
                    "true when that is the oldest list the site holds (Jan. 13, 2021): the agreement is on "
                    "ICE's lists since at least that date; when it first appeared is not known."
                ),
            ),
            Column("last_listed", _("Date of the last ICE list that shows it.")),
            Column(
                "last_seen",
                _(
                    "The last day that list was seen unchanged: the agreement was last seen on ICE's list that day."
                ),
            ),
            Column("gone_on", _("Date of the first ICE list without it (empty while it is listed).")),
            Column("is_current", _("true if ICE's newest list shows it.")),
            Column(
                "county_share",
                _(
                    "About how much of the agency's city lies in this county (0 to 1): the share of the "
                    "addresses of the city's ZIP codes (HUD). Empty when not known or not a city's agency."
                ),
            ),
            Column(
                "placed_how",
                _("How the site knows the agency works in this county, in words, with the evidence named."),
            ),
        ),
        rows=_agreement_rows,
    ),
    "requests": Dataset(
        name="requests",
        title=_("Requests"),
        description=_(
            "One row per agreement requested on ICE's list of pending agencies (requests ICE had not yet "
            "signed), and what became of it. An agency and a model; one row per county the agency works in, "
            "as in the agreements file."
        ),
        columns=(
            Column(
                "id",
                _("Stable identifier: the agency's key, the model and 'request'. It never changes."),
            ),
            Column("agency", _("Agency name as ICE's newest list spells it.")),
            Column("agency_kind", _("sheriff, police, constable, marshal, da, state or other.")),
            Column("state", _("Two-letter postal code of the state.")),
            Column(
                "county_fips",
                _(
                    "FIPS code of a county the agency works in (one row for each); empty when not resolved or "
                    "statewide."
                ),
            ),
            Column("model", _("jail (Jail Enforcement), warrant (Warrant Service Officer) or task-force.")),
            Column(
                "first_pending", _("Date of the first pending list this site holds that shows the request.")
            ),
            Column(
                "first_pending_is_oldest",
                _("true when that is the oldest pending list the site holds (Feb. 21, 2025)."),
            ),
            Column("last_pending", _("Date of the last pending list that shows it.")),
            Column("last_seen", _("The last day that pending list was seen unchanged.")),
            Column("gone_on", _("Date of the first pending list without it (empty while it is pending).")),
            Column(
                "outcome",
                _(
                    "signed: ICE then listed the agreement; pending: still on the newest pending list; dropped: "
                    "gone from the pending list with no agreement on ICE's lists; already: requested while an "
                    "agreement of that model was already listed."
                ),
            ),
            Column("agreement_id", _("The agreement it became (the id in agreements.csv), if any.")),
            Column(
                "signed_on",
                _("Date of the first ICE list, on or after the request, that shows the agreement."),
            ),
            Column("days_to_sign", _("Days from first_pending to signed_on.")),
            Column("county_share", _("As in the agreements file.")),
            Column("placed_how", _("As in the agreements file.")),
        ),
        rows=_request_rows,
    ),
    "snapshots": Dataset(
        name="snapshots",
        title=_("ICE lists"),
        description=_("One row per ICE list loaded (participating and pending agencies), oldest first."),
        columns=(
            Column("kind", _("participating (signed agreements) or pending (requests not yet signed).")),
            Column("as_of", _("The date of ICE's list (from ICE's file name).")),
            Column(
                "unchanged_through",
                _(
                    "The last day the list was seen unchanged on ICE's site (by the archive or this site's check)."
                ),
            ),
            Column("filename", _("File name of our dated copy.")),
            Column("source_url", _("Where the file came from.")),
            Column("sha256", _("SHA-256 of the file, to check a copy.")),
            Column("rows_read", _("Rows read from the file.")),
            Column("rows_unresolved", _("Rows whose county could not be resolved (kept, not dropped).")),
            Column("added", _("Agreements (requests, on a pending list) first on this list.")),
            Column(
                "dropped",
                _("Agreements (requests) on the list before it of the same kind but not on this one."),
            ),
            Column("changed", _("Agreements whose date, document, addendum or name changed on this list.")),
            Column("relisted", _("Agreements (requests) back after missing from the list before.")),
        ),
        rows=_snapshot_rows,
    ),
}
