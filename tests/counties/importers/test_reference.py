"""The reference data loaded from fixtures/: real facts of the shipped files."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from counties import pagecache
from counties.importers.reference import ReferenceResult, _load_texas_jails
from counties.models import County, Place, ReferenceLoad, State, ZipCode, ZipCounty

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]


def test_every_county_with_padded_fips():
    assert County.objects.count() == 3144
    assert State.objects.count() == 56  # 50 states, DC and five territories (ICE lists Guam and the CNMI)
    assert not County.objects.filter(state__code="GU").exists()
    assert County.objects.in_state("TX").count() == 254
    autauga = County.objects.get(fips="01001")
    assert (autauga.name, autauga.state.code, autauga.slug) == ("Autauga County", "AL", "autauga-county")
    dallas = County.objects.get(fips="48113")
    assert (dallas.name, dallas.short_name, dallas.seat, dallas.search_key) == (
        "Dallas County",
        "Dallas",
        "Dallas",
        "dallas county",
    )
    assert dallas.population_year == 2023 and dallas.population > 2_000_000
    assert dallas.get_absolute_url().endswith("/counties/tx/dallas-county/")


def test_slugs_keep_independent_cities_parishes_and_boroughs_apart():
    slugs = dict(
        County.objects.filter(fips__in=["24005", "24510", "22071", "02020"]).values_list("fips", "slug")
    )
    assert slugs == {
        "24005": "baltimore-county",
        "24510": "baltimore-city",
        "22071": "orleans-parish",
        "02020": "anchorage-municipality",
    }
    assert County.objects.get(slug="dona-ana-county").name == "Doña Ana County"


def test_connecticut_planning_regions_as_the_census_has_them():
    names = list(County.objects.in_state("CT").values_list("name", flat=True))
    assert len(names) == 9 and all(name.endswith("Planning Region") for name in names)


def test_texas_seats_use_census_spelling():
    assert County.objects.get(state__code="TX", short_name="DeWitt").seat == "Cuero"
    assert not County.objects.in_state("TX").filter(seat="").exists()


def test_jail_status_july_2026_with_caveats():
    tx = County.objects.in_state("TX")
    counts = {s: tx.filter(jail_status=s).count() for s in County.JailStatus.values}
    assert counts == {"jail": 227, "private": 4, "none": 22, "unknown": 1}
    loving = tx.get(short_name="Loving")
    assert loving.jail_status == "none" and loving.sb8_applies is False
    yoakum = tx.get(short_name="Yoakum")
    assert (
        yoakum.jail_status == "unknown" and yoakum.sb8_applies is None and "Young" in yoakum.jail_status_note
    )
    parker = tx.get(short_name="Parker")
    assert (
        parker.jail_status == "private" and parker.sb8_applies is True and "2021" in parker.jail_status_note
    )
    brooks = tx.get(short_name="Brooks")
    assert brooks.jail_status == "jail" and "(P)" in brooks.jail_status_note
    assert all(c.jail_status_as_of.isoformat() == "2026-07-01" for c in tx)
    assert County.objects.get(fips="01001").jail_status == "unknown"


def test_the_2021_facts_in_two_jail_notes_are_those_of_tcjss_september_2021_report():
    """Parker's and Yoakum's notes say what TCJS's report of September 2021 showed; the report ships in
    fixtures/texas/ (fixtures/SOURCES.md), and each fact is read from it here, not typed."""
    import csv

    from django.conf import settings

    from counties.importers.reference import NOTE_ONLY_PRIVATE_PARKER, NOTE_YOAKUM

    path = settings.BASE_DIR / "fixtures" / "texas" / "tcjs-abbrev-pop-report-2021-09.csv"
    with path.open(newline="") as file:
        rows = {row["0"]: row for row in csv.DictReader(file)}
    assert {row["data_date"] for row in rows.values()} == {"202109"}
    # Parker: an ordinary county row (no "(P)" facility) with beds of its own.
    assert "Parker" in rows and not [name for name in rows if name.startswith("Parker") and "(P)" in name]
    assert int(rows["Parker"]["17"]) > 0
    assert (
        "In September 2021 TCJS still listed Parker's jail as an ordinary county-run jail."
        in NOTE_ONLY_PRIVATE_PARKER
    )
    # Yoakum: its own jail of 48 beds (a row of the report's last page, shifted one column to the right).
    assert rows["Yoakum"]["1"] == "" and rows["Yoakum"]["18"] == "48"
    assert "In September 2021 Yoakum ran its own 48-bed jail." in NOTE_YOAKUM


def test_a_zip_touching_several_counties_keeps_all_of_them():
    tx = ZipCode.objects.filter(state__code="TX").annotate(n=Count("zip_counties"))
    assert tx.count() == 2433
    assert tx.filter(n__gte=2).count() == 727
    shares = ZipCounty.objects.filter(zip_code__code=tx.filter(n__gte=3).first().code)
    assert shares.count() >= 3
    assert abs(sum(s.tot_ratio for s in shares) - 1) < 0.001


def test_po_box_zip_uses_all_addresses_for_its_share():
    box = ZipCounty.objects.filter(zip_code__state__code="TX", res_ratio=0, tot_ratio__gt=0).first()
    assert box.share == box.tot_ratio


def test_dallas_the_city_lies_in_five_counties_and_search_finds_both():
    dallas = Place.objects.get(geoid="4819000")
    assert (dallas.name, dallas.kind, dallas.incorporated) == ("Dallas", "city", True)
    assert sorted(dallas.counties.values_list("short_name", flat=True)) == [
        "Collin",
        "Dallas",
        "Denton",
        "Kaufman",
        "Rockwall",
    ]
    assert "Dallas County" in County.objects.in_state("TX").matching("dallas").values_list("name", flat=True)
    assert "Dallas" in Place.objects.matching("DALLAS ").values_list("name", flat=True)
    assert ZipCode.objects.filter(city_key="dallas", state__code="TX").exists()


def test_loading_twice_changes_nothing_but_is_recorded_for_the_page_cache():
    # An editor checked Dallas County after the report and changed its jail status (as the admin does).
    County.objects.filter(fips="48113").update(
        jail_status=County.JailStatus.NO_JAIL,
        jail_status_source=County.JailSource.EDITOR,
        jail_status_as_of=date(2026, 12, 5),
    )
    before = list(County.objects.order_by("fips").values())
    loads = ReferenceLoad.objects.count()
    version = pagecache.data_version()
    started = timezone.now()
    call_command("load_reference_data", verbosity=0)
    with connection.cursor() as cursor:  # the planner's statistics of what it wrote, taken by the load
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze >= %s AND relname LIKE 'counties_zip%%'",
            [started],
        )
        assert {row[0] for row in cursor.fetchall()} == {"counties_zipcode", "counties_zipcounty"}
    assert list(County.objects.order_by("fips").values()) == before
    assert ZipCounty.objects.count() == 54234
    # Its bulk writes leave no history row: the ReferenceLoad row is what makes kept pages stale.
    assert ReferenceLoad.objects.count() == loads + 1
    load = ReferenceLoad.objects.latest("id")
    assert "3144 counties" in load.summary and "54234 ZIP-county links" in load.summary
    assert "253 Texas jail statuses, 1 kept as editors set them" in load.summary
    assert pagecache.data_version() != version


def test_a_report_keeps_an_editors_jail_status_unless_it_is_newer_than_their_change():
    """The report (TCJS, July 1, 2026) again over four Texas counties: one an editor changed on the report's
    day, one an editor changed before it (an older report's status they corrected), one changed on a day not
    known (migration 0026: a change outside the ORM), one never edited."""
    report_date = date(2026, 7, 1)
    counties = {c.fips: c for c in County.objects.select_related("state")}
    denton, dallas, tarrant, collin = (counties[f] for f in ("48121", "48113", "48439", "48085"))
    assert {c.jail_status for c in (denton, dallas, tarrant, collin)} == {"jail"}
    assert dallas.jail_status_as_of == report_date and dallas.jail_status_source == "tcjs"
    for county, day in ((denton, report_date), (dallas, date(2026, 6, 30)), (tarrant, None)):
        county.jail_status, county.jail_status_as_of = County.JailStatus.NO_JAIL, day
        county.jail_status_source = County.JailSource.EDITOR
    collin.jail_status = County.JailStatus.UNKNOWN

    result = ReferenceResult()
    _load_texas_jails(counties, result)

    assert (result.jails, result.jails_kept, result.jails_replaced) == (253, 1, 2)
    assert "1 kept as editors set them, 2 set by editors replaced by this newer report" in str(result)
    assert (denton.jail_status, denton.jail_status_source, denton.jail_status_as_of) == (
        "none",
        "editor",
        report_date,
    )
    assert (tarrant.jail_status, tarrant.jail_status_source, tarrant.jail_status_as_of) == (
        "jail",
        "tcjs",
        report_date,
    )
    assert (dallas.jail_status, dallas.jail_status_source, dallas.jail_status_as_of) == (
        "jail",
        "tcjs",
        report_date,
    )
    assert (collin.jail_status, collin.jail_status_source) == ("jail", "tcjs")
