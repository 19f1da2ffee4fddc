"""Import one of ICE's 287(g) lists: read it, check it, keep it as a dated Snapshot, rebuild what follows.

    result = import_list(data, filename="participatingAgencies05182026am.xlsx", origin="upload")

Steps, each a function:
1. `read`: the workbook's rows (counties/importers/lists.py), or WorkbookError with a message for an editor;
2. `check`: what this file is against the lists already held: a new list; the same file again (nothing
   to do); the same rows as the list just before its date (ICE re-saved it: that list is confirmed through
   this date, no new list); or a file to hold for an editor, with the reason: the other kind of list, the
   rows of an older list under a newer date (a re-served old file), or a list that drops an unusual share
   of agreements;
3. `keep`: the Snapshot with its rows;
4. `rebuild`: agencies, agreements, requests and changes from all lists (counties/importers/rebuild/),
   writing only what differs.

Imports run one at a time, site-wide (a PostgreSQL advisory lock): a second import at the same moment
waits for the first, then finds its file already imported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .. import locks
from ..models import Snapshot, SnapshotData
from .lists import (
    EARLIEST_LIST,
    ParsedList,
    WorkbookError,
    date_from_filename,
    encode_rows,
    kind_from_filename,
    parse_list,
    unwrap_url,
)
from .preview import new_unplaced, preview_sections
from .rebuild import Plan, WriteStats, build_plan, write_plan
from .workbook import MAX_BYTES, Kind

# A new newest list that drops more than this share of the agreements of the list before it is held for
# an editor: the archive's largest real drop between two lists is under 3%; a re-served or truncated file
# drops far more.
MAX_DROP_SHARE = 0.10
IMPORT_LOCK = locks.IMPORT  # counties/locks.py


class ImportOutcome:
    """What an import did with a file (ImportResult.outcome); a request's outcome is Request.Outcome."""

    IMPORTED = "imported"  # a new list
    ALREADY = "already"  # this very file (same SHA-256) is already held: nothing to do
    CONFIRMED = "confirmed"  # the same rows as the list just before its date: that list is confirmed
    HELD = "held"  # not imported: an editor must look (reason says why)


@dataclass
class ImportResult:
    filename: str
    sha256: str
    kind: str = Kind.PARTICIPATING
    as_of: date | None = None
    outcome: str = ImportOutcome.IMPORTED
    reason: str = ""  # why a file is held, or what an ALREADY/CONFIRMED file matched
    matched: Snapshot | None = None  # the list an ALREADY / CONFIRMED / HELD file has the rows of
    snapshot: Snapshot | None = None
    dry_run: bool = False
    is_newest: bool = True
    rows_read: int = 0
    added: list = field(default_factory=list)  # agreements (or requests, for a pending list)
    dropped: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    relisted: list = field(default_factory=list)
    unresolved_rows: list = field(default_factory=list)  # [row, state, agency, model, reason]
    sections: list = field(default_factory=list)  # [(title, [PreviewRow])] for the preview (preview.py)
    new_unplaced: set = field(default_factory=set)  # row numbers of unplaced rows no list before had
    stats: WriteStats | None = None
    plan: Plan | None = None

    @property
    def unresolved(self) -> int:
        return len(self.unresolved_rows)

    def summary(self) -> str:
        label = "ICE pending list" if self.kind == Kind.PENDING else "ICE list"
        name = f"{label} of {self.as_of} ({self.filename})"
        if self.outcome == ImportOutcome.ALREADY:
            return f"{self.filename}: already imported as the {label} of {self.as_of}; nothing changed."
        if self.outcome == ImportOutcome.CONFIRMED:
            return (
                f"{self.filename}: the same rows as the {label} of {self.matched.as_of}; "
                f"that list is now confirmed through {self.as_of}. No new list."
            )
        if self.outcome == ImportOutcome.HELD:
            return f"{name}: HELD for an editor, not imported: {self.reason}"
        things = "requests" if self.kind == Kind.PENDING else "agreements"
        lines = [
            name + (" [dry run: nothing saved]" if self.dry_run else ""),
            f"  rows read: {self.rows_read}",
            f"  {things} added: {len(self.added)}",
            f"  no longer listed: {len(self.dropped)}",
            f"  changed: {len(self.changed)}",
            f"  listed again: {len(self.relisted)}",
            f"  unresolved rows: {self.unresolved}",
        ]
        if not self.is_newest:
            lines.append(
                "  (older than the newest list already imported: history added, current status unchanged)"
            )
        lines += [
            f"    row {r[0]}: {r[2] or '(no agency)'} ({r[1] or '?'}): {r[4]}" for r in self.unresolved_rows
        ]
        return "\n".join(lines)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def lock_imports() -> None:
    """Wait for any other import, upload confirmation or sync to finish (until this transaction ends)."""
    locks.wait_in_transaction(IMPORT_LOCK)


