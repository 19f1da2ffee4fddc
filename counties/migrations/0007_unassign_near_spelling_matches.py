"""Take back the two counties the importer once guessed from a near spelling, and got wrong.

Until this change the importer gave an agency the one county within one or two letters of ICE's COUNTY
text. In the shipped lists that put the North County Police Cooperative (Missouri; 'North County') in
Worth County, and an Oklahoma row for the Wichita County Sheriff's Office in Washita County. The importer
no longer guesses (counties/importers/ice.py), but a database loaded before keeps what it stored, and
re-importing the same files changes nothing. This sets those two agencies back to unresolved, with the
reason the importer now gives, unless an editor already chose their county.
"""

from django.db import migrations
from django.utils import timezone

from counties.text import fold

COUNTY_PROBLEM = "County not resolved"
WRONG_GUESSES = [
    # (state code, state name, ICE's COUNTY text folded, the county guessed)
    ("MO", "Missouri", "north county", "Worth County"),
    ("OK", "Oklahoma", "wichita county", "Washita County"),
]
REASON = "Importer no longer guesses a county from a near spelling (migration 0007)."


def unassign(apps, schema_editor):
    Agency = apps.get_model("counties", "Agency")
    HistoricalAgency = apps.get_model("counties", "HistoricalAgency")
    SnapshotRow = apps.get_model("counties", "SnapshotRow")
    Snapshot = apps.get_model("counties", "Snapshot")
    now = timezone.now()
    snapshot_ids = set()
    for code, state_name, folded, guessed in WRONG_GUESSES:
        candidates = Agency.objects.filter(state__code=code, county__name=guessed, county_locked=False)
        for agency in candidates:
            if fold(agency.county_raw) != folded:
                continue
            problem = (
                f"{COUNTY_PROBLEM}: no county in {state_name} matches ICE's {agency.county_raw!r} (closest "
                f"spelling: {guessed}; check where the agency is before choosing it)."
            )[:255]
            agency.county_id, agency.unresolved_reason = None, problem
            agency.save(update_fields=["county", "unresolved_reason"])
            fields = {f.attname: getattr(agency, f.attname) for f in Agency._meta.concrete_fields}
            HistoricalAgency.objects.create(
                **fields, history_date=now, history_type="~", history_change_reason=REASON
            )
            rows = SnapshotRow.objects.filter(agreement__agency=agency, problem="")
            snapshot_ids.update(rows.values_list("snapshot_id", flat=True))
            rows.update(problem=problem)
    for snapshot in Snapshot.objects.filter(pk__in=snapshot_ids):
        snapshot.rows_unresolved = SnapshotRow.objects.filter(snapshot=snapshot).exclude(problem="").count()
        snapshot.save(update_fields=["rows_unresolved"])


class Migration(migrations.Migration):
    dependencies = [
        ("counties", "0006_reference_load"),
    ]

    operations = [migrations.RunPython(unassign, migrations.RunPython.noop)]
