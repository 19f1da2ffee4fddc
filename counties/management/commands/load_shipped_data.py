from django.core.management.base import BaseCommand

from counties.importers.shipped import load_shipped_data


class Command(BaseCommand):
    help = "Load the reference data and ICE's lists shipped in fixtures/ where missing (else do nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload the reference data and work out the history again."
        )

    def handle(self, *args, force=False, **options):
        report = load_shipped_data(force=force, log=self.stdout.write if options["verbosity"] > 1 else None)
        if options["verbosity"]:
            if str(report):
                self.stdout.write(f"Loaded {report} in {report.seconds:.1f} s.")
            else:
                self.stdout.write(
                    f"The shipped data is already loaded; nothing to do ({report.seconds:.1f} s)."
                )
