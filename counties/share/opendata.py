"""The open-data files: counties, agreements and snapshots as rows with a fixed column order.

Each dataset is a list of columns (what each holds, in English and Spanish: columns.toml, beside this file)
and a generator of rows read a page at a time (`_pages`), so the files are written without building the
whole table in memory. The same rows feed the CSV and the JSON files, and the column
documentation on /data/.
"""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from counties.models import Agency, AgencyCounty, Agreement, County, Request, Snapshot
from counties.status import county_statuses
from counties.where import PLACE_KIND

log = logging.getLogger(__name__)


COLUMNS_FILE = Path(__file__).with_name("columns.toml")


@dataclass(frozen=True)
class Column:
    """A column of a file and what it holds, in each language of the site (columns.toml)."""

    name: str
    texts: dict[str, str]

    @property
    def description(self) -> str:
        return self.texts.get((get_language() or "en")[:2], self.texts["en"])


@functools.cache
def _column_texts() -> dict[str, dict[str, dict[str, str]]]:
    with COLUMNS_FILE.open("rb") as f:
        return tomllib.load(f)


def _columns(dataset: str) -> tuple[Column, ...]:
    """The dataset's columns in the file's order; each says what it holds in English and in Spanish."""
    columns = tuple(Column(name, texts) for name, texts in _column_texts()[dataset].items())
    for column in columns:
        if set(column.texts) != {"en", "es"} or not all(column.texts.values()):
            raise ImproperlyConfigured(
                f"{COLUMNS_FILE.name}: {dataset}.{column.name} needs an 'en' and an 'es' text"
            )
    return columns


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
    counties = County.objects.select_related("state").only(
        "fips",
        "name",
        "slug",
        "jail_status",
        "jail_status_as_of",
        "jail_status_source",
        "state__code",
        "state__name",
    )
    counties = _pages(counties, "fips")
    county_url = _county_url_maker()
    for status in county_statuses(counties):
        county = status.county
        texas = county.state.code == "TX"  # the TCJS report and SB 8 are Texas's: empty elsewhere
        yield (
            county.fips,
            county.state.code,
            county.name,
            status.code,
            ";".join(status.sheriff_models),
            ";".join(sorted({a.model for a in status.sheriff_former} - set(status.sheriff_models))),
            len(status.others_current),
            _sb8(status.sb8_applies),
            county.jail_status if texas else "",
            _iso(county.jail_status_as_of) if texas else None,
            _iso(status.as_of),
            county_url(county),
            county.jail_status_source if texas else "",
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


PAGE_ROWS = 1000


def _pages(queryset, key: str) -> Iterator:
    """The queryset's rows in the order of `key` (a unique field), PAGE_ROWS at a time, each page an ordinary
    query. Not `.iterator()`: on PostgreSQL it reads through a server-side cursor, and its fetches go to the
    database outside Django's execute, where the reader's bound on each query (config/bounded_db.py) does
    not see them: a paused database held the thread building a download for as long as the pause."""
    queryset = queryset.order_by(key)
    last = None
    while True:
        page = list((queryset.filter(**{f"{key}__gt": last}) if last is not None else queryset)[:PAGE_ROWS])
        yield from page
        if len(page) < PAGE_ROWS:
            return
        last = getattr(page[-1], key)


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
    for agreement in _pages(agreements, "public_id"):
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
    for request in _pages(requests, "public_id"):
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
    for snapshot in Snapshot.objects.order_by("as_of", "kind"):  # a few hundred rows
        yield (
            snapshot.kind,
            _iso(snapshot.as_of),
            _iso(snapshot.unchanged_through),
            snapshot.filename,
            snapshot.page_url,
            snapshot.sha256,
            snapshot.rows_read,
            snapshot.rows_unresolved,
            snapshot.agreements_added,
            snapshot.agreements_dropped,
            snapshot.agreements_changed,
            snapshot.agreements_relisted,
        )


def _dataset(name: str, title, description, rows: Callable[[], Iterator[tuple]]) -> Dataset:
    return Dataset(name, title, description, _columns(name), rows)


DATASETS = {
    dataset.name: dataset
    for dataset in (
        _dataset(
            "counties",
            _("Counties"),
            _("One row per county or county-equivalent, with its 287(g) status on ICE's newest list."),
            _county_rows,
        ),
        _dataset(
            "agreements",
            _("Agreements"),
            _(
                "One row per agreement ICE has listed, including those it no longer lists, and county its agency "
                "works in. An agreement is an agency and a model; an agency that works in several counties (a city "
                "that lies in more than one) has one row per county, so an id and a county_fips may repeat."
            ),
            _agreement_rows,
        ),
        _dataset(
            "requests",
            _("Requests"),
            _(
                "One row per agreement requested on ICE's list of pending agencies (requests ICE had not yet "
                "signed), and what became of it. An agency and a model; one row per county the agency works in, "
                "as in the agreements file."
            ),
            _request_rows,
        ),
        _dataset(
            "snapshots",
            _("ICE lists"),
            _("One row per ICE list loaded (participating and pending agencies), oldest first."),
            _snapshot_rows,
        ),
    )
}
