from django import template

from counties.models import SyncRun

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
