import io
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from counties.importers.download import fetch_workbook
from counties.importers.ice import WorkbookError, date_from_filename, import_workbook


def iso_date(text):
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date like 2026-05-18, not {text!r}.") from exc


class Command(BaseCommand):
    help = "Import one ICE 287(g) participating-agencies workbook (.xlsx) as a dated snapshot."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The workbook, e.g. participating-2026-05-18.xlsx.")
        parser.add_argument(
            "--url", help="Download the workbook, or find its newest link on ICE's 287(g) page."
        )
        parser.add_argument(
            "--as-of", type=iso_date, help="The date of ICE's list (default: from the file name)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and report, but change nothing.")

    def handle(self, *args, file=None, url=None, as_of=None, dry_run=False, **options):
        if bool(file) == bool(url):
            raise CommandError("Give either a FILE or --url URL.")
        try:
            if url:
                download = fetch_workbook(url)
                name, data, source_url = download.filename, download.data, download.url
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"No such file: {file}")
                name, data, source_url = path.name, path.read_bytes(), ""
            as_of = as_of or date_from_filename(name)
            if as_of is None:
                raise CommandError(
                    f"Cannot tell the date of ICE's list from the file name {name!r}: "
                    "give it with --as-of YYYY-MM-DD."
                )
            result = import_workbook(
                io.BytesIO(data), as_of=as_of, filename=name, source_url=source_url, dry_run=dry_run
            )
        except WorkbookError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
