"""Everything the site ships with: reference data, then ICE's 328 lists (fixtures/ice287g/manifest.csv).

The lists are read straight from the sheet XML (about 8 s of CPU for all of them), kept as Snapshots in
bulk, and the history is worked out once at the end (counties/importers/rebuild/), instead of once
per list. A database that already holds them is left as it is in about a second. A database loaded
before the archive existed (the 17 monthly copies) keeps what editors added and has its history worked
out again from the archive: lists the archive replaces are removed first.
"""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from ..models import County, Snapshot
from .ice import lock_imports, read, store_list
from .rebuild import build_plan, write_plan
from .reference import FIXTURES, analyze, load_reference_data

ICE_DIR = FIXTURES / "ice287g"
MANIFEST = ICE_DIR / "manifest.csv"


@dataclass(frozen=True)
class ShippedList:
    path: Path
    kind: str
    as_of: date
    unchanged_through: date
    rows: int
    sha256: str
    origin_path: str
    note: str


def shipped_lists(manifest: Path = MANIFEST) -> list[ShippedList]:
    """Every list in the manifest, in date order (participating and pending interleaved)."""
    with manifest.open(newline="", encoding="utf-8") as f:
        entries = [
            ShippedList(
                path=manifest.parent / row["file"],
                kind=row["kind"],
                as_of=date.fromisoformat(row["as_of"]),
                unchanged_through=date.fromisoformat(row["unchanged_through"]),
                rows=int(row["rows"]),
                sha256=row["sha256"],
                origin_path=row["origin_path"],
                note=row["note"],
            )
            for row in csv.DictReader(f)
        ]
    return sorted(entries, key=lambda e: (e.as_of, e.kind))


@dataclass
class LoadReport:
    reference: str = ""
    lists_added: int = 0
    lists_removed: int = 0
    confirmed: int = 0
    history: str = ""
    seconds: float = 0.0

    def __str__(self):
        if not (self.reference or self.lists_added or self.lists_removed or self.confirmed):
            return ""
        parts = [self.reference] if self.reference else []
        parts.append(f"{self.lists_added} ICE lists added")
        if self.lists_removed:
            parts.append(f"{self.lists_removed} superseded lists removed")
        if self.confirmed:
            parts.append(f"{self.confirmed} lists' confirmation dates updated")
        if self.history:
            parts.append(f"history: {self.history}")
        return "; ".join(parts)


def load_shipped_data(*, force: bool = False, lists: list[ShippedList] | None = None, log=None) -> LoadReport:
    """Load whatever is missing. `lists` narrows the ICE lists to a window (tests); default: all of them."""
    started = time.monotonic()
    report = LoadReport()
    wanted = lists if lists is not None else shipped_lists()
    with transaction.atomic():
        lock_imports()  # two servers starting at once on an empty database: the second waits, then finds it done
        if force or not County.objects.exists():
            report.reference = str(load_reference_data())
            if log:
                log(report.reference)
        held = {
            s.sha256: s
            for s in Snapshot.objects.only("id", "sha256", "kind", "as_of", "unchanged_through", "origin")
        }
        shipped_shas = {entry.sha256 for entry in shipped_lists()}
        # Lists shipped before the archive that the archive replaces (the same rows under another date, or
        # an earlier version of a day): removed once nothing points to them any more.
        superseded = {
            s.pk: s
            for s in held.values()
            if s.origin == Snapshot.Origin.SHIPPED and s.sha256 not in shipped_shas
        }
        if superseded:  # out of the way of the archive's list of the same day; removed after the rebuild
            for offset, snapshot in enumerate(superseded.values()):
                Snapshot.objects.filter(pk=snapshot.pk).update(
                    as_of=date(1900, 1, 1) + timedelta(days=offset)
                )
        for entry in wanted:
            snapshot = held.get(entry.sha256)
            if snapshot is None:
                _keep(entry)
                report.lists_added += 1
            elif snapshot.unchanged_through is None or snapshot.unchanged_through < entry.unchanged_through:
                snapshot.unchanged_through = entry.unchanged_through
                snapshot.save(update_fields=["unchanged_through"])
                report.confirmed += 1
        if report.lists_added or superseded or force:
            plan = build_plan(exclude=set(superseded))
            stats = write_plan(plan, reason="ICE lists shipped with the site loaded")
            report.history = str(stats)
            if log:
                log(f"history worked out in {plan.seconds:.1f} s; {stats}")
        if superseded:
            Snapshot.objects.filter(pk__in=superseded).delete()
            report.lists_removed = len(superseded)
    if report.reference or report.lists_added or superseded or force:
        analyze()  # the planner's statistics for what was just written (see analyze)
    report.seconds = time.monotonic() - started
    return report


def _keep(entry: ShippedList) -> Snapshot:
    data = entry.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise ValueError(f"{entry.path} is not the file of the manifest (its SHA-256 differs): not loaded")
    parsed = read(data)
    return store_list(
        parsed,
        kind=entry.kind,
        as_of=entry.as_of,
        unchanged_through=entry.unchanged_through,
        sha256=entry.sha256,
        filename=entry.path.name,
        source_url="",  # copies of ICE's files (fixtures/SOURCES.md): cited as ICE's page (Snapshot.page_url)
        origin=Snapshot.Origin.SHIPPED,
    )
