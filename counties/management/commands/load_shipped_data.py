import time

from django.core.management.base import BaseCommand

from counties.importers.shipped import load_shipped_data


class Command(BaseCommand):
    help = "Load the reference data and the ICE lists shipped in fixtures/ if missing (else do nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload reference data and any missing ICE lists."
        )

    def handle(self, *args, force=False, **options):
        started = time.monotonic()
        loaded = load_shipped_data(force=force, log=self.stdout.write if options["verbosity"] > 1 else None)
        if options["verbosity"]:
            if loaded:
                self.stdout.write(f"Loaded {loaded} in {time.monotonic() - started:.1f} s.")
            else:
                self.stdout.write("The shipped data is already loaded; nothing to do.")
