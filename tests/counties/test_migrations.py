"""Data migrations, run on a database as an earlier version left it: migrate back, add the old kind of
data, migrate forward, then load the shipped archive over it."""

import importlib
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from counties.importers.lists import decode_rows
from counties.importers.shipped import load_shipped_data, shipped_lists
from counties.models import Agency, Agreement, County, Snapshot

# committed: each test is emptied after it (a flush), and the Editor group made again for the tests after.
pytestmark = [pytest.mark.migrations, pytest.mark.usefixtures("committed")]

OLD_SHIPPED_2025_08_01 = (
    "ad4b05beec83fca8057f124e0198496bc60873b72690165849f3223e2b680a22"  # the day's am version
)


@contextmanager
def state_at(migration):
    """The database migrated back to `migration` for the block, which gets the models as they were then;
    migrated forward again after it, whatever happened in it."""
    executor = MigrationExecutor(connection)
    executor.migrate([("counties", migration)])
    try:
        yield MigrationExecutor(connection).loader.project_state(("counties", migration)).apps
    finally:
        call_command("migrate", verbosity=0)


@pytest.fixture
def at_0007():
    with state_at("0007_unassign_near_spelling_matches") as apps:
        yield apps


def _old_data(apps):
    State, County = apps.get_model("counties", "State"), apps.get_model("counties", "County")
    Snapshot_, Agency_ = apps.get_model("counties", "Snapshot"), apps.get_model("counties", "Agency")
    Agreement_, Row = apps.get_model("counties", "Agreement"), apps.get_model("counties", "SnapshotRow")
    texas = State.objects.create(fips="48", code="TX", name="Texas")
    missouri = State.objects.create(fips="29", code="MO", name="Missouri")
    denton = County.objects.create(
        fips="48121", state=texas, name="Denton County", short_name="Denton", slug="denton-county"
    )
    County.objects.create(
        fips="29227", state=missouri, name="Worth County", short_name="Worth", slug="worth-county"
    )
    old = Snapshot_.objects.create(
        as_of=date(2025, 8, 1), sha256=OLD_SHIPPED_2025_08_01, filename="participating-2025-08-01.xlsx"
    )
    sheriff = Agency_.objects.create(
        key="tx:denton county sheriffs office",
        name="Denton County Sheriff's Office",
        kind="sheriff",
        state=texas,
        county=denton,
    )
    agreement = Agreement_.objects.create(
        agency=sheriff, model="jail", signed=date(2025, 7, 29), first_listed=old, last_listed=old
    )
    Row.objects.create(
        snapshot=old,
        row_number=2,
        agreement=agreement,
        data={
            "STATE": "TEXAS", "LAW ENFORCEMENT AGENCY": "Denton County Sheriff's Office", "TYPE": "County",
            "COUNTY": "Denton County", "SUPPORT TYPE": "Jail Enforcement Model", "SIGNED": "2025-07-29",
            "MOA": "link", "MOA link": "https://www.ice.gov/doclib/287gMOA/DentonCoSOTX_JEM_MOA.pdf",
        },
    )  # fmt: skip
    return agreement.pk


def test_0007_takes_back_a_county_guessed_from_a_near_spelling(at_0007):
    apps = at_0007
    unassign = importlib.import_module("counties.migrations.0007_unassign_near_spelling_matches").unassign
    _old_data(apps)
    Agency_ = apps.get_model("counties", "Agency")
    worth = apps.get_model("counties", "County").objects.get(name="Worth County")
    cooperative = Agency_.objects.create(
        key="mo:north county police cooperative", name="North County Police Cooperative", state=worth.state,
        county=worth, county_raw="North County",
    )  # fmt: skip
    kept = Agency_.objects.create(
        key="mo:other",
        name="Other",
        state=worth.state,
        county=worth,
        county_raw="North County",
        county_locked=True,
    )
    snapshot = apps.get_model("counties", "Snapshot").objects.get()
    agreement = apps.get_model("counties", "Agreement").objects.create(
        agency=cooperative, model="task-force", first_listed=snapshot, last_listed=snapshot
    )
    apps.get_model("counties", "SnapshotRow").objects.create(
        snapshot=snapshot, row_number=3, agreement=agreement, data={"COUNTY": "North County"}
    )
    unassign(apps, None)
    cooperative.refresh_from_db()
    kept.refresh_from_db()
    assert cooperative.county is None and "closest spelling: Worth County" in cooperative.unresolved_reason
    assert kept.county == worth  # an editor's choice stays


