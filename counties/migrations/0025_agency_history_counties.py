"""An agency's history rows keep its county rows, so that undoing an edit puts them back with it; editors
may remove a county row of an agency (with a reason, in that history); an upload whose date is not known
yet waits with no date while its editor types it (issue 27)."""

import importlib

from django.db import migrations, models

previous = importlib.import_module("counties.migrations.0016_editor_group_agency_counties")
EDITOR_PERMISSIONS = [*previous.EDITOR_PERMISSIONS, "delete_agencycounty"]


# Each agency's newest history row takes its county rows as they are now (older rows stay unrecorded: a
# revert to one of them keeps the counties it can vouch for and says so, counties/admin/agencies.py).
NEWEST_ROWS = """
UPDATE counties_historicalagency h SET county_rows = coalesce((
    SELECT jsonb_agg(jsonb_build_object('county', c.county_id, 'share', c.share::text,
                                        'placed_by', c.placed_by, 'via', c.via) ORDER BY c.county_id)
    FROM counties_agencycounty c WHERE c.agency_id = h.id), '[]'::jsonb)
WHERE h.county_rows IS NULL AND h.history_type <> '-'
  AND h.history_id IN (SELECT max(history_id) FROM counties_historicalagency GROUP BY id)
"""


def create_editor_group(apps, schema_editor):
    previous.previous.previous.create_editor_group(apps, schema_editor, permissions=EDITOR_PERMISSIONS)


def previous_editor_group(apps, schema_editor):
    previous.create_editor_group(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("counties", "0024_ice_lists_by_name")]

    operations = [
        migrations.AddField(
            model_name="historicalagency",
            name="county_rows",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="Its county rows after this save: county id, share, how placed, evidence. Empty: not recorded.",
                null=True,
                verbose_name="counties it works in",
            ),
        ),
        migrations.AlterField(
            model_name="pendingupload",
            name="as_of",
            field=models.DateField(
                help_text="The date of ICE's list, as shown in the preview. Empty while the editor is asked for it "
                "(the file name has none): the file waits here so that it need not be chosen again.",
                null=True,
            ),
        ),
        # undone: an upload still waiting for its date cannot stay (as_of is required again)
        migrations.RunSQL(migrations.RunSQL.noop, "DELETE FROM counties_pendingupload WHERE as_of IS NULL"),
        migrations.RunSQL(NEWEST_ROWS, migrations.RunSQL.noop),
        migrations.RunPython(create_editor_group, previous_editor_group),
    ]
