import functools
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

from . import pagecache, wording
from .changes import recent_changes
from .clients import client_key, sweep_expired_counts
from .coverage import Coverage
from .forms import CorrectionForm
from .freshness import freshness
from .geo import locator_map, state_map
from .methods import allow, require_safe
from .models import Agency, Agreement, County, Request, Snapshot, State
from .pagecache import kept_page
from .search import MAX_QUERY_LENGTH, clean_query
from .search import search as find
from .status import (
    MapCategory,
    county_status,
    newest_lists,
    state_statuses,
    unplaced_agency_count,
    unplaced_agreements,
)
from .wording import answer_agencies, for_you, model_list, sb8_map_note, statewide_agencies

TIMELINE_LIMIT = 50


def lowercase_address(view):
    """A state code or county slug typed in capitals (/counties/TX/Dallas-County/, /feeds/TX.atom)
    redirects for good to the page's one address, so that the page is kept, linked and counted once."""

    @functools.wraps(view)
    def wrapped(request, **kwargs):
        lower = {name: value.lower() for name, value in kwargs.items()}
        if lower == kwargs:
            return view(request, **kwargs)
        query = request.META.get("QUERY_STRING", "")
        address = reverse(request.resolver_match.view_name, kwargs=lower)
        return redirect(address + (f"?{query}" if query else ""), permanent=True)

    return wrapped


@require_safe
@lowercase_address
@kept_page()
def county_detail(request, state, slug):
    """The most visited page: a reader who has it gets a 304; it is rendered once per data version."""
    county = County.objects.by_url(state, slug)
    status = county_status(county)
    named, more = answer_agencies(status)
    return TemplateResponse(
        request,
        "counties/county_detail.html",
        {
            "county": county,
            "status": status,
            "sheriff_models_text": model_list(status.sheriff_models),
            "sheriff_former_models_text": model_list(status.sheriff_former_models),
            "sb8": status.sb8(pagecache.today()),
            "statewide_agencies": statewide_agencies(status),
            "answer_agencies": named,
            "more_agencies": more,
            "for_you": for_you(status, brief=True),
            "timeline": recent_changes(county=county, limit=TIMELINE_LIMIT),
            "locator": locator_map(county),
            "unplaced_count": unplaced_agency_count(county.state) if status.snapshot else 0,
            "fresh": freshness(status.snapshot),
        },
    )


@require_safe
def agreement(request, public_id):
    """An agreement's permanent link (the IDs of the downloads): to where the site shows it.

    An alias (the ID of a history merged into this one, counties/importers/rebuild/) redirects for good
    to the agreement's own ID; the ID redirects, for now, to its county's page (or its state's page, for a
    statewide or unplaced agency), where the agreement has an anchor. An unknown ID is a 404.
    """
    found = Agreement.objects.by_public_id(public_id)
    if found is None:
        raise Http404("No agreement has that ID.")
    if found.public_id != public_id:
        return redirect(found.get_absolute_url(), permanent=True)
    agency = Agency.objects.select_related("county__state", "state").get(pk=found.agency_id)
    if agency.county is not None:
        return redirect(f"{agency.county.get_absolute_url()}#agreement-{found.pk}")
    return redirect(agency.state.get_absolute_url() + ("#statewide" if agency.statewide else "#unplaced"))


STATE_SORTS = {
    "name": lambda s: s.county.name,
    "population": lambda s: -(s.county.population or 0),
    "status": lambda s: (MapCategory.ALL.index(s.category), s.county.name),
    "agreements": lambda s: (-len(s.current), s.county.name),
}
# The same sorts as links above the table, for narrow screens where the table's header row is not shown.
STATE_SORT_LABELS = [
    ("name", gettext_lazy("county name")),
    ("status", gettext_lazy("sheriff's status")),
    ("agreements", gettext_lazy("agencies with agreements")),
    ("population", gettext_lazy("population")),
]


# ?sb8=no-agreement (Texas): SB 8 applies and the sheriff has no agreement on ICE's newest list.
SB8_FILTERS = ["no-agreement"]
# ?map=sb8 (Texas): the map coloured by what SB 8 asks of each sheriff and what ICE's lists show.
MAP_VIEWS = ["sb8"]


