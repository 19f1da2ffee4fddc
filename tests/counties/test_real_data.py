"""Real facts of the shipped data on the lookup pages (ICE lists up to May 18, 2026; Census; TCJS)."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format

from counties import pagecache
from counties.models import Agency, County, Snapshot
from counties.status import Status, county_status
from tests.pages import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]


def tx(slug):
    return County.objects.select_related("state").get(state__code="TX", slug=slug)


def test_dallas_sheriff_has_no_agreement_on_the_may_18_2026_list(client):
    text = page_text(client.get("/counties/tx/dallas-county/"))
    assert (
        "As of ICE's list of May 18, 2026, the Dallas County Sheriff's Office has no 287(g) agreement."
        in text
    )
    assert "Dallas County runs a county jail." in text
    assert (
        "“shall request and enter into” an agreement with ICE: asking alone is not what the law says." in text
    )
    assert (
        "Neither of ICE's lists shows this sheriff: not its list of agreements of May 18, 2026, nor its list of "
        "pending requests of Feb. 27, 2026."
    ) in text
    assert "ICE's last pending list, of Feb. 27, 2026, had no request from any Texas agency." in text
    assert (
        "No local agency in Dallas County has an agreement on ICE's list, but 4 agencies of the Texas state "
        "government have agreements (see below)."
    ) in text
    assert "Population: 2,606,358 (2023)" in text


def test_denton_jail_enforcement_and_task_force_with_dates_and_moas(client):
    status = county_status(tx("denton-county"))
    assert status.code == Status.SHERIFF
    assert [(a.model, a.signed.isoformat()) for a in status.sheriff_current] == [
        ("jail", "2025-07-29"),
        ("task-force", "2026-01-26"),
    ]
    response = client.get("/counties/tx/denton-county/")
    text = page_text(response)
    assert (
        "As of ICE's list of May 18, 2026, the Denton County Sheriff's Office has 287(g) agreements "
        "with ICE: "
        "Jail Enforcement and Task Force." in text
    )
    assert "Signed July 29, 2025." in text and "Signed Jan. 26, 2026." in text
    html = response.content.decode()
    assert "https://www.ice.gov/doclib/287gMOA/DentonCoSheriffsOfficeTX_JEM_MOA_07292025.pdf" in html
    assert "Jan. 26, 2026: Denton County Sheriff's Office: Task Force agreement first listed by ICE." in text


def test_tarrant_sheriff_jail_model_then_the_police_departments(client):
    text = page_text(client.get("/counties/tx/tarrant-county/"))
    assert "the Tarrant County Sheriff’s Office has a 287(g) agreement with ICE: Jail Enforcement." in text
    assert "Signed June 16, 2020." in text
    for part in (
        text[text.index("Agencies in Tarrant County with an agreement") :],  # the agencies' details
        text[
            text.index("Jail Enforcement.") : text.index("What this means for you")
        ],  # the lines under the answer
    ):
        sheriff, keller = part.index("Tarrant County Sheriff’s Office"), part.index("Keller Police")
        assert sheriff < keller
    under_answer = text[text.index("Jail Enforcement.") : text.index("What this means for you")]
    assert "Tarrant County Sheriff’s Office: Jail Enforcement, signed June 16, 2020" in under_answer


def test_loving_has_no_jail_so_sb8_does_not_bind_its_sheriff(client):
    text = page_text(client.get("/counties/tx/loving-county/"))
    assert "the Loving County Sheriff's Office has no 287(g) agreement" in text
    assert "Loving County does not run a county jail or pay a private company to run one." in text
    assert "Texas Senate Bill 8 does not bind this sheriff." in text
    assert "the Texas Commission on Jail Standards lists no jail in Loving County" in text
    assert (
        "deadline"
        not in text.split("Texas SB 8: what it asks of this sheriff")[1].split("What SB 8 requires")[0]
    )


def test_lovings_flyer_and_card_date_the_jail_report_that_lists_no_jail_and_the_flyer_its_own_day(client):
    """On a flyer or a card away from the county page, "lists no jail" says which report (the county page's
    SB 8 box says it in its first line); a printed flyer says the day it was made ("N days ago" on paper)."""
    english = "the Texas Commission on Jail Standards' report of July 1, 2026 lists no jail in Loving County."
    spanish = (
        "el informe de la Comisión de Normas para Cárceles de Texas del 1 de julio de 2026 no indica ninguna "
        "cárcel en el condado de Loving."
    )
    assert english in page_text(client.get("/embed/counties/tx/loving-county/"))
    assert spanish in page_text(client.get("/es/embed/counties/tx/loving-county/"))
    for prefix in ("", "/es"):  # a flyer has both languages
        days = {pagecache.today()}
        flyer = page_text(client.get(f"{prefix}/counties/tx/loving-county/print/"))
        days.add(pagecache.today())  # the flyer was made on one of these (midnight may pass meanwhile)
        assert english in flyer and spanish in flyer
        with translation.override("en"):
            made = [f"ICE list of May 18, 2026; flyer made {date_format(day, 'DATE_FORMAT')}" for day in days]
        with translation.override("es"):
            hecho = [
                f"Lista de ICE del 18 de mayo de 2026; hoja hecha el {date_format(d, 'DATE_FORMAT')}"
                for d in days
            ]
        assert any(line in flyer for line in made) and any(line in flyer for line in hecho)
    page = page_text(client.get("/counties/tx/loving-county/"))
    assert "The Texas jail commission's report of July 1, 2026:" in page
    assert english not in page  # the box says the report's date once, in its first line


def test_the_texas_page_dates_the_jail_report_its_sb8_column_rests_on(client):
    """Unknown is shown with the date of the newest data: the SB 8 column ('Not known' for a county the
    report does not settle) says which report of the jail commission it comes from, in both languages."""
    english = page_text(client.get("/counties/tx/"))
    assert "Jail status: the Texas Commission on Jail Standards' report of July 1, 2026" in english
    # and the table's caption (read first by a screen reader on the table) dates its statuses
    assert "287(g) status of every county in Texas, from ICE's list of May 18, 2026" in english
    spanish = page_text(client.get("/es/counties/tx/"))
    assert (
        "Cárcel: el informe de la Comisión de Normas para Cárceles de Texas del 1 de julio de 2026" in spanish
    )
    assert (
        "Situación 287(g) de cada condado de Texas, según la lista de ICE del 18 de mayo de 2026" in spanish
    )


def test_statewide_texas_agencies_on_every_texas_county_page(client):
    for slug in ("loving-county", "dallas-county"):
        text = page_text(client.get(f"/counties/tx/{slug}/"))
        assert "Texas National Guard (State agency, statewide)" in text
        assert "Texas Office of the Attorney General (State agency, statewide)" in text


def test_former_sheriff_agreement_from_the_real_lists(client):
    text = page_text(client.get("/counties/pa/bucks-county/"))
    assert "the Bucks County Sheriff's Office has no 287(g) agreement. It had one (Task Force)" in text
    # In the test window: on the list of Dec. 1, 2025, gone from the next one held, Jan. 23, 2026.
    assert "since its list of Jan. 23, 2026." in text
    assert "Gone from ICE's list of Jan. 23, 2026." in text
    assert "Texas SB 8" not in text


def test_real_county_pages_are_the_same_handful_of_queries(client, django_assert_num_queries):
    for path in ("/counties/tx/denton-county/", "/counties/tx/tarrant-county/"):
        with django_assert_num_queries(
            10
        ):  # the data version, the shared copy (none), 7 for the page, keeping it
            assert client.get(path).status_code == 200
    with django_assert_num_queries(10):  # the same for a county where nothing was ever listed
        assert client.get("/counties/tx/loving-county/").status_code == 200


def test_texas_table_counts_match_the_status_of_each_county(client):
    response = client.get("/counties/tx/")
    statuses = response.context["statuses"]
    assert len(statuses) == 254
    sheriffs = sum(1 for s in statuses if s.code == Status.SHERIFF)
    assert response.context["category_counts"]["sheriff"] == sheriffs
    assert f"the sheriff has a 287(g) agreement in {sheriffs} of Texas's 254 counties" in page_text(response)
    denton = next(s for s in statuses if s.county.slug == "denton-county")
    assert denton.sheriff_models == ["jail", "task-force"]


def test_enter_on_a_name_whose_every_match_is_one_county_goes_there(client):
    # Denton County and the city of Denton, which lies only in Denton County: one destination.
    response = client.get("/counties/", {"q": "denton", "go": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/counties/tx/denton-county/"
    # Dallas: Dallas County in five states and a city in five counties: the person chooses.
    assert client.get("/counties/", {"q": "dallas", "go": "1"}).status_code == 200


def test_no_county_is_guessed_from_a_near_spelling_in_the_real_lists(client):
    """ICE's 'North County' (Missouri) is one letter from Worth County but names a police cooperative."""
    cooperative = Agency.objects.get(name="North County Police Cooperative")
    assert cooperative.county is None
    assert "closest spelling: Worth County" in cooperative.unresolved_reason
    assert "North County Police Cooperative" not in client.get("/counties/mo/worth-county/").content.decode()
    # Slips checked by hand are corrected explicitly (counties/importers/ice.py COUNTY_CORRECTIONS).
    assert Agency.objects.get(name="Berrian County Sheriff's Office").county.name == "Berrien County"
    assert Agency.objects.get(name="Morse Police Department").county.name == "Acadia Parish"
    newest = Snapshot.objects.newest()
    # 179 rows were unplaced before agencies were placed by their city (tests/counties/importers/test_placement.py).
    # (4 with every list held; the tests' window leaves a fifth: tests/counties/importers/test_placement.py)
    assert (newest.as_of, newest.rows_read, newest.rows_unresolved) == (date(2026, 5, 18), 1843, 5)


