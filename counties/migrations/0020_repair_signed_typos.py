"""ICE's SIGNED typos of one reading (7/72025, 05/082025, 8/282025, 5/31/20026) are read as dates since issue 21
(counties/importers/lists.py, repair_signed). A database that read its lists before keeps those cells as text
only: this reads them again in the rows kept with each list, recomputes each list's content key (the same
rows as a later download must still be found the same), and gives the agreements whose newest row was such
a cell their date, ICE's text kept beside it (as the next rebuild would). A fresh database has nothing to do.
"""

from django.db import migrations


def repair(apps, schema_editor):
    from counties.importers.lists import Col, content_key, decode_rows, encode_rows, repair_signed

    SnapshotData = apps.get_model("counties", "SnapshotData")
    Agreement = apps.get_model("counties", "Agreement")
    for data in SnapshotData.objects.select_related("snapshot").iterator(chunk_size=20):
        rows = decode_rows(data.rows)
        changed = False
        for row in rows:
            if row[Col.SIGNED] is None and row[Col.SIGNED_RAW]:
                repaired = repair_signed(row[Col.SIGNED_RAW])
                if repaired is not None:
                    row[Col.SIGNED] = repaired.isoformat()
                    changed = True
        if changed:
            data.rows = encode_rows(rows)
            data.save(update_fields=["rows"])
            snapshot = data.snapshot
            snapshot.content_key = content_key(snapshot.kind, rows)
            snapshot.save(update_fields=["content_key"])
    for agreement in Agreement.objects.filter(signed__isnull=True, details_locked=False).exclude(signed_raw=""):
        repaired = repair_signed(agreement.signed_raw)
        if repaired is not None:
            agreement.signed = repaired
            agreement.save(update_fields=["signed"])


class Migration(migrations.Migration):
    dependencies = [("counties", "0019_request_without_model")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
