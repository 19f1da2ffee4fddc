import time

from django.core.management.base import BaseCommand

from counties.importers.reference import REFERENCE_MODELS, analyze, load_reference_data


class Command(BaseCommand):
    help = "Load or refresh states, counties, Texas seats and jails, ZIP and place crosswalks from fixtures/."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = load_reference_data()
        analyze(REFERENCE_MODELS)  # the planner's statistics for what was just written
        if options["verbosity"]:
            self.stdout.write(f"Loaded {result} in {time.monotonic() - started:.1f} s.")
