"""The Editor group sees the new history records (agencies' names, requests, changes, a list's rows) and
still changes nothing an import owns. Re-running it resets the group to this list."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_state",
    "view_county", "change_county",
    "view_agency", "change_agency",
    "view_agencyname",
    "view_agreement", "change_agreement",
    "view_request",
    "view_change",
    "view_snapshot", "add_snapshot",
    "view_snapshotdata",
    "view_source", "add_source", "change_source",
    "view_event", "add_event", "change_event",
    "view_correction", "change_correction",
    "view_referenceload",
]  # fmt: skip


def create_editor_group(apps, schema_editor, permissions=EDITOR_PERMISSIONS):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editor")
    found = Permission.objects.filter(content_type__app_label="counties", codename__in=permissions)
    assert found.count() == len(permissions), "a permission the Editor group needs is missing"
    group.permissions.set(found)


class Migration(migrations.Migration):
    dependencies = [("counties", "0009_ice_archive_required")]

    operations = [migrations.RunPython(create_editor_group, migrations.RunPython.noop)]
