"""`make bench-preview`: how long an editor waits for the preview of an ordinary upload (issue 24).

On the database `make run` uses (all 328 shipped lists loaded), times what the admin's upload page does
for ICE's newest participating list with one agreement gone, given a date after every list held: the dry
run that works out what the list would change (counties.importers.ice.import_list(dry_run=True)), in
process, ROUNDS times. Budget: under 3 s on this 2-core machine when it is otherwise idle. Then, for the
record, the import itself (what the editor's Confirm and the scheduled check do: the plan and every write),
WRITE_ROUNDS times, each rolled back: nothing is saved. Prints Markdown rows and writes
bench-results/preview.json.
"""

import datetime
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROUNDS = 5
WRITE_ROUNDS = 3
BUDGET_SECONDS = 3.0


class RolledBack(Exception):
    pass


def ordinary_new_list() -> bytes:
    """The newest shipped participating list, one agreement (its last data row) fewer. The last: openpyxl's
    delete_rows moves cells but not their hyperlinks (the agreements' PDFs), and a row taken out in the
    middle gave every agreement below it another's PDF, 1,551 "document changed" changes, no ordinary list."""
    import openpyxl

    source = sorted((BASE_DIR / "fixtures" / "ice287g" / "participating").glob("participating-*.xlsx"))[-1]
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.worksheets[0]
    last = max(row[0].row for row in sheet.iter_rows() if any(cell.value not in (None, "") for cell in row))
    sheet.delete_rows(last)  # blank formatted rows follow the data in ICE's files
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> int:
    import django

    django.setup()
    from django.db import transaction

    from counties.importers.ice import ImportOutcome, import_list
    from counties.models import Snapshot

    newest = Snapshot.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    if newest is None:
        print("No lists loaded: run `make run` (or `make setup`) first.", file=sys.stderr)
        return 1
    data = ordinary_new_list()
    as_of = newest + datetime.timedelta(days=1)  # newer than every list held: what an editor uploads
    times, outcomes = [], set()
    for _round in range(ROUNDS):
        started = time.monotonic()
        result = import_list(
            data, filename="bench-preview.xlsx", as_of=as_of, kind="participating", dry_run=True
        )
        times.append(time.monotonic() - started)
        outcomes.add((result.outcome, len(result.added), len(result.dropped)))
    writes = []
    for _round in range(WRITE_ROUNDS):
        started = time.monotonic()
        try:
            with transaction.atomic():
                result = import_list(data, filename="bench-import.xlsx", as_of=as_of, kind="participating")
                writes.append(time.monotonic() - started)
                if result.outcome != ImportOutcome.IMPORTED:  # a held or confirmed list writes nothing
                    print(f"The list was not imported: {result.outcome}", file=sys.stderr)
                    return 1
                raise RolledBack
        except RolledBack:
            pass
    figures = {
        "import_median_s": round(statistics.median(writes), 2),
        "import_max_s": round(max(writes), 2),
        "import_outcome": str((result.outcome, len(result.added), len(result.dropped))),
        "import_writes": str(result.stats),
        "rounds": ROUNDS,
        "first_s": round(times[0], 2),  # this process's first: the county resolver built (a worker warms it)
        "median_s": round(statistics.median(times), 2),
        "max_s": round(max(times), 2),
        "outcomes": sorted(map(str, outcomes)),
        "budget_s": BUDGET_SECONDS,
    }
    print("| preview of an ordinary upload (dry run on all 328 lists) | first | median | max |")
    print("|---|---|---|---|")
    print(f"| {ROUNDS} rounds | {figures['first_s']} s | {figures['median_s']} s | {figures['max_s']} s |")
    print(f"| the import itself, rolled back, {WRITE_ROUNDS} rounds | | {figures['import_median_s']} s | "
          f"{figures['import_max_s']} s |")  # fmt: skip
    results = BASE_DIR / "bench-results"
    results.mkdir(exist_ok=True)
    (results / "preview.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["median_s"] < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