@require_safe
@lowercase_address
@kept_page(
    params={
        "status": MapCategory.ALL,
        "model": Agreement.Model.values,
        "sb8": SB8_FILTERS,
        "sort": list(STATE_SORTS),
        "map": MAP_VIEWS,
    }
)
def state_detail(request, state):
    state = get_object_or_404(State, code=state.upper())
    snapshot, pending = newest_lists()
    statuses = state_statuses(state, snapshot, pending=pending)

    status_filter = request.GET.get("status", "")
    model_filter = request.GET.get("model", "")
    sb8_filter = request.GET.get("sb8", "")
    sort = request.GET.get("sort", "name")
    map_view = request.GET.get("map", "")
    if map_view not in MAP_VIEWS or state.code != "TX" or snapshot is None:
        map_view = "status"
    if status_filter not in MapCategory.ALL:
        status_filter = ""
    if model_filter not in Agreement.Model.values:
        model_filter = ""
    if sb8_filter not in SB8_FILTERS or state.code != "TX":
        sb8_filter = ""
    if sort not in STATE_SORTS:
        sort = "name"

    category_counts = dict.fromkeys(MapCategory.ALL, 0)
    model_counts = dict.fromkeys(Agreement.Model.values, 0)
    sb8_count = 0
    for status in statuses:
        category_counts[status.category] += 1
        for model in status.models:
            model_counts[model] += 1
        sb8_count += status.sb8_without_agreement

    shown = [
        s
        for s in statuses
        if (not status_filter or s.category == status_filter)
        and (not model_filter or model_filter in s.models)
        and (not sb8_filter or s.sb8_without_agreement)
    ]
    shown.sort(key=STATE_SORTS[sort])
    return TemplateResponse(
        request,
        "counties/state_detail.html",
        {
            "state": state,
            "snapshot": snapshot,
            "fresh": freshness(snapshot),
            "statuses": statuses,
            "shown": shown,
            "status_filter": status_filter,
            "model_filter": model_filter,
            "sb8_filter": sb8_filter,
            "sort": sort,
            "sorts": STATE_SORT_LABELS,
            "category_counts": category_counts,
            "model_counts": model_counts,
            "sb8_count": sb8_count if state.code == "TX" and snapshot else None,
            "shown_requested": sum(
                1 for s in shown if s.sheriff_request and s.sheriff_request.outcome == Request.Outcome.PENDING
            ),
            "categories": MapCategory.ALL,
            "models": Agreement.Model.choices,
            "statewide": statuses[0].statewide if statuses else [],
            "unplaced": unplaced_agreements(state) if snapshot else [],
            "map": state_map(state, statuses, map_view),
            "sb8_map_note": sb8_map_note(snapshot, pending) if map_view == "sb8" else "",
            # The date of the jail commission's report the statuses come from (each county page has its own).
            "jail_report_date": max(
                (
                    s.county.jail_status_as_of
                    for s in statuses
                    if s.county.jail_status_source == County.JailSource.TCJS and s.county.jail_status_as_of
                ),
                default=None,
            ),
        },
    )


@require_safe
@kept_page()
def national(request):
    snapshot = Snapshot.objects.newest()
    states, totals = Agreement.objects.current().counts_by_state()
    labels = Agreement.Model.labels
    for row in [*states, totals]:  # each count with its model's name, for the cells' labels on phones
        row["model_cells"] = list(zip(labels, row["model_counts"], strict=True))
    return TemplateResponse(
        request,
        "counties/national.html",
        {
            "snapshot": snapshot,
            "fresh": freshness(snapshot),
            # How current the list is; the table counts Texas's sheriffs, so with SB 8's deadline too.
            "list_currency": wording.list_currency(snapshot, texas=True, sheriffs=True),
            "states": states,
            "totals": totals,
            "models": Agreement.Model.choices,
        },
    )


WINDOW_SECONDS = 60 * 60  # CORRECTIONS_PER_HOUR counts reports in fixed clock hours
clock = time.time  # tests put their own clock here


