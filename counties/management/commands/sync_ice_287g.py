from django.core.management.base import BaseCommand, CommandError

from counties.importers.download import CHECK_SECONDS_PER_ANSWER, TIMEOUT_SECONDS
from counties.importers.sync import AlreadyRunning, sync


class Command(BaseCommand):
    help = (
        "Check ICE's 287(g) page for new participating and pending lists, import a new one, confirm an unchanged "
        "one, hold a doubtful one for an editor, and record the check. Schedule it every 6 hours on one server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="ICE's page (or one workbook) to read instead of settings.ICE_PAGE_URL."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            help=f"Seconds to wait for each answer (default {TIMEOUT_SECONDS}; the whole check: {CHECK_SECONDS_PER_ANSWER} times that).",
        )

    def handle(self, *args, url=None, timeout=None, **options):
        try:
            runs = sync(url, timeout=timeout)
        except AlreadyRunning as exc:
            self.stdout.write(str(exc))
            return
        for run in runs:
            self.stdout.write(f"{run.get_item_display()}: {run.get_result_display()}. {run.message}".strip())
        if any(run.result == run.Result.FAILED for run in runs):
            raise CommandError("The check failed (recorded; the next run tries again).")
