from django import template

from counties.models import SyncRun

register = template.Library()


@register.simple_tag
def last_ice_check():
    """For the admin's index: the last successful check of ICE's site, and the last check of all."""
    return {
        "success": SyncRun.objects.last_success(),
        "latest": SyncRun.objects.order_by("-finished_at").first(),
    }