def test_agencies_without_a_county_are_on_their_state_page(client):
    """Tye PD (ICE's county is not where the Census puts the city) and ICE's 'North County' are on no
    county page: the state page lists them with the county as ICE wrote it."""
    texas = client.get("/counties/tx/").content.decode().split('id="unplaced"')[1].split("</section>")[0]
    assert "Tye Police Department" in texas and "“Galveston County”" in texas
    assert "Nixon Police Department" not in texas  # placed in both its counties
    missouri = client.get("/counties/mo/").content.decode().split('id="unplaced"')[1].split("</section>")[0]
    assert "North County Police Cooperative" in missouri and "“North County”" in missouri
    assert "ICE&#x27;s county matches no county in the state" in missouri  # why, in a few words
    spanish = client.get("/es/counties/mo/").content.decode()
    assert "Agencias de Misuri que aún no ubicamos en un condado" in spanish


def test_county_pages_point_to_the_agencies_not_placed_in_their_state(client):
    """Florida: 1 agency with no county, Longboat Key's police (144 before they were placed by their city's
    ZIP codes, 47 before their city's GeoNames place, 14 before the public pages of issue 26), so a Brevard
    County reader is told where to look."""
    brevard = client.get("/counties/fl/brevard-county/").content.decode()
    note = brevard.split('id="unplaced-note">')[1].split("</p>")[0]
    assert "ICE also lists 1 agency in Florida whose county we could not tell" in note
    assert 'href="/counties/fl/#unplaced"' in note
    one = client.get("/counties/tx/gonzales-county/").content.decode()  # Tye PD, in the Texas list
    assert "ICE also lists 1 agency in Texas" in one and "See it on the Texas page" in one
    spanish = client.get("/es/counties/tx/gonzales-county/").content.decode()
    assert "ICE también muestra 1 agencia de Texas" in spanish
    assert 'href="/es/counties/tx/#unplaced"' in spanish
    assert 'id="unplaced-note"' not in client.get("/counties/ca/los-angeles-county/").content.decode()


