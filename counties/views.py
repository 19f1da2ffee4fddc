import time

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from config.editor_security import client_key

from . import pagecache
from .changes import recent_changes
from .forms import CorrectionForm
from .geo import locator_map, state_map
from .models import Agency, Agreement, County, Snapshot, State
from .search import MAX_QUERY_LENGTH
from .search import search as find
from .status import (
    SB8_DEADLINE,
    MapCategory,
    county_status,
    sorted_models,
    state_statuses,
    unplaced_agency_count,
    unplaced_agreements,
)
from .wording import model_list

TIMELINE_LIMIT = 50


@require_safe
def county_detail(request, state, slug):
    if state != state.lower() or slug != slug.lower():
        return redirect("counties:county", state=state.lower(), slug=slug.lower(), permanent=True)
    # The most visited page: a reader who has it gets a 304, a worker that rendered it serves it from memory.
    return pagecache.serve_kept(request, lambda: _render_county(request, state, slug), "county", state, slug)


def _render_county(request, state, slug):
    county = get_object_or_404(County.objects.select_related("state"), state__code=state.upper(), slug=slug)
    status = county_status(county)
    today = timezone.localdate()
    return render(
        request,
        "counties/county_detail.html",
        {
            "county": county,
            "status": status,
            "sheriff_models_text": model_list(status.sheriff_models),
            "sheriff_former_models_text": model_list(status.sheriff_former_models),
            "timeline": recent_changes(county=county, limit=TIMELINE_LIMIT),
            "locator": locator_map(county),
            "today": today,
            "sb8_deadline": SB8_DEADLINE,
            "sb8_days_left": status.sb8_days_left(today),
            "unplaced_count": unplaced_agency_count(county.state) if status.snapshot else 0,
        },
    )


STATE_SORTS = {
    "name": lambda s: s.county.name,
    "population": lambda s: -(s.county.population or 0),
    "status": lambda s: (MapCategory.ALL.index(s.category), s.county.name),
    "agreements": lambda s: (-len(s.current), s.county.name),
}


@require_safe
def state_detail(request, state):
    if state != state.lower():
        return redirect("counties:state", state=state.lower(), permanent=True)
    return pagecache.serve_kept(request, lambda: _render_state(request, state), "state", state)


def _render_state(request, state):
    state = get_object_or_404(State, code=state.upper())
    snapshot = Snapshot.objects.newest()
    statuses = state_statuses(state, snapshot)

    status_filter = request.GET.get("status", "")
    model_filter = request.GET.get("model", "")
    sort = request.GET.get("sort", "name")
    if status_filter not in MapCategory.ALL:
        status_filter = ""
    if model_filter not in Agreement.Model.values:
        model_filter = ""
    if sort not in STATE_SORTS:
        sort = "name"

    category_counts = dict.fromkeys(MapCategory.ALL, 0)
    model_counts = dict.fromkeys(Agreement.Model.values, 0)
    for status in statuses:
        category_counts[status.category] += 1
        for model in status.models:
            model_counts[model] += 1

    shown = [
        s
        for s in statuses
        if (not status_filter or s.category == status_filter)
        and (not model_filter or model_filter in s.models)
    ]
    shown.sort(key=STATE_SORTS[sort])
    return render(
        request,
        "counties/state_detail.html",
        {
            "state": state,
            "snapshot": snapshot,
            "statuses": statuses,
            "shown": shown,
            "status_filter": status_filter,
            "model_filter": model_filter,
            "sort": sort,
            "category_counts": category_counts,
            "model_counts": model_counts,
            "categories": MapCategory.ALL,
            "models": Agreement.Model.choices,
            "statewide": statuses[0].statewide if statuses else [],
            "unplaced": unplaced_agreements(state) if snapshot else [],
            "map": state_map(state, statuses),
        },
    )


@require_safe
def national(request):
    return pagecache.serve_kept(request, lambda: _render_national(request), "national")


