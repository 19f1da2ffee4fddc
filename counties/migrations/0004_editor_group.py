"""The "Editor" group: exactly what editors do in the admin, nothing more.

No user management, no deleting anything (snapshots, events, sources, corrections), no adding
counties, agencies or agreements by hand (those come from reference data and ICE's lists).
Re-running it resets the group to this list.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_state",
    "view_county", "change_county",
    "view_agency", "change_agency",
    "view_agreement", "change_agreement",
    "view_snapshot", "add_snapshot",
    "view_snapshotrow",
    "view_source", "add_source", "change_source",
    "view_event", "add_event", "change_event",
    "view_correction", "change_correction",
]


def create_editor_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editor")
    permissions = Permission.objects.filter(content_type__app_label="counties", codename__in=EDITOR_PERMISSIONS)
    assert permissions.count() == len(EDITOR_PERMISSIONS), "a permission the Editor group needs is missing"
    group.permissions.set(permissions)


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editor").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("counties", "0003_editor_history_corrections"),
    ]

    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
