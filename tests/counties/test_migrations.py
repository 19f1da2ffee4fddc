"""Data migrations that fix what an earlier version of the importer stored."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from counties.models import Agency, County, SnapshotRow

pytestmark = pytest.mark.django_db

MIGRATION = "0007_unassign_near_spelling_matches"
unassign = importlib.import_module(f"counties.migrations.{MIGRATION}").unassign


def migration_apps():
    """The models as that migration sees them (no simple-history signals, as when `migrate` runs it)."""
    return MigrationLoader(connection).project_state(("counties", MIGRATION)).apps


def test_0007_takes_back_a_county_guessed_from_a_near_spelling():
    """As a database loaded before the change had it: the cooperative in Worth County, rows unproblematic."""
    cooperative = Agency.objects.get(name="North County Police Cooperative")
    worth = County.objects.get(state__code="MO", name="Worth County")
    Agency.objects.filter(pk=cooperative.pk).update(county=worth, unresolved_reason="")
    rows = SnapshotRow.objects.filter(agreement__agency=cooperative)
    rows.update(problem="")
    history_before = cooperative.history.count()

    unassign(migration_apps(), None)

    cooperative.refresh_from_db()
    assert cooperative.county is None
    assert "closest spelling: Worth County" in cooperative.unresolved_reason
    assert rows.exists() and all(row.problem == cooperative.unresolved_reason for row in rows)
    assert cooperative.history.count() == history_before + 1
    snapshot = rows.first().snapshot
    assert snapshot.rows_unresolved == snapshot.rows.exclude(problem="").count()


def test_0007_keeps_a_county_an_editor_chose():
    cooperative = Agency.objects.get(name="North County Police Cooperative")
    worth = County.objects.get(state__code="MO", name="Worth County")
    Agency.objects.filter(pk=cooperative.pk).update(county=worth, county_locked=True, unresolved_reason="")
    unassign(migration_apps(), None)
    cooperative.refresh_from_db()
    assert cooperative.county == worth
