from django import template
from django.db.models import Count, Min

from counties.models import Correction, SyncRun

register = template.Library()


@register.simple_tag
def last_ice_check():
    """For the admin's index: the last successful check of ICE's site, and the last check of all."""
    return {
        "success": SyncRun.objects.last_success(),
        # A list ICE's page does not link (the pending list since 2026) is a state, not a failed check.
        "latest": SyncRun.objects.exclude(result=SyncRun.Result.ABSENT).order_by("-finished_at").first(),
        "absent": SyncRun.objects.filter(item=SyncRun.Item.PENDING).order_by("-finished_at").first(),
    }


@register.simple_tag
def open_reports() -> dict:
    """For the admin's index: how many readers' reports wait for an editor, and since when (the oldest)."""
    return Correction.objects.open().aggregate(count=Count("id"), oldest=Min("created_at"))
