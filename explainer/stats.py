"""Numbers and dates that explainer pages quote from the database: `[[stat:name]]` in a content file.

All of them come from five queries at most, whatever the page, and only when a page uses a stat: three for
the lists of agreements (the newest ICE list, one aggregate over current agreements, one over counties), two
for the requests (one over ICE's pending lists, one over the requests on them). Anything that depends
on ICE's lists is None, shown as "not known", while no ICE list has been imported: never a made-up 0.

A county "has a sheriff agreement" exactly when counties.status.county_status() says Status.SHERIFF: an
agreement on ICE's newest list held by the county's own sheriff's office (statewide agencies aside).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Window
from django.db.models.functions import FirstValue
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counties.models import Agency, Agreement, County, Request, Snapshot
from counties.models.agencies import OF_SHERIFFS
from counties.wording import list_currency

TX = Q(agency__state__code="TX")
SB8_JAIL = [County.JailStatus.JAIL, County.JailStatus.PRIVATE]
# Census codes of the U.S. territories (American Samoa, Guam, Northern Mariana Islands, Puerto Rico, U.S. Minor
# Outlying Islands, U.S. Virgin Islands): counted apart from the states.
TERRITORY_FIPS = ["60", "66", "69", "72", "74", "78"]

# name -> what it counts, for writers (explainer/pages/README.md lists the same).
STATS = {
    "ice_list_date": gettext_lazy("date of the newest ICE list loaded"),
    "tx_list_currency": gettext_lazy(
        "a sentence: when a check last found that list ICE's newest, and after SB 8's deadline whether it "
        "predates it (empty when there is nothing to say)"
    ),
    "first_ice_list_date": gettext_lazy("date of the oldest ICE list loaded"),
    "ice_lists": gettext_lazy("number of dated ICE lists loaded"),
    "first_list_agreements": gettext_lazy("agreements on the oldest ICE list loaded, nationally"),
    "first_list_tx_agreements": gettext_lazy("agreements on the oldest ICE list loaded, in Texas"),
    "unresolved_rows": gettext_lazy("rows of the newest ICE list whose county could not be resolved"),
    "agreements": gettext_lazy("agreements on ICE's newest list, nationally"),
    "agreements_jail": gettext_lazy("of those, Jail Enforcement"),
    "agreements_warrant": gettext_lazy("of those, Warrant Service Officer"),
    "agreements_task_force": gettext_lazy("of those, Task Force"),
    "agencies": gettext_lazy("agencies with at least one agreement on the newest list"),
    "sheriff_agencies": gettext_lazy("sheriff's offices with at least one agreement on the newest list"),
    "police_agencies": gettext_lazy("police departments with at least one agreement on the newest list"),
    "states": gettext_lazy("states (and D.C.) with at least one agreement on the newest list"),
    "territories": gettext_lazy("U.S. territories with at least one agreement on the newest list"),
    "tx_agreements": gettext_lazy("agreements on ICE's newest list in Texas"),
    "tx_agreements_jail": gettext_lazy("of those, Jail Enforcement"),
    "tx_agreements_warrant": gettext_lazy("of those, Warrant Service Officer"),
    "tx_agreements_task_force": gettext_lazy("of those, Task Force"),
    "tx_agencies": gettext_lazy("Texas agencies with at least one agreement on the newest list"),
    "counties_with_sheriff_agreement": gettext_lazy("counties whose sheriff has an agreement, nationally"),
    "counties_with_any_agreement": gettext_lazy("counties with at least one local agency with an agreement"),
    "tx_counties": gettext_lazy("counties in Texas"),
    "tx_counties_with_sheriff_agreement": gettext_lazy("Texas counties whose sheriff has an agreement"),
    "tx_counties_with_any_agreement": gettext_lazy(
        "Texas counties with at least one local agency with an agreement"
    ),
    "tx_sb8_counties": gettext_lazy("Texas counties that run a jail or contract for one (SB 8 applies)"),
    "tx_sb8_counties_without_sheriff_agreement": gettext_lazy(
        "of those, counties whose sheriff has no agreement on ICE's newest list"
    ),
    "pending_lists": gettext_lazy("number of dated ICE lists of pending requests loaded"),
    "first_pending_list_date": gettext_lazy("date of the oldest pending list loaded"),
    "pending_list_date": gettext_lazy("date of the newest pending list loaded"),
    "requests": gettext_lazy("requests on any pending list loaded"),
    "requests_signed": gettext_lazy("of those, requests that became an agreement on ICE's lists"),
    "requests_dropped": gettext_lazy("of those, requests gone from the pending list without an agreement"),
    "requests_pending": gettext_lazy(
        "requests still pending: on the newest pending list, with no agreement since"
    ),
    "tx_requests": gettext_lazy("requests from Texas agencies on any pending list loaded"),
    "tx_requests_pending": gettext_lazy("requests from Texas agencies still pending"),
}

MODEL_SUFFIX = {
    Agreement.Model.JAIL: "jail",
    Agreement.Model.WARRANT: "warrant",
    Agreement.Model.TASK_FORCE: "task_force",
}


REQUEST_STATS = frozenset(
    {
        "pending_lists",
        "first_pending_list_date",
        "pending_list_date",
        "requests",
        "requests_signed",
        "requests_dropped",
        "requests_pending",
        "tx_requests",
        "tx_requests_pending",
    }
)


def compute() -> dict[str, int | date | str | None]:
    """Every stat, raw: five queries (newest ICE list, counties, current agreements, pending lists,
    requests), four with no ICE list."""
    return compute_agreements() | _requests()


def compute_agreements() -> dict[str, int | date | str | None]:
    """The stats of the lists of agreements, raw: three queries (newest ICE list, counties, current
    agreements), two with no ICE list."""
    values: dict[str, int | date | str | None] = dict.fromkeys(STATS.keys() - REQUEST_STATS)
    values["tx_list_currency"] = ""
    snapshot = Snapshot.objects.annotate(
        lists=Window(Count("id")),
        oldest=Window(Min("as_of")),
        oldest_counts=Window(FirstValue("counts"), order_by="as_of"),
    ).newest()
    sheriff_current = (
        Agreement.objects.current()
        .of_sheriffs()
        .filter(agency__county=OuterRef("pk"), agency__statewide=False)
    )
    # Every county an agency works in counts (a city police department in two counties, in both).
    any_current = Agreement.objects.current().filter(agency__placements__county=OuterRef("pk"))
    counties = County.objects.annotate(
        has_sheriff=Exists(sheriff_current), has_any=Exists(any_current)
    ).aggregate(
        total=Count("id"),
        tx=Count("id", filter=Q(state__code="TX")),
        tx_sb8=Count("id", filter=Q(state__code="TX", jail_status__in=SB8_JAIL)),
        sheriff=Count("id", filter=Q(has_sheriff=True)),
        any=Count("id", filter=Q(has_any=True)),
        tx_sheriff=Count("id", filter=Q(state__code="TX", has_sheriff=True)),
        tx_any=Count("id", filter=Q(state__code="TX", has_any=True)),
        tx_sb8_no_sheriff=Count(
            "id", filter=Q(state__code="TX", jail_status__in=SB8_JAIL, has_sheriff=False)
        ),
    )
    if counties["tx"]:
        values["tx_counties"] = counties["tx"]
        values["tx_sb8_counties"] = counties["tx_sb8"] or None  # no jail data loaded yet: not known
    if snapshot is None:
        return values
    agreements = Agreement.objects.current().aggregate(
        agreements=Count("id"),
        agencies=Count("agency", distinct=True),
        # ICE's STATE column names territories too (FACTS i3: 38 states and 2 territories on May 18, 2026)
        states=Count("agency__state", distinct=True, filter=~Q(agency__state__fips__in=TERRITORY_FIPS)),
        territories=Count("agency__state", distinct=True, filter=Q(agency__state__fips__in=TERRITORY_FIPS)),
        sheriff_agencies=Count("agency", distinct=True, filter=OF_SHERIFFS),
        police_agencies=Count("agency", distinct=True, filter=Q(agency__kind=Agency.Kind.POLICE)),
        tx_agreements=Count("id", filter=TX),
        tx_agencies=Count("agency", distinct=True, filter=TX),
        **{
            f"agreements_{suffix}": Count("id", filter=Q(model=model))
            for model, suffix in MODEL_SUFFIX.items()
        },
        **{
            f"tx_agreements_{suffix}": Count("id", filter=TX & Q(model=model))
            for model, suffix in MODEL_SUFFIX.items()
        },
    )
    values.update(agreements)
    values.update(
        ice_list_date=snapshot.as_of,
        # The county pages' words; a page quoting it is kept until they change (SB 8's deadline).
        tx_list_currency=list_currency(snapshot, texas=True, sheriffs=True),
        ice_lists=snapshot.lists,
        first_ice_list_date=snapshot.oldest,
        first_list_agreements=_total(snapshot.oldest_counts, "all"),
        first_list_tx_agreements=_total(snapshot.oldest_counts, "TX"),
        unresolved_rows=snapshot.rows_unresolved,
        counties_with_sheriff_agreement=counties["sheriff"],
        counties_with_any_agreement=counties["any"],
        tx_counties_with_sheriff_agreement=counties["tx_sheriff"] if counties["tx"] else None,
        tx_counties_with_any_agreement=counties["tx_any"] if counties["tx"] else None,
        tx_sb8_counties_without_sheriff_agreement=counties["tx_sb8_no_sheriff"]
        if values["tx_sb8_counties"]
        else None,
    )
    return values


def _total(counts: dict | None, scope: str) -> int | None:
    """Agreements on a list, all models, from its Snapshot.counts ({"all": {"jail": 74, ...}, "TX": ...})."""
    return None if counts is None else sum((counts.get(scope) or {}).values())


def _requests() -> dict:
    """ICE's pending lists and the requests on them: two queries. Not known (None) with no pending list."""
    lists = Snapshot.objects.filter(kind=Snapshot.Kind.PENDING).aggregate(
        pending_lists=Count("id"), first_pending_list_date=Min("as_of"), pending_list_date=Max("as_of")
    )
    outcome = Request.Outcome
    requests = Request.objects.aggregate(
        requests=Count("id"),
        requests_signed=Count("id", filter=Q(outcome=outcome.SIGNED)),
        requests_dropped=Count("id", filter=Q(outcome=outcome.DROPPED)),
        requests_pending=Count("id", filter=Q(outcome=outcome.PENDING)),
        tx_requests=Count("id", filter=TX),
        tx_requests_pending=Count("id", filter=TX & Q(outcome=outcome.PENDING)),
    )
    found = lists | requests
    return found if lists["pending_lists"] else dict.fromkeys(found)


class SiteStats:
    """The stats for one request, computed on first use and shown in the active language."""

    def __init__(self):
        self._agreements = None
        self._requests = None

    def names(self):
        return STATS.keys()

    def raw(self, name):
        if name in REQUEST_STATS:
            if self._requests is None:
                self._requests = _requests()
            return self._requests[name]
        if self._agreements is None:
            self._agreements = compute_agreements()
        return self._agreements[name]

    def display(self, name) -> str:
        value = self.raw(name)
        if value is None:
            return _("not known")
        if isinstance(value, str):  # a sentence
            return value
        if isinstance(value, date):
            return date_format(value, "DATE_FORMAT")
        return number_format(value, force_grouping=True)
