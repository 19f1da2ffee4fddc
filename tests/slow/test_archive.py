"""Checks on the whole archive of ICE's lists (328 lists, 2021-2026): `make test-slow`, run by CI after
the fast suite. Each test reads the real data the site ships with."""

import csv
import io
import random
from collections import Counter
from datetime import date

import pytest
from django.test import Client

from counties.importers.ice import ImportOutcome, import_list
from counties.importers.shipped import MANIFEST, shipped_lists
from counties.models import Agency, AgencyName, Agreement, Change, Request, Snapshot
from tests.pages import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_every_list_of_the_manifest_is_loaded_with_every_row(shipped):
    entries = shipped_lists()
    assert len(entries) == 328 and Snapshot.objects.count() == 328
    assert Snapshot.objects.participating().count() == 158 and Snapshot.objects.pending().count() == 170
    held = {s.sha256: s for s in Snapshot.objects.select_related("data")}
    for entry in entries:
        snapshot = held[entry.sha256]
        assert (snapshot.kind, snapshot.as_of, snapshot.unchanged_through) == (
            entry.kind,
            entry.as_of,
            entry.unchanged_through,
        )
        assert snapshot.rows_read == entry.rows == len(snapshot.rows())
        assert len(snapshot.data.unresolved) == snapshot.rows_unresolved
    oldest, newest = Snapshot.objects.oldest(), Snapshot.objects.newest()
    assert (oldest.as_of, newest.as_of) == (date(2021, 1, 13), date(2026, 5, 18))
    assert Snapshot.objects.newest(Snapshot.Kind.PENDING).as_of == date(2026, 2, 27)
    assert sum(newest.counts["all"].values()) == Agreement.objects.current().count()


def test_tarrant_since_at_least_the_oldest_list_and_the_page_says_so(shipped):
    tarrant = Agreement.objects.get(agency__county__fips="48439", agency__kind="sheriff", model="jail")
    assert tarrant.first_listed.as_of == date(2021, 1, 13) and tarrant.first_listed_is_oldest
    text = page_text(Client().get("/counties/tx/tarrant-county/"))
    assert "On ICE's lists since at least Jan. 13, 2021 (the oldest list we hold)." in text
    assert "On ICE's lists since Jan. 13, 2021." not in text


def test_southside_place_police_left_and_came_back_and_the_page_says_both(shipped):
    """Listed June 27, 2025, gone from ICE's list of July 18, 2025, back on its list of Mar. 2, 2026: "on ICE's
    lists since June 27, 2025" would hide the gap (issue 22)."""
    agreement = Agreement.objects.get(agency__name="Southside Place Police Department", model="task-force")
    assert (agreement.first_listed.as_of, agreement.gone_from.as_of, agreement.back_on.as_of) == (
        date(2025, 6, 27),
        date(2025, 7, 18),
        date(2026, 3, 2),
    )
    assert Agreement.objects.filter(back_on__isnull=False).count() == 11
    county = agreement.agency.county.get_absolute_url()
    text = page_text(Client().get(county))
    assert (
        "First on ICE's list of June 27, 2025. Most recently gone from ICE's list of July 18, 2025; back since its list "
        "of March 2, 2026."
    ) in text
    assert "On ICE's lists since June 27, 2025." not in text
    spanish = page_text(Client().get("/es" + county))
    assert (
        "La última vez que faltó fue en la lista de ICE del 18 de julio de 2025; volvió en su lista del 2 de marzo de 2026."
        in spanish
    )


def test_lexington_sc_is_one_continuous_agreement(shipped):
    (agreement,) = Agreement.objects.filter(agency__county__fips="45063", model="jail")
    assert agreement.is_current and agreement.first_listed_is_oldest and agreement.dropped_on is None
    assert not Change.objects.filter(
        agreement=agreement, kind__in=["delisted", "listed", "relisted"]
    ).exists()
    assert agreement.aliases == ["sc:lexington county sheriffs department/jail"]


