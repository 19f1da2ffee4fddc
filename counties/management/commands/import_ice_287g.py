from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from counties import locks
from counties.importers.discover import fetch_list
from counties.importers.ice import IMPORT_LOCK, ImportOutcome, WorkbookError, import_list, lock_imports
from counties.models import Snapshot


def iso_date(text):
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date like 2026-05-18, not {text!r}.") from exc


def _try_lock_imports() -> bool:
    """Take the import lock (until this transaction ends) if no other import holds it now."""
    return locks.take_in_transaction(IMPORT_LOCK)


class Command(BaseCommand):
    help = "Import one of ICE's 287(g) lists (participating or pending agencies, .xlsx) as a dated snapshot."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="The workbook, e.g. participatingAgencies05182026am.xlsx."
        )
        parser.add_argument(
            "--url", help="Download the workbook, or find its newest link on ICE's 287(g) page."
        )
        parser.add_argument(
            "--as-of", type=iso_date, help="The date of ICE's list (default: from the file name)."
        )
        parser.add_argument(
            "--kind",
            choices=[Snapshot.Kind.PARTICIPATING, Snapshot.Kind.PENDING],
            help="Which list it is (default: from the file name, else from its columns).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and report, but change nothing.")
        parser.add_argument(
            "--allow-large-drop",
            action="store_true",
            help="Import even if the list drops an unusual share of agreements (after checking ICE's site).",
        )

    def handle(self, *args, file=None, url=None, as_of=None, kind=None, dry_run=False, **options):
        if bool(file) == bool(url):
            raise CommandError("Give either a FILE or --url URL.")
        try:
            if url:
                # Found as the scheduled check finds it: read in a bounded child, its kind and ICE's date
                # from the name in Content-Disposition (else the address), else Last-Modified.
                found = fetch_list(url, today=timezone.localdate())
                download = found.download
                name, data, source_url = download.filename, download.data, download.url
                kind = kind or found.kind
                if as_of is None and found.list_date is not None:
                    as_of = found.list_date
                    if found.date_note:
                        self.stdout.write(f"Dated {as_of} by the server's Last-Modified: {found.date_note}.")
                name = name or f"{found.kind}-{as_of or 'undated'}.xlsx"
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"No such file: {file}")
                name, data, source_url = path.name, path.read_bytes(), ""
            with transaction.atomic():
                if not _try_lock_imports():
                    self.stderr.write(
                        "Another import of ICE's lists is running (a command, an editor's upload or the "
                        "scheduled check): waiting for it to finish..."
                    )
                    lock_imports()
                result = import_list(  # under the lock: a list the other import added is found there
                    data,
                    filename=name,
                    as_of=as_of,
                    kind=kind,
                    source_url=source_url,
                    origin=Snapshot.Origin.COMMAND,
                    dry_run=dry_run,
                    allow_large_drop=options["allow_large_drop"],
                )
        except WorkbookError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
        if result.outcome == ImportOutcome.HELD:
            raise CommandError("Not imported (held). Check the file and its date, then import it again.")
