"""The table behind the "shared" cache (settings.CACHES), so `migrate` is the only set-up step."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("counties", "0004_editor_group")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