def test_a_database_of_the_old_17_lists_moves_to_the_archive(at_0007):
    agreement_pk = _old_data(at_0007)
    call_command("migrate", verbosity=0)

    old = Snapshot.objects.get(sha256=OLD_SHIPPED_2025_08_01)
    assert (old.origin, old.kind, old.unchanged_through) == ("shipped", "participating", date(2025, 8, 1))
    rows = decode_rows(old.data.rows)
    assert rows == [[2, "TEXAS", "Denton County Sheriff's Office", "County", "Denton County", "Jail Enforcement Model",
                     "2025-07-29", "", "https://www.ice.gov/doclib/287gMOA/DentonCoSOTX_JEM_MOA.pdf", ""]]  # fmt: skip
    assert Agreement.objects.get().public_id == "tx:denton county sheriffs office/jail"

    # The archive's list of the same day (its pm version, 882 rows) replaces the old copy; the agreement
    # keeps its row (and history), now worked out from the archive.
    archive = [e for e in shipped_lists() if e.kind == "participating" and e.as_of == date(2025, 8, 1)]
    report = load_shipped_data(lists=archive)
    assert (report.lists_added, report.lists_removed) == (1, 1)
    assert not Snapshot.objects.filter(sha256=OLD_SHIPPED_2025_08_01).exists()
    assert Snapshot.objects.get().rows_read == 882
    denton = Agreement.objects.get(agency__key="tx:denton county sheriffs office", model="jail")
    assert denton.pk == agreement_pk and denton.first_listed.as_of == date(2025, 8, 1)
    assert Agency.objects.filter(key="tx:denton county sheriffs office").count() == 1


@pytest.fixture
def at_0014():
    with state_at("0014_pending_upload") as apps:
        yield apps


def test_0015_keeps_every_agency_in_its_county_and_an_editors_choice_the_editors(at_0014):
    apps = at_0014
    State, County = apps.get_model("counties", "State"), apps.get_model("counties", "County")
    Agency_ = apps.get_model("counties", "Agency")
    texas = State.objects.create(fips="48", code="TX", name="Texas")
    denton = County.objects.create(
        fips="48121", state=texas, name="Denton County", short_name="Denton", slug="denton-county"
    )
    made = {
        "sheriff": Agency_.objects.create(key="tx:a", name="A", state=texas, county=denton, placed_by="name"),
        "editor": Agency_.objects.create(
            key="tx:b", name="B", state=texas, county=denton, placed_by="editor", county_locked=True
        ),
        "nowhere": Agency_.objects.create(key="tx:c", name="C", state=texas),
    }
    call_command("migrate", verbosity=0)
    rows = {
        agency.key: [(p.county.fips, p.placed_by, p.share) for p in agency.placements.all()]
        for agency in Agency.objects.filter(pk__in=[a.pk for a in made.values()])
    }
    assert rows == {"tx:a": [("48121", "name", None)], "tx:b": [("48121", "editor", None)], "tx:c": []}