def _correction_wait(request) -> int:
    """Count this client's reports in the current clock hour, keyed on a hash of its address: 0 when this
    report may be stored, else the seconds until the next hour, when it may report again.

    Each accepted report takes one of CORRECTIONS_PER_HOUR numbered slots of the hour in the shared
    (database) cache; `add` succeeds for one request only, so concurrent workers cannot both take a slot.
    No slot's expiry is ever extended by a later attempt: a new hour has new keys, whatever happened in
    the last one. No raw address is kept.
    """
    cache = caches["shared"]
    now = clock()
    window = int(now // WINDOW_SECONDS)
    prefix = f"corrections:{client_key(request, 'corrections')}:{window}"
    limit = settings.CORRECTIONS_PER_HOUR
    # Kept a minute past the end of its hour, then swept (clients.sweep_expired_counts, after a report is
    # saved and by keep_pages).
    timeout = int((window + 1) * WINDOW_SECONDS - now) + 60
    wait = math.ceil((window + 1) * WINDOW_SECONDS - now)
    if limit <= 0 or cache.get(f"{prefix}:{limit - 1}") is not None:
        return wait  # every slot of this hour is taken: one query for a client that keeps trying
    return 0 if any(cache.add(f"{prefix}:{slot}", 1, timeout=timeout) for slot in range(limit)) else wait


@never_cache  # the page holds a CSRF token: no CDN or shared cache may keep it
@allow("GET", "HEAD", "POST")
def correction(request, state, slug):
    """The public "report a correction" form. The only public page that sets a (CSRF) cookie."""
    county = County.objects.by_url(state, slug)
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        thanks = redirect("counties:correction_thanks", state=county.state.slug, slug=county.slug)
        if form.is_spam:
            return thanks  # tell a bot nothing; store nothing
        if form.is_valid():
            if wait := _correction_wait(request):
                minutes = math.ceil(wait / 60)
                form.add_error(
                    None,
                    ngettext(
                        "We have received many reports from you this hour. Please try again in %(minutes)d "
                        "minute: what you wrote is still here.",
                        "We have received many reports from you this hour. Please try again in %(minutes)d "
                        "minutes: what you wrote is still here.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                status = 429
            else:
                report = form.save(commit=False)
                report.county = county
                report.language = get_language() or ""
                report.save()
                sweep_expired_counts()  # earlier hours' counts go now (the cache would keep them: clients.py)
                return thanks
        else:
            status = 400
    else:
        form = CorrectionForm()
    response = render(
        request, "counties/correction_form.html", {"county": county, "form": form}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def correction_not_sent(request, state, slug, reason=""):
    """The correction form that failed its CSRF check: config.views.csrf_failure sends it here. A missing
    or stale cookie or token (cookies blocked or cleared, a page left open until the browser dropped its
    cookie) brings the form back with what the reader wrote and why it was not sent; this page sets a new
    cookie, so sending again works. A form posted from another site (its Origin or Referer says so) comes
    back empty: nobody's text is put in a reader's mouth."""
    county = County.objects.by_url(state, slug)
    origin = request.headers.get("Origin")
    own = (origin is None or origin == f"{request.scheme}://{request.get_host()}") and not reason.startswith(
        ("Origin checking failed", "Referer checking failed")
    )
    fields = ("what_is_wrong", "source_url", "contact")
    form = CorrectionForm(initial={name: request.POST.get(name, "") for name in fields} if own else None)
    if own:
        notice = gettext(
            "Your report was not sent yet: the form's security check did not pass, most often because the "
            "browser blocks or has cleared this site's cookie. What you wrote is still here: please send the "
            "report again. If your browser blocks cookies, allow them for this site (it sets one on this "
            "form only)."
        )
    else:
        notice = gettext(
            "Your report was not sent: the form's security check did not pass. Please write it here."
        )
    context = {"county": county, "form": form, "notice": notice}
    response = render(request, "counties/correction_form.html", context, status=403)
    add_never_cache_headers(response)  # as the form itself: a new token and what the reader wrote
    return response


@require_safe
def correction_thanks(request, state, slug):
    county = County.objects.by_url(state, slug)
    return render(request, "counties/correction_thanks.html", {"county": county})


@require_safe
def search(request):
    """Search by county, city or ZIP code. A canonical GET URL; with htmx only the results fragment."""
    query = clean_query(request.GET.get("q", ""))
    if request.GET.get("go") and not request.htmx:
        outcome = find(query)
        if outcome.single_county:
            return redirect(outcome.single_county.url)
    return search_results(request)


@kept_page(params={"q": clean_query}, htmx=True, share=False)
def search_results(request):
    query = clean_query(request.GET.get("q", ""))  # exactly what the page is kept by
    outcome = find(query)
    snapshot = Snapshot.objects.newest() if outcome.results else None
    coverage = Coverage(outcome) if snapshot else None
    city = outcome.zip_city if outcome.kind == "zip" else ""
    places = [(r, coverage.line(r, city) if coverage else None) for r in outcome.places]
    fragment = pagecache.wants_fragment(request)
    template = "counties/search.html#results" if fragment else "counties/search.html"
    context = {
        "q": query[:MAX_QUERY_LENGTH],
        "outcome": outcome,
        "snapshot": snapshot,
        "fresh": freshness(snapshot),
        "places": places,  # each result with what its line says (counties/coverage.py)
        "fragment": fragment,  # the live search's answer: also the screen reader's status line
        # How current the list behind the statuses is (with SB 8's deadline when a result is in Texas: a
        # county, a place or its counties, an agency of the state, or the state itself).
        "list_currency": wording.list_currency(
            snapshot,
            texas=any(
                r.entry.state_code == "TX" or any(c.state_code == "TX" for c in r.counties)
                for r in outcome.results
            ),
            sheriffs=True,
        ),
    }
    return TemplateResponse(request, template, context, status=400 if outcome.kind == "too-long" else 200)
