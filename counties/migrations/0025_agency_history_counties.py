"""An agency's history rows keep its county rows, so that undoing an edit puts them back with it; editors
may remove a county row of an agency (with a reason, in that history); an upload whose date is not known
yet waits with no date while its editor types it (issue 27)."""

import importlib

from django.db import migrations, models

previous = importlib.import_module("counties.migrations.0016_editor_group_agency_counties")
EDITOR_PERMISSIONS = [*previous.EDITOR_PERMISSIONS, "delete_agencycounty"]


def create_editor_group(apps, schema_editor):
    previous.previous.previous.create_editor_group(apps, schema_editor, permissions=EDITOR_PERMISSIONS)


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
        migrations.RunPython(create_editor_group, migrations.RunPython.noop),
    ]
