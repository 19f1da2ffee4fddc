"""Editors may add and change the counties an agency works in (AgencyCounty, an inline of the agency's
page). As everywhere, they delete nothing: a county wrongly given is changed to the right one."""

import importlib

from django.db import migrations

previous = importlib.import_module("counties.migrations.0013_editor_group_sync")
EDITOR_PERMISSIONS = [
    *previous.EDITOR_PERMISSIONS,
    "view_agencycounty",
    "add_agencycounty",
    "change_agencycounty",
]


def create_editor_group(apps, schema_editor):
    previous.previous.create_editor_group(apps, schema_editor, permissions=EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("counties", "0015_agency_counties")]

    operations = [migrations.RunPython(create_editor_group, migrations.RunPython.noop)]
