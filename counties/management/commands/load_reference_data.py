import time

from django.core.management.base import BaseCommand

from counties.importers.reference import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh states, counties, Texas seats and jails, ZIP and place crosswalks from fixtures/."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = load_reference_data()
        if options["verbosity"]:
            self.stdout.write(f"Loaded {result} in {time.monotonic() - started:.1f} s.")