def read(data: bytes) -> ParsedList:
    if len(data) > MAX_BYTES:
        raise WorkbookError(f"The file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,}).")
    return parse_list(data)


def store_list(parsed: ParsedList, **fields) -> Snapshot:
    """A list stored as read: its Snapshot and its rows (SnapshotData), from which the agencies, agreements
    and requests are worked out again (rebuild/). An import and the shipped load both store a list so."""
    snapshot = Snapshot.objects.create(
        headers=parsed.headers, content_key=parsed.content_key, rows_read=len(parsed.rows), **fields
    )
    SnapshotData.objects.create(snapshot=snapshot, rows=encode_rows(parsed.rows))
    return snapshot


def check(result: ImportResult, parsed: ParsedList, expected_kind: str | None) -> None:
    """Decide what this file is (result.outcome, reason, matched) against the lists already held."""
    if expected_kind and parsed.kind != expected_kind:
        result.outcome = ImportOutcome.HELD
        result.reason = (
            f"the file is named as ICE's {expected_kind} list, but its columns are those of the "
            f"{parsed.kind} list (ICE has swapped the two files before)."
        )
        return
    same_file = Snapshot.objects.filter(sha256=result.sha256).first()
    if same_file is not None and (same_file.kind, same_file.as_of) == (result.kind, result.as_of):
        result.outcome, result.matched = ImportOutcome.ALREADY, same_file
        return
    existing = Snapshot.objects.filter(kind=result.kind, as_of=result.as_of).first()
    if existing is not None:
        if existing.content_key == parsed.content_key:
            result.outcome, result.matched = ImportOutcome.ALREADY, existing
            return
        raise WorkbookError(
            f"A different ICE list dated {result.as_of} is already imported. If ICE published two files that "
            "day, import the later one with the next day's date, or have the wrong list removed first."
        )
    before = Snapshot.objects.filter(kind=result.kind, as_of__lt=result.as_of).order_by("-as_of").first()
    same_rows = Snapshot.objects.filter(kind=result.kind, content_key=parsed.content_key).order_by("-as_of")
    matched = same_rows.first()
    if matched is not None:
        if before is not None and matched.pk == before.pk:
            result.outcome, result.matched = ImportOutcome.CONFIRMED, matched
            return
        result.outcome, result.matched = ImportOutcome.HELD, matched
        result.reason = (
            f"its rows are exactly those of ICE's list of {matched.as_of}, not of the list just before its "
            f"date ({before.as_of if before else 'none'}): a re-served old file or a wrong date."
        )


def _drop_share(plan: Plan, snapshot: Snapshot) -> tuple[int, int]:
    """(agreements dropped by this list, agreements on the list before it), from the plan."""
    refs = plan.lists[snapshot.kind]
    index = next(i for i, ref in enumerate(refs) if ref.id == snapshot.pk)
    if index == 0:
        return 0, 0
    dropped = plan.counters[snapshot.pk].agreements_dropped
    records = plan.requests if snapshot.kind == Kind.PENDING else plan.agreements
    return dropped, sum(1 for record in records.values() if index - 1 in record.listings)


