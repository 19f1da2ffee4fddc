from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import County, Snapshot, State
from .status import county_status


@require_safe
def state_detail(request, state):
    state = get_object_or_404(State, code=state.upper())
    counties = County.objects.filter(state=state).order_by("name")
    return render(
        request,
        "counties/state_detail.html",
        {"state": state, "counties": counties, "snapshot": Snapshot.objects.newest()},
    )


@require_safe
def county_detail(request, state, slug):
    county = get_object_or_404(County.objects.select_related("state"), state__code=state.upper(), slug=slug)
    return render(request, "counties/county_detail.html", {"county": county, "status": county_status(county)})