def _render_national(request):
    snapshot = Snapshot.objects.newest()
    rows = {}
    current = Agreement.objects.current().exclude(agency__state__isnull=True)
    for row in current.values("agency__state__code", "agency__state__name", "model").annotate(n=Count("id")):
        entry = rows.setdefault(
            row["agency__state__code"],
            {
                "code": row["agency__state__code"],
                "name": row["agency__state__name"],
                "models": {},
                "total": 0,
            },
        )
        entry["models"][row["model"]] = row["n"]
        entry["total"] += row["n"]
    agencies = current.values("agency__state__code").annotate(
        agencies=Count("agency", distinct=True),
        sheriffs=Count("agency", distinct=True, filter=Q(agency__kind=Agency.Kind.SHERIFF)),
    )
    for row in agencies:
        rows[row["agency__state__code"]].update(agencies=row["agencies"], sheriffs=row["sheriffs"])
    states = sorted(rows.values(), key=lambda r: (-r["total"], r["name"]))
    for entry in states:
        entry["model_counts"] = [entry["models"].get(m, 0) for m in Agreement.Model.values]
    totals = {
        "total": sum(r["total"] for r in states),
        "agencies": sum(r["agencies"] for r in states),
        "model_counts": [sum(r["models"].get(m, 0) for r in states) for m in Agreement.Model.values],
    }
    return render(
        request,
        "counties/national.html",
        {"snapshot": snapshot, "states": states, "totals": totals, "models": Agreement.Model.choices},
    )


def _county_or_404(state, slug):
    return get_object_or_404(County.objects.select_related("state"), state__code=state.upper(), slug=slug)


WINDOW_SECONDS = 60 * 60  # CORRECTIONS_PER_HOUR counts reports in fixed clock hours
clock = time.time  # tests put their own clock here


def _over_correction_limit(request) -> bool:
    """Count this client's reports in the current clock hour, keyed on a hash of its address.

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
    # Kept a minute past the end of its hour, then swept by the cache.
    timeout = int((window + 1) * WINDOW_SECONDS - now) + 60
    if limit <= 0 or cache.get(f"{prefix}:{limit - 1}") is not None:
        return True  # every slot of this hour is taken: one query for a client that keeps trying
    return not any(cache.add(f"{prefix}:{slot}", 1, timeout=timeout) for slot in range(limit))


@never_cache  # the page holds a CSRF token: no CDN or shared cache may keep it
@require_http_methods(["GET", "HEAD", "POST"])
def correction(request, state, slug):
    """The public "report a correction" form. The only public page that sets a (CSRF) cookie."""
    county = _county_or_404(state, slug)
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        thanks = redirect("counties:correction_thanks", state=county.state.slug, slug=county.slug)
        if form.is_spam:
            return thanks  # tell a bot nothing; store nothing
        if form.is_valid():
            if _over_correction_limit(request):
                form.add_error(
                    None,
                    _("We have received many reports from you in the last hour. Please try again later."),
                )
                status = 429
            else:
                report = form.save(commit=False)
                report.county = county
                report.language = get_language() or ""
                report.save()
                return thanks
        else:
            status = 400
    else:
        form = CorrectionForm()
    return render(request, "counties/correction_form.html", {"county": county, "form": form}, status=status)


@require_safe
def correction_thanks(request, state, slug):
    county = _county_or_404(state, slug)
    return render(request, "counties/correction_thanks.html", {"county": county})


@require_safe
def search(request):
    """Search by county, city or ZIP code. A canonical GET URL; with htmx only the results fragment."""
    query = request.GET.get("q", "")
    if request.GET.get("go") and not request.htmx:
        outcome = find(query)
        if outcome.single_county:
            return redirect(outcome.single_county.url)
    response = pagecache.cached_response(
        request, pagecache.site_version(), lambda: _render_search(request, query)
    )
    patch_vary_headers(response, ["HX-Request"])
    patch_cache_control(response, public=True, max_age=pagecache.PUBLIC_MAX_AGE)
    return response


def _render_search(request, query):
    outcome = find(query)
    snapshot = Snapshot.objects.newest() if outcome.results else None
    sheriff_models: dict[int, list[str]] = {}
    if snapshot:
        current = Agreement.objects.current().filter(
            agency__county_id__in=outcome.destinations, agency__kind=Agency.Kind.SHERIFF
        )
        for county_id, model in current.values_list("agency__county_id", "model"):
            sheriff_models.setdefault(county_id, []).append(model)
    template = "counties/search.html#results" if request.htmx else "counties/search.html"
    context = {
        "q": query[:MAX_QUERY_LENGTH],
        "outcome": outcome,
        "snapshot": snapshot,
        "sheriff_models": {k: sorted_models(v) for k, v in sheriff_models.items()},
    }
    return render(request, template, context, status=400 if outcome.kind == "too-long" else 200)