def test_home_page_numbers_span_the_oldest_and_the_newest_list(client):
    """The home page's figures are the newest list's, beside the oldest list held (Jan. 13, 2021)."""
    oldest = Snapshot.objects.participating().order_by("as_of").first()
    assert oldest.as_of == date(2021, 1, 13)
    expected = sum(oldest.counts["all"].values()), sum(oldest.counts["TX"].values())
    text = page_text(client.get("/"))
    assert "The numbers on ICE's list of May 18, 2026" in text
    assert (
        f"On ICE's oldest list this site holds, of Jan. 13, 2021, there were {expected[0]} agreements "
        f"({expected[1]} in Texas)."
    ) in text
    assert expected == (150, 26)  # what the list of Jan. 13, 2021 holds (74 + 76; 23 + 3 in Texas)
    spanish = page_text(client.get("/es/"))
    assert (
        "En la lista de ICE más antigua que tiene este sitio, del 13 de enero de 2021, había 150 acuerdos"
        in spanish
    )


def agency_block(page: str, name: str) -> str:
    return page.split(f">{name} <")[1].split("</article>")[0]


def test_county_pages_say_how_each_agency_was_placed(client):
    """Miami-Dade's page has the City of Miami's police (ICE's COUNTY cell: #NA), with how the site knows;
    Nixon PD is on both its counties' pages, each marked as serving part of it, with the share."""
    miami = client.get("/counties/fl/miami-dade-county/").content.decode()
    for name in ("City of Miami Police Department", "Hialeah Police Department"):
        assert "of the addresses of the ZIP codes named" in agency_block(miami, name)
    assert "100% of the addresses of the ZIP codes named Miami are in this county" in miami
    assert "ICE&#x27;s list gives its county as “Miami-Dade County”." in miami  # the sheriff... or others
    gonzales = agency_block(
        client.get("/counties/tx/gonzales-county/").content.decode(), "Nixon Police Department"
    )
    assert "serves part of this county" in gonzales
    assert "about 92% of the addresses of Nixon are here; the city also lies in Wilson County." in gonzales
    wilson = agency_block(
        client.get("/counties/tx/wilson-county/").content.decode(), "Nixon Police Department"
    )
    assert "about 8% of the addresses of Nixon are here; the city also lies in Gonzales County." in wilson
    spanish = client.get("/es/counties/tx/wilson-county/").content.decode()
    assert "atiende parte de este condado" in spanish and "condado de Gonzales" in spanish
    # A regional agency on the pages of the counties its name names, not on every county page.
    for slug in ("rappahannock-county", "shenandoah-county", "warren-county"):
        page = client.get(f"/counties/va/{slug}/").content.decode()
        assert "Rappahannock, Shenandoah, Warren Regional Jail Authority" in page
    assert "Shenandoah, Warren Regional" not in client.get("/counties/va/fairfax-county/").content.decode()


