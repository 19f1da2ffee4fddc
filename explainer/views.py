from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from counties import wording
from counties.changes import recent_changes
from counties.freshness import freshness
from counties.geo import state_map
from counties.methods import require_safe
from counties.models import Snapshot, State
from counties.pagecache import kept_page
from counties.status import MapCategory, state_statuses

from . import content, stats
from .sitemaps import SITEMAPS
from .stats import SiteStats

HOME_CHANGES = 6


@require_safe
@kept_page()
def home(request):
    """Find your county: the search box first, then the Texas map, the main numbers and recent changes."""
    snapshot = Snapshot.objects.newest()
    texas = State.objects.filter(code="TX").first()
    statuses = state_statuses(texas, snapshot) if texas else []
    context = {
        "snapshot": snapshot,
        "fresh": freshness(snapshot),
        "stats": stats.compute_agreements(),
        "map": state_map(texas, statuses) if texas else None,
        "categories": MapCategory.ALL,
        "changes": recent_changes(state=texas, limit=HOME_CHANGES) if texas else [],
        "texas": texas,
        # The Texas numbers: how current ICE's list is, with SB 8's deadline (the county page's words).
        "texas_list_currency": wording.list_currency(snapshot, texas=True, sheriffs=True) if texas else "",
    }
    return TemplateResponse(request, "explainer/home.html", context)


@require_safe
@kept_page()
def page(request, slug):
    """One explainer page in the request's language, with its numbered sources."""
    lang = get_language()
    page = content.get_page(lang, slug)
    if page is None:
        raise Http404("No such page in this language")
    rendered = content.render_page(page, SiteStats())
    context = {"page": page, "rendered": rendered}
    if slug == content.SOURCES_SLUG:
        context["all_sources"] = content.sources_by_page(lang)
    return TemplateResponse(request, "explainer/page.html", context)


@require_safe
@kept_page(language_notice=False)
def sitemap(request):
    """Every page in both languages (2.8 MB): built once per data version, not per crawler visit."""
    return django_sitemap(request, sitemaps=SITEMAPS)