def import_list(
    data: bytes,
    *,
    filename: str,
    as_of: date | None = None,
    kind: str | None = None,
    source_url: str = "",
    origin: str = Snapshot.Origin.COMMAND,
    user=None,
    unchanged_through: date | None = None,
    dry_run: bool = False,
    allow_large_drop: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Import one list. `kind` is what the caller expects (default: from the file name, else the columns).

    Raises WorkbookError (nothing written) when the file cannot be read or its date cannot be told.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    result = ImportResult(filename=filename, sha256=sha256, dry_run=dry_run)
    parsed = read(data)  # raises WorkbookError before anything is written
    expected = kind or kind_from_filename(filename)
    result.kind = expected or parsed.kind
    result.as_of = as_of or date_from_filename(filename)
    if result.as_of is None:
        raise WorkbookError(
            f"Cannot tell the date of ICE's list from the file name {filename!r}: give the date."
        )
    # However it came (typed, a file name, a command): a list dated after tomorrow would be the newest for
    # good, and every later list would only add history; none of ICE's predates EARLIEST_LIST.
    if result.as_of > (today or timezone.localdate()) + timedelta(days=1):  # today: the sync's own day
        raise WorkbookError(f"The list's date, {result.as_of}, is in the future: check the year.")
    if result.as_of < EARLIEST_LIST:
        raise WorkbookError(f"The list's date, {result.as_of}, is before any list of ICE's: check the year.")
    result.rows_read = len(parsed.rows)
    try:
        with transaction.atomic():
            lock_imports()
            check(result, parsed, expected)
            if result.outcome == ImportOutcome.CONFIRMED:
                if not dry_run:
                    _confirm(result.matched, result.as_of)
                return result
            if result.outcome != ImportOutcome.IMPORTED:
                return result
            newest = Snapshot.objects.newest(result.kind)
            result.is_newest = newest is None or result.as_of > newest.as_of
            snapshot = store_list(
                parsed,
                kind=result.kind,
                as_of=result.as_of,
                unchanged_through=max(unchanged_through or result.as_of, result.as_of),
                sha256=sha256,
                filename=filename[:255],
                source_url=source_url[:500],
                origin=origin,
                imported_by=user,
            )
            result.snapshot = snapshot
            plan = build_plan()
            result.plan = plan
            _describe(result, plan, snapshot)
            dropped, before = _drop_share(plan, snapshot)
            # Requests leave the pending list when they are signed (70 rows one day, 14 the next): only
            # a participating list is held for a large drop.
            large = result.kind == Kind.PARTICIPATING and before and dropped > MAX_DROP_SHARE * before
            if result.is_newest and not allow_large_drop and large:
                result.outcome = ImportOutcome.HELD
                result.reason = (
                    f"it drops {dropped} of the {before} agreements on the list before it "
                    f"({dropped / before:.0%}), far more than ICE's lists ever have: a truncated or re-served file?"
                )
                result.snapshot = None
                raise _DryRun
            if dry_run:  # the preview needs only the plan (_describe): writing it all to roll back cost ~7 s
                raise _DryRun
            result.stats = write_plan(plan, reason=f"{snapshot} imported ({filename})")
    except _DryRun:
        if result.outcome == ImportOutcome.IMPORTED:
            result.snapshot = None
    return result


def _confirm(snapshot: Snapshot, through: date) -> None:
    if through > snapshot.unchanged_through:
        snapshot.unchanged_through = through
        snapshot.save(update_fields=["unchanged_through"])


def _describe(result: ImportResult, plan: Plan, snapshot: Snapshot) -> None:
    """What this list changes against the list before it, for the preview and the command's report."""
    counts = plan.counters[snapshot.pk]
    result.unresolved_rows = sorted(counts.unresolved)
    result.sections = preview_sections(plan, snapshot.pk, snapshot.kind)
    result.new_unplaced = new_unplaced(plan, snapshot.pk, snapshot.kind, result.unresolved_rows)
    by_kind: dict[str, list] = {}
    for change in plan.changes:
        if change.snapshot_id == snapshot.pk:
            by_kind.setdefault(change.kind, []).append(change)
    if snapshot.kind == Kind.PENDING:
        result.added = [c.request for c in by_kind.get("requested", [])]
        result.dropped = [r.public_id for r in plan.requests.values() if r.gone_on_id == snapshot.pk]
        return
    result.added = [c.agreement for c in by_kind.get("listed", [])]
    result.dropped = [c.agreement for c in by_kind.get("delisted", [])]
    result.relisted = [c.agreement for c in by_kind.get("relisted", [])]
    detail_kinds = ("pdf", "pdf-replaced", "addendum", "resigned", "date-fixed", "date-changed", "renamed")
    result.changed = sorted({c.agreement for kind in detail_kinds for c in by_kind.get(kind, [])})


def rebuild_history(reason: str = "") -> tuple[Plan, WriteStats]:
    """Work out everything again from the lists held (after loading many, or removing one)."""
    with transaction.atomic():
        lock_imports()
        plan = build_plan()
        return plan, write_plan(plan, reason=reason)


__all__ = [
    "ImportResult",
    "ImportOutcome",
    "WorkbookError",
    "date_from_filename",
    "import_list",
    "rebuild_history",
    "store_list",
    "unwrap_url",
]
