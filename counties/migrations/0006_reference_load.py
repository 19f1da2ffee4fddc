"""ReferenceLoad: one row per run of load_reference_data (read by the page cache; editors may view it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def let_editors_view(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure this one exists now.
    app_config = apps.get_app_config("counties")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="counties", codename="view_referenceload")
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [
        ("counties", "0005_shared_cache_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceLoad",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("loaded_at", models.DateTimeField(auto_now_add=True)),
                ("summary", models.TextField()),
            ],
            options={
                "verbose_name": "reference data load",
                "ordering": ["-loaded_at"],
            },
        ),
        migrations.RunPython(let_editors_view, migrations.RunPython.noop),
    ]