def test_signed_typos_stored_before_issue_21_are_read_again(django_db_blocker):
    """A database that read its lists before SIGNED typos were repaired: its stored rows, the lists' content
    keys and the agreements get the dates, ICE's text kept beside them (0020_repair_signed_typos)."""
    from counties.importers.lists import Col, content_key, encode_rows

    with state_at("0019_request_without_model") as apps:
        State, Agency_ = apps.get_model("counties", "State"), apps.get_model("counties", "Agency")
        Snapshot_, Data = apps.get_model("counties", "Snapshot"), apps.get_model("counties", "SnapshotData")
        Agreement_ = apps.get_model("counties", "Agreement")
        texas = State.objects.create(fips="48", code="TX", name="Texas")
        row = [
            2,
            "TEXAS",
            "Terry County Sheriff's Office",
            "County",
            "Terry County",
            "Jail Enforcement Model",
        ]
        old_rows = [
            [*row, None, "7/72025", "", ""],
            [3, "TEXAS", "X PD", "Municipality", "", "Task Force", "2025-01-02", "", "", ""],
        ]
        snapshot = Snapshot_.objects.create(
            as_of=date(2025, 7, 8),
            unchanged_through=date(2025, 7, 8),
            sha256="f" * 64,
            filename="participating-2025-07-08.xlsx",
            content_key=content_key("participating", old_rows),
        )
        Data.objects.create(snapshot=snapshot, rows=encode_rows(old_rows))
        sheriff = Agency_.objects.create(
            key="tx:terry county sheriffs office",
            name="Terry County Sheriff's Office",
            kind="sheriff",
            state=texas,
        )
        Agreement_.objects.create(
            public_id="tx:terry county sheriffs office/jail",
            agency=sheriff,
            model="jail",
            signed_raw="7/72025",
            first_listed=snapshot,
            last_listed=snapshot,
        )
    snapshot = Snapshot.objects.get(as_of=date(2025, 7, 8))
    rows = decode_rows(snapshot.data.rows)
    assert rows[0][Col.SIGNED : Col.SIGNED_RAW + 1] == ["2025-07-07", "7/72025"]
    assert rows[1][Col.SIGNED : Col.SIGNED_RAW + 1] == ["2025-01-02", ""]  # a clean date untouched
    assert snapshot.content_key == content_key("participating", rows) != content_key("participating", [])
    agreement = Agreement.objects.get(public_id="tx:terry county sheriffs office/jail")
    assert (agreement.signed, agreement.signed_raw) == (date(2025, 7, 7), "7/72025")


def test_0026_credits_the_editors_with_the_jail_statuses_they_set(django_db_blocker):
    """Before 0026 the site did not record who set a jail status. It has only ever shipped one TCJS report
    (July 1, 2026), and the report says these four counties run a jail: a status other than the report's
    is an editor's, dated by the save in the county's history that changed it."""
    from datetime import UTC, datetime

    from django.contrib.auth.models import User

    editor = User.objects.create(username="jail-editor").pk
    with state_at("0025_agency_history_counties") as apps:
        State, County_ = apps.get_model("counties", "State"), apps.get_model("counties", "County")
        History = apps.get_model("counties", "HistoricalCounty")
        texas = State.objects.create(fips="48", code="TX", name="Texas")

        def county(fips, name, now, saves):
            made = County_.objects.create(
                fips=fips, state=texas, name=name, slug=name.lower().replace(" ", "-"), jail_status=now,
                jail_status_as_of=date(2026, 7, 1),
            )  # fmt: skip
            for day, (status, user) in enumerate(saves, start=1):
                History.objects.create(
                    id=made.pk, fips=fips, state=texas, name=name, slug=made.slug, jail_status=status,
                    history_date=datetime(2026, 8, day, 18, tzinfo=UTC), history_type="~", history_user_id=user,
                )  # fmt: skip
            return made.pk

        changed = county("48113", "Dallas County", "none", [("jail", None), ("none", editor)])
        set_back = county(
            "48121", "Denton County", "jail", [("jail", None), ("none", editor), ("jail", editor)]
        )
        no_user_save = county("48085", "Collin County", "none", [])
        first_save = county("48201", "Harris County", "none", [("none", editor), ("none", editor)])
        untouched = county("48439", "Tarrant County", "jail", [])
    got = {
        pk: (source, as_of)
        for pk, source, as_of in County.objects.values_list("pk", "jail_status_source", "jail_status_as_of")
    }
    assert got == {
        changed: ("editor", date(2026, 8, 2)),  # the editor's save (1 p.m. in Texas)
        set_back: ("tcjs", date(2026, 7, 1)),
        no_user_save: ("editor", None),  # not the report's, but no save says when
        first_save: ("editor", date(2026, 8, 1)),  # the save that changed it, not a later one
        untouched: ("tcjs", date(2026, 7, 1)),
    }