def test_collin_requested_then_signed(shipped):
    request = Request.objects.get(agency__county__fips="48085", agency__kind="sheriff", model="jail")
    assert (request.first_pending.as_of, request.signed_on.as_of, request.days_to_sign) == (
        date(2026, 1, 8),
        date(2026, 1, 26),
        18,
    )


def test_rows_filed_under_texas_by_mistake_are_not_counted_in_texas(shipped):
    for name, state in (
        ("McKenzie County Sheriff's Office", "ND"),
        ("Trousdale County Sheriff's Office", "TN"),
        ("McIntosh County Sheriff's Office", "OK"),
    ):
        assert not Agency.objects.filter(state__code="TX", name=name).exists()
        assert Request.objects.filter(agency__name=name, agency__state__code=state).exists()
    assert not Request.objects.current().filter(agency__state__code="TX").exists()


def test_merged_histories_are_counted_and_each_is_explained(shipped):
    merged = Counter(AgencyName.objects.exclude(why=AgencyName.Why.FIRST).values_list("why", flat=True))
    print(f"\nnames joined to an earlier agency: {dict(merged)}")  # for the record, in the run's output
    assert sum(merged.values()) >= 50
    assert merged[AgencyName.Why.TABLE] == 3  # the three hand-checked renames no rule can tell
    assert merged[AgencyName.Why.WORDS] == 7 and merged[AgencyName.Why.STAND_IN] == 1
    # A PDF shared by agencies in different counties is ICE's mistake: Wayne County, GA and Whitfield.
    assert Agency.objects.filter(state__code="GA", county__name="Wayne County", kind="sheriff").exists()
    assert Agency.objects.filter(state__code="GA", county__name="Whitfield County", kind="sheriff").exists()


def test_no_county_is_guessed_from_a_near_spelling(shipped):
    cooperative = Agency.objects.get(name="North County Police Cooperative")
    assert cooperative.county is None and "closest spelling: Worth County" in cooperative.unresolved_reason
    oklahoma = Agency.objects.get(name="Wichita County Sheriff's Office", state__code="OK")
    assert oklahoma.county is None


def test_renewals_and_changes_are_told_apart_across_the_archive(shipped):
    kinds = Counter(Change.objects.values_list("kind", flat=True))
    print(f"\nchanges in the archive: {dict(kinds)}")  # for the record, in the run's output
    assert kinds[Change.Kind.PDF_PUBLISHED] > 1500
    assert kinds[Change.Kind.RESIGNED] >= 3 and kinds[Change.Kind.DATE_CORRECTED] > 50
    etowah = Change.objects.get(kind=Change.Kind.RESIGNED, agency__name__startswith="Etowah County")
    assert (etowah.old_value, etowah.new_value) == ("2016-06-08", "2020-06-09")


def test_a_re_served_old_list_is_held_as_the_archive_once_saw_it(shipped):
    """The file of 2025-03-06, served again as 2025-04-21 (excluded.csv): it would drop about 140 agreements."""
    old = (MANIFEST.parent / "participating/participating-2025-03-06.xlsx").read_bytes()
    result = import_list(old, filename="participatingAgencies04212025am.xlsx", dry_run=True)
    assert result.outcome == ImportOutcome.HELD and "2025-03-06" in result.reason
    pending = (MANIFEST.parent / "pending/pending-2025-09-26.xlsx").read_bytes()
    swapped = import_list(pending, filename="participatingAgencies09222025pm.xlsx", dry_run=True)
    assert swapped.outcome == ImportOutcome.HELD and "pending list" in swapped.reason


def _public_data(client):
    downloads = {
        name: client.get(f"/data/{name}.csv") for name in ("agreements", "requests", "snapshots", "counties")
    }
    files = {name: b"".join(r.streaming_content).decode() for name, r in downloads.items()}
    files["snapshots"] = "\n".join(
        ",".join(row[:3] + row[6:]) for row in csv.reader(io.StringIO(files["snapshots"]))
    )  # file name and hash aside: the same list, whatever copy
    pages = {
        path: page_text(client.get(path))
        for path in (
            "/counties/tx/denton-county/",
            "/counties/tx/collin-county/",
            "/counties/sc/lexington-county/",
        )
    }
    return files, pages


