"""A county's admin page shows what its public page shows, with links, and one timeline of who changed what
about the county and why (issue 27): the county's own edits, its events, the agencies that work in it and
their agreements (editors' edits and imports alike), and what ICE's lists changed there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

from ..models import Agency, AgencyCounty, Agreement, Change, Event

TIMELINE_LENGTH = 60


@dataclass(frozen=True)
class Step:
    when: datetime
    who: str  # an editor's name, "an import" or "ICE's list of …"
    what: str
    why: str
    link: str  # the record's history page (where an edit is undone), or the record


def _history_steps(records, label, history_url) -> list[Step]:
    steps = []
    for record in records:
        kind = {"+": "added", "~": "changed", "-": "deleted"}.get(record.history_type, "changed")
        steps.append(
            Step(
                when=record.history_date,
                who=str(record.history_user) if record.history_user_id else "an import",
                what=f"{label(record)} {kind}",
                why=record.history_change_reason or "",
                link=history_url(record.id),
            )
        )
    return steps


def overview(county) -> dict:
    """What the county's admin page shows: its public page, its agencies and agreements, its events, and
    the timeline. A fixed number of queries, whatever the county."""
    placements = list(
        AgencyCounty.objects.filter(county=county).select_related("agency").order_by("agency__name")
    )
    agency_ids = [p.agency_id for p in placements]
    agreements = list(
        Agreement.objects.filter(agency_id__in=agency_ids, is_current=True)
        .select_related("agency")
        .order_by("agency__name", "model")
    )
    events = list(Event.objects.filter(county=county).order_by("-date"))
    steps = _history_steps(
        county.history.select_related("history_user")[:TIMELINE_LENGTH],
        lambda r: "The county's own page",
        lambda pk: reverse("admin:counties_county_history", args=[pk]),
    )
    steps += _history_steps(
        Event.history.filter(county_id=county.pk).select_related("history_user")[:TIMELINE_LENGTH],
        lambda r: f"Event of {r.date}: “{r.summary[:80]}”",
        lambda pk: reverse("admin:counties_event_history", args=[pk]),
    )
    steps += _history_steps(
        Agency.history.filter(id__in=agency_ids).select_related("history_user")[:TIMELINE_LENGTH],
        lambda r: f"Agency {r.name}",
        lambda pk: reverse("admin:counties_agency_history", args=[pk]),
    )
    steps += _history_steps(
        Agreement.history.filter(agency_id__in=agency_ids)
        .select_related("history_user")
        .order_by("-history_date")[:TIMELINE_LENGTH],
        lambda r: f"Agreement {r.public_id}",
        lambda pk: reverse("admin:counties_agreement_history", args=[pk]),
    )
    for change in (
        Change.objects.filter(agency_id__in=agency_ids)
        .select_related("snapshot", "agency")
        .order_by("-date")[:TIMELINE_LENGTH]
    ):
        steps.append(
            Step(
                when=timezone.make_aware(datetime.combine(change.date, time())),
                who=f"ICE's list of {change.snapshot.as_of}",
                what=f"{change.agency.name}: {change.get_kind_display()}",
                why="",
                link=reverse("admin:counties_snapshot_change", args=[change.snapshot_id]),
            )
        )
    steps.sort(key=lambda s: s.when, reverse=True)
    return {
        "public_url": county.get_absolute_url(),
        "placements": placements,
        "agreements": agreements,
        "events": events,
        "timeline": steps[:TIMELINE_LENGTH],
    }
