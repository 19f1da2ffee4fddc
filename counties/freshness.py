"""How old the site's answer is: the day the site last confirmed ICE's list, and a notice when that is long ago.

The age counts from the last time the list was confirmed unchanged on ICE's site (Snapshot.unchanged_through:
the archive's last sighting for the shipped lists, the site's own check for later ones), not from the
list's own date and never from the day it was imported. Past STALE_AFTER_DAYS a page says plainly how many
days old the answer is, that ICE updates its list often and the status may have changed, and links ICE's
287(g) page. Pages that show the count are kept one day at a time (counties/pagecache.py); pages of a
fresh list are kept until the day it would turn old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from . import pagecache
from .models import Snapshot


@dataclass(frozen=True)
class Freshness:
    snapshot: Snapshot | None
    today: date
    stale_after: int

    @property
    def kind(self) -> str:
        return self.snapshot.kind if self.snapshot else Snapshot.Kind.PARTICIPATING

    @property
    def as_of(self) -> date | None:
        return self.snapshot.as_of if self.snapshot else None

    @property
    def confirmed_on(self) -> date | None:
        return self.snapshot.unchanged_through if self.snapshot else None

    @property
    def added_by_hand(self) -> bool:
        """An editor's upload (or an import by command) that no check of ICE's site has confirmed since:
        nobody saw ICE serve it, so pages must not say "confirmed on ICE's site" (issue 27)."""
        return (
            self.snapshot is not None
            and self.snapshot.origin in (Snapshot.Origin.UPLOAD, Snapshot.Origin.COMMAND)
            and self.snapshot.unchanged_through <= self.snapshot.as_of
        )

    @property
    def uploaded(self) -> bool:
        return self.added_by_hand and self.snapshot.origin == Snapshot.Origin.UPLOAD

    @property
    def added_on(self) -> date | None:
        return timezone.localdate(self.snapshot.imported_at) if self.added_by_hand else None

    @property
    def age_days(self) -> int | None:
        return (self.today - self.confirmed_on).days if self.snapshot else None

    @property
    def is_stale(self) -> bool:
        return self.snapshot is not None and self.age_days > self.stale_after

    @property
    def ice_url(self) -> str:
        return settings.ICE_PAGE_URL


def freshness(snapshot: Snapshot | None) -> Freshness:
    """The freshness of a list as a page shows it today; tells the page cache how long that holds."""
    today = pagecache.today()
    result = Freshness(snapshot, today, settings.STALE_AFTER_DAYS)
    if snapshot is not None:
        if result.is_stale:
            pagecache.valid_for_today()  # the notice counts days
        else:
            pagecache.valid_until(snapshot.unchanged_through + timedelta(days=settings.STALE_AFTER_DAYS + 1))
    return result