@pytest.mark.django_db(transaction=True)
def test_a_window_imported_in_a_shuffled_order_gives_the_same_public_data(shipped):
    """Ten real lists of both kinds, in date order, then again from scratch in a shuffled order."""
    from counties.importers.reference import load_reference_data

    entries = [e for e in shipped_lists() if date(2025, 12, 1) <= e.as_of <= date(2026, 1, 26)][:10]
    assert len({e.kind for e in entries}) == 2
    results = {}
    for label, order in (
        ("date order", entries),
        ("shuffled", random.Random(12).sample(entries, len(entries))),
    ):
        for model in (Change, Request, Agreement, AgencyName, Agency, Snapshot):
            model.objects.all().delete()
        if label == "date order":
            load_reference_data()
        for entry in order:
            result = import_list(
                entry.path.read_bytes(), filename=entry.path.name, as_of=entry.as_of, kind=entry.kind,
                unchanged_through=entry.unchanged_through, allow_large_drop=True,
            )  # fmt: skip
            assert result.outcome == ImportOutcome.IMPORTED, result.summary()
        from counties import pagecache

        pagecache.clear()
        results[label] = _public_data(Client())
    assert results["shuffled"] == results["date order"]


# --- the rules of the audit of all 328 lists (issue 21), each on the archive's own rows ------------------


def test_walton_countys_warrant_agreement_is_not_dropped_for_a_week_by_a_garbled_name(shipped):
    agreement = Agreement.objects.get(public_id="fl:walton county sheriffs office/warrant")
    assert "fl:waria labelon county sheriffs office/warrant" in agreement.aliases
    assert agreement.first_listed_is_oldest and agreement.is_current
    assert not Change.objects.filter(agreement=agreement, kind__in=["delisted", "relisted"]).exists()


def test_franklin_county_pa_sheriffs_warrant_request_was_signed(shipped):
    request = Request.objects.get(public_id="pa:franklin county sheriffs office/warrant/request")
    assert request.outcome == "signed" and request.signed_on.as_of == date(2025, 3, 17)
    assert request.agreement.agency.name == "County of Franklin / Franklin County Jail"


def test_one_name_written_another_way_is_one_agency(shipped):
    for state, names in (
        ("PA", ["Addison Borough Constable's Office, PA", "Addison Borough Constable's Office"]),
        ("PA", ["Unity Township Constable, PA", "Constable Unity Township"]),
        ("LA", ["Arnaudville Police Department, LA", "Arnaudville Police Department"]),
        ("FL", ["Indian River Shores DPS", "Indian River Shores Department of Public Safety"]),
        ("MT", ["MT Dept of Justice", "Montana Department of Justice"]),
    ):
        agencies = {n.agency_id for n in AgencyName.objects.filter(agency__state__code=state, name__in=names)}
        assert len(agencies) == 1, names
        for request in Request.objects.filter(agency_id__in=agencies):
            assert request.outcome == "signed", request.public_id


def test_pending_rows_without_a_model_are_requests(shipped):
    requests = Request.objects.filter(model="")
    assert sorted(r.agency.name for r in requests) == [
        "Beulaville Police Department",
        "Madison Police Department",
        "Port Richey Police Department",
        "Sedgwick County Sheriff's Office",
    ]
    assert all(r.outcome in ("signed", "already") for r in requests)


def test_migration_0022_fills_a_database_rebuilt_before_it_as_the_rebuild_does(shipped):
    """A database rebuilt before the fields existed gets them from its own changes: the same 11 gaps."""
    import importlib

    from django.apps import apps

    fill = importlib.import_module("counties.migrations.0022_agreement_gone_and_back").fill
    rebuilt = {a.pk: (a.gone_from_id, a.back_on_id) for a in Agreement.objects.filter(back_on__isnull=False)}
    assert len(rebuilt) == 11
    Agreement.objects.update(gone_from=None, back_on=None)
    fill(apps, None)
    filled = {a.pk: (a.gone_from_id, a.back_on_id) for a in Agreement.objects.filter(back_on__isnull=False)}
    assert filled == rebuilt
