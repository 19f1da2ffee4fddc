"""The Editor group sees the checks of ICE's site (and a held file), and still changes nothing an import owns."""

import importlib

from django.db import migrations

previous = importlib.import_module("counties.migrations.0010_editor_group_history")
EDITOR_PERMISSIONS = [*previous.EDITOR_PERMISSIONS, "view_syncrun"]


def create_editor_group(apps, schema_editor):
    previous.create_editor_group(apps, schema_editor, permissions=EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("counties", "0012_sync_runs")]

    operations = [migrations.RunPython(create_editor_group, migrations.RunPython.noop)]