def test_a_city_police_department_placed_by_ice_and_the_census_says_both_not_a_place_name_as_ice_text(client):
    """ICE's county for Alice PD is Jim Wells, where the Census puts Alice: the page says both, and never
    that ICE's county column reads "Alice city" (the Census place's name)."""
    text = page_text(client.get("/counties/tx/jim-wells-county/"))
    assert "ICE's list gives its county, and the Census Bureau's list of places puts Alice in it." in text
    assert "Alice city" not in text
    spanish = page_text(client.get("/es/counties/tx/jim-wells-county/"))
    assert "la lista de lugares de la Oficina del Censo pone a Alice en él" in spanish


def test_a_county_an_editor_adds_does_not_make_a_city_lie_in_it(client):
    """'Serves part of this county' rests on the Census: the other counties of the same place. Keller lies
    in Tarrant County alone; an editor who also places its police in Denton County does not make the
    Tarrant page (or its embed card) say that Keller lies partly elsewhere. League City's split stays."""
    from counties.models import AgencyCounty

    keller = Agency.objects.get(state__code="TX", name__startswith="Keller Police")
    AgencyCounty.objects.create(agency=keller, county=tx("denton-county"), placed_by=Agency.Placement.EDITOR)
    tarrant = page_text(client.get("/counties/tx/tarrant-county/"))
    keller_part = tarrant[tarrant.index("Keller Police Department (Police department)") :][:400]
    assert "serves part of this county" not in keller_part and "also lies in" not in keller_part
    assert "It also works in Denton County." in keller_part
    harris = page_text(client.get("/counties/tx/harris-county/"))
    assert "It serves part of this county" in harris and "also lies in Galveston County" in harris


def test_a_county_attorneys_office_is_not_called_a_district_attorney(client):
    """ICE lists county attorneys (Kleberg, Parker) and district attorneys alike: the site names the kind
    they share, a prosecutor's office, never "district attorney" for a county attorney (a truth check of
    every Texas county page found it)."""
    text = page_text(client.get("/counties/tx/kleberg-county/"))
    assert "Kleberg County Attorney's Specialized Crimes & Narcotics Task Force (Prosecutor's office)" in text
    parker = next(
        line for line in page_text(client.get("/counties/tx/")).splitlines() if "Parker County" in line
    )
    assert "2 prosecutors' offices" in parker and "district attorney" not in parker.lower()
    spanish = page_text(client.get("/es/counties/tx/kleberg-county/"))
    assert "Narcotics Task Force (Fiscalía)" in spanish and "de distrito" not in spanish
