"""County, state and national pages: the answer sentence, SB 8, agencies, caching and fixed query counts."""

import datetime
import re

import pytest
from django.urls import reverse

from counties.models import Agency, County
from tests.counties.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    EventFactory,
    SnapshotFactory,
    StateFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def newest():
    """A snapshot newer than any shipped one, so factory agreements are 'on ICE's newest list'."""
    return SnapshotFactory(as_of=datetime.date(2030, 1, 2))


def county_url(county):
    return reverse("counties:county", kwargs={"state": county.state.slug, "slug": county.slug})


def test_sheriff_with_two_models_named_in_one_sentence(client, newest):
    county = CountyFactory(name="Alpha County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Alpha County Sheriff's Office")
    AgreementFactory(agency=sheriff, model="jail", first_listed=newest, signed=datetime.date(2029, 7, 29))
    AgreementFactory(
        agency=sheriff, model="task-force", first_listed=newest, signed=datetime.date(2029, 8, 1)
    )
    text = page_text(client.get(county_url(county)))
    assert (
        "As of ICE's list of Jan. 2, 2030, the Alpha County Sheriff's Office has 287(g) agreements "
        "with ICE: Jail Enforcement and Task Force." in text
    )
    assert "Signed July 29, 2029." in text
    response = client.get(county_url(county))
    assert 'href="https://www.ice.gov/doclib/287gMOA/example.pdf"' in response.content.decode()


@pytest.mark.parametrize(
    ("moa_url", "addendum_url", "english", "spanish"),
    [
        (
            "https://www.ice.gov/doclib/287gMOA/a.pdf",
            "https://ice.gov/doclib/287gMOA/a_addendum.pdf",
            ["Read the signed agreement (PDF, ice.gov)", "Addendum (PDF, ice.gov)"],
            ["Lea el acuerdo firmado (PDF, ice.gov, en inglés)", "Anexo (PDF, ice.gov, en inglés)"],
        ),
        (
            "https://documents.example.org/moa/a.pdf",
            "http://ice.gov.example.net/addendum",
            ["Read the signed agreement (documents.example.org)", "Addendum (ice.gov.example.net)"],
            ["Lea el acuerdo firmado (documents.example.org)", "Anexo (ice.gov.example.net)"],
        ),
    ],
)
def test_document_links_name_the_host_they_go_to(client, newest, moa_url, addendum_url, english, spanish):
    """Only a link on ICE's own host is labelled ice.gov; any other link shows its real host."""
    county = CountyFactory(name="Linkton County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Linkton County Sheriff's Office")
    AgreementFactory(agency=sheriff, first_listed=newest, moa_url=moa_url, addendum_url=addendum_url)
    for url, labels in ((county_url(county), english), ("/es" + county_url(county), spanish)):
        html = client.get(url).content.decode()
        for label in labels:
            assert label in html
        if "example" in moa_url:
            assert "ice.gov)" not in html and "ice.gov," not in html


def test_no_sheriff_agreement_and_other_agencies_listed_after_the_sheriff(client, newest):
    county = CountyFactory(name="Beta County")
    police = AgencyFactory(
        county=county, state=county.state, name="Beta City Police", kind=Agency.Kind.POLICE
    )
    constable = AgencyFactory(county=county, state=county.state, name="Aardvark Constable", kind="constable")
    AgreementFactory(agency=police, first_listed=newest)
    AgreementFactory(agency=constable, first_listed=newest)
    text = page_text(client.get(county_url(county)))
    assert "the Beta County Sheriff's Office has no 287(g) agreement." in text
    assert "In all, 2 agencies in this county have agreements" in text
    assert text.index("Beta City Police") < text.index("Aardvark Constable")


def test_former_sheriff_agreement_says_since_when(client):
    old = SnapshotFactory(as_of=datetime.date(2030, 2, 1), unchanged_through=datetime.date(2030, 2, 20))
    gone = SnapshotFactory(as_of=datetime.date(2030, 3, 1))
    county = CountyFactory(name="Gamma County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Gamma County Sheriff's Office")
    AgreementFactory(
        agency=sheriff, model="warrant", first_listed=old, last_listed=old, dropped_on=gone, is_current=False
    )
    text = page_text(client.get(county_url(county)))
    assert "has no 287(g) agreement. It had one (Warrant Service Officer) that ICE no longer lists" in text
    assert "since its list of March 1, 2030." in text
    assert (
        "Last seen on Feb. 20, 2030 (the last list that still had it, ICE's list of Feb. 1, 2030, was unchanged "
        "through Feb. 20, 2030). Gone from ICE's list of March 1, 2030." in text
    )


def test_statewide_agencies_are_on_every_county_page_of_their_state(client, newest):
    one, two = CountyFactory(), CountyFactory()
    state_police = AgencyFactory(
        county=None, state=one.state, name="Testland Rangers", statewide=True, kind="state"
    )
    AgreementFactory(agency=state_police, first_listed=newest)
    for county in (one, two):
        text = page_text(client.get(county_url(county)))
        assert "Testland Rangers" in text
        assert "statewide" in text


def test_a_state_agencys_jail_agreement_is_not_said_to_cover_the_county_jail(client, newest):
    """A state prison system's Jail Enforcement agreement (e.g. a state Department of Corrections) is not
    the county jail's: the page says what kind of agency it is, and where its agreement applies."""
    county = CountyFactory()
    corrections = AgencyFactory(
        county=None,
        state=county.state,
        name="Testland Department of Corrections",
        statewide=True,
        kind="state",
    )
    AgreementFactory(agency=corrections, model="jail", first_listed=newest)
    AgreementFactory(agency=corrections, model="task-force", first_listed=newest)
    text = page_text(client.get(county_url(county)))
    state = county.state.name
    part = text[text.index("What this means for you") :]
    assert (
        f"If this state agency holds you: Testland Department of Corrections (Jail Enforcement): part of the "
        f"{state} state government, not of the county. Its officers trained by ICE may ask people this agency "
        "holds about their immigration status and start ICE's paperwork. This agreement does not cover the "
        "county jail."
    ) in part
    # what it means, in short at the top (as on the flyer); the statewide section below says the rest
    assert f"At a traffic stop, or anywhere these officers work: across all of {state}, Testland" in part
    statewide = text[text.index(f"Statewide agencies in {state}") :]
    assert (
        f"These agencies are part of the {state} state government, not of the county. A state agency's Jail "
        "Enforcement or Warrant Service Officer agreement applies to the people that agency holds, not to the "
        "county jail. Its Task Force officers may use their powers wherever they work in the state, which can "
        "include this county."
    ) in statewide
    assert "booked into this agency's jail" not in text
    assert "cover all of" not in text and "covers this county" not in text
    assert f"but 1 agency of the {state} state government has one (see below)." in text
    flyer = page_text(client.get(county_url(county) + "print/"))
    assert "booked into this agency's jail" not in flyer
    assert "This agreement does not cover the county jail." in flyer
    assert f"At a traffic stop, or anywhere these officers work: across all of {state}, Testland" in flyer


def test_published_events_are_on_the_timeline_drafts_are_not(client, newest):
    county = CountyFactory()
    EventFactory(county=county, summary="Commissioners voted to apply.", date=datetime.date(2030, 1, 1))
    EventFactory(county=county, summary="A draft nobody checked.", is_published=False)
    text = page_text(client.get(county_url(county)))
    assert "Commissioners voted to apply." in text
    assert "A draft nobody checked." not in text


def test_one_canonical_lowercase_url(client):
    county = CountyFactory(name="Omega County")
    response = client.get("/counties/ZZ/Omega-County/")
    assert response.status_code == 301
    assert response["Location"] == county_url(county)
    assert client.get("/counties/ZZ/")["Location"] == "/counties/zz/"
    assert client.get("/counties/ZZ/?sort=population")["Location"] == "/counties/zz/?sort=population"
    # The county's other pages too, in both languages (each was kept, linked and counted once per spelling).
    for prefix in ("", "/es"):
        for typed, canonical in [
            ("/embed/counties/ZZ/omega-county/", "/embed/counties/zz/omega-county/"),
            ("/counties/zz/OMEGA-county/print/", "/counties/zz/omega-county/print/"),
            ("/counties/Zz/omega-county/share.png", "/counties/zz/omega-county/share.png"),
            ("/feeds/ZZ.atom", "/feeds/zz.atom"),
            ("/feeds/ZZ/Omega-County.atom", "/feeds/zz/omega-county.atom"),
        ]:
            redirected = client.get(prefix + typed)
            assert (redirected.status_code, redirected["Location"]) == (301, prefix + canonical), typed


def test_unknown_county_is_404(client):
    assert client.get("/counties/zz/no-such-county/").status_code == 404
    assert client.get("/counties/qq/").status_code == 404


def test_cache_headers_no_cookies_and_304(client, newest):
    county = CountyFactory()
    response = client.get(county_url(county))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response.cookies == {}
    again = client.get(county_url(county), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # A new ICE list changes the ETag.
    SnapshotFactory(as_of=datetime.date(2030, 6, 1))
    assert client.get(county_url(county), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_spanish_county_page(client, newest):
    county = CountyFactory()
    response = client.get("/es" + county_url(county))
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    assert "Según la lista de ICE" in page_text(response)


def test_county_page_query_count_is_the_same_for_every_county(client, newest, django_assert_num_queries):
    """County, newest lists, the sheriff's requests, agreements, the state's unplaced agencies, then the
    timeline (changes, events): the same for a county where nothing was ever listed."""
    busy, quiet, empty = CountyFactory(), CountyFactory(), CountyFactory()
    for i, kind in enumerate(["sheriff", "police", "constable", "marshal"]):
        agency = AgencyFactory(county=busy, state=busy.state, kind=kind, name=f"Agency {i}")
        AgreementFactory(agency=agency, first_listed=newest)
        AgreementFactory(agency=agency, model="jail", first_listed=newest)
    EventFactory(county=busy)
    AgreementFactory(agency=AgencyFactory(county=quiet, state=quiet.state), first_listed=newest)
    for county in (busy, quiet, empty):
        with django_assert_num_queries(
            10
        ):  # the data version, the shared copy (none), 7 for the page, keeping it
            assert client.get(county_url(county)).status_code == 200
    # Rendered once per data version: the same page again costs only the version query.
    with django_assert_num_queries(1):
        assert client.get(county_url(busy)).status_code == 200


# --- Texas: the SB 8 box -------------------------------------------------------------------------------


@pytest.fixture
def texas_county():
    texas = StateFactory(code="TX", fips="48", name="Texas")
    county = County.objects.filter(state=texas).first()
    return county or CountyFactory(state=texas, fips="48999", name="Sample County")


@pytest.mark.parametrize(
    ("jail_status", "source", "expected"),
    [
        ("jail", "tcjs", "Sample County runs a county jail."),
        # The report lists a private facility, not a contract (its note says what that does not prove).
        ("private", "tcjs", "Only a privately run jail is listed in Sample County."),
        ("private", "editor", "Sample County has a jail run by a private company under contract."),
        ("none", "tcjs", "Texas Senate Bill 8 does not bind this sheriff."),
        ("unknown", "tcjs", "We cannot say whether Texas Senate Bill 8 binds this sheriff."),
    ],
)
def test_sb8_box_follows_the_jail_status(client, texas_county, jail_status, source, expected):
    """The wording by day and by what ICE's lists show is in test_sb8_box.py."""
    texas_county.jail_status = jail_status
    texas_county.jail_status_source = source
    texas_county.jail_status_note = "Checked against the commission's report."
    texas_county.save()
    text = page_text(client.get(county_url(texas_county))).replace("\n", " ")
    assert expected in text
    assert "Checked against the commission's report." in text
    assert ("shall request and enter into" in text) == (jail_status in ("jail", "private"))
    # The deadline is said wherever the law may bind the sheriff, also where we cannot say whether it does.
    deadline = "The reported deadline, " in text or "The deadline is reported as " in text
    assert deadline == (jail_status != "none")


@pytest.mark.parametrize(
    ("jail_status", "summary"), [("jail", "What ICE's lists show for this sheriff"), ("none", "Sources")]
)
def test_the_sb8_boxs_details_are_named_for_what_they_hold(
    client, texas_county, newest, jail_status, summary
):
    """A county with no jail is not told what ICE's lists show of its sheriff there (the rest of the page
    says it): its details hold the sources only, and are named so."""
    texas_county.jail_status = jail_status
    texas_county.save()
    html = client.get(county_url(texas_county)).content.decode()
    found = re.search(r'<details class="sb8-more">\s*<summary>(.*?)</summary>', html, re.S)
    assert found and found.group(1).startswith(summary), found and found.group(1)


def test_no_sb8_box_outside_texas(client, newest):
    assert "Texas SB 8" not in page_text(client.get(county_url(CountyFactory())))


def test_an_editors_fix_changes_the_etag(client, newest):
    county = CountyFactory()
    agreement = AgreementFactory(agency=AgencyFactory(county=county, state=county.state), first_listed=newest)
    etag = client.get(county_url(county))["ETag"]
    agreement.moa_url = "https://www.ice.gov/doclib/287gMOA/corrected.pdf"
    agreement.save()
    assert client.get(county_url(county), HTTP_IF_NONE_MATCH=etag).status_code == 200
    state_etag = client.get("/counties/zz/")["ETag"]
    county.jail_status_note = "Corrected by an editor."
    county.save()
    assert client.get("/counties/zz/", HTTP_IF_NONE_MATCH=state_etag).status_code == 200


# --- an agreement's permanent link --------------------------------------------------------------------


def test_an_agreements_id_leads_to_it_and_an_alias_to_the_id(client, newest):
    county = CountyFactory()
    agreement = AgreementFactory(
        agency=AgencyFactory(county=county, state=county.state),
        first_listed=newest,
        public_id="zz:testville county sheriffs office/jail",
        aliases=["zz:testville county sheriffs dept/jail"],
    )
    response = client.get(agreement.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{county.get_absolute_url()}#agreement-{agreement.pk}"
    assert f'id="agreement-{agreement.pk}"' in client.get(county.get_absolute_url()).content.decode()
    alias = client.get("/counties/agreements/zz:testville%20county%20sheriffs%20dept/jail/")
    assert alias.status_code == 301 and alias["Location"] == agreement.get_absolute_url()
    assert client.get("/counties/agreements/zz:no%20such%20agency/jail/").status_code == 404
    for odd in ("%00", "zz:testville%00/jail", "x" * 400):  # no ID holds a NUL byte or is that long
        assert client.get(f"/counties/agreements/{odd}/").status_code == 404, odd
    statewide = AgreementFactory(
        agency=AgencyFactory(county=None, state=county.state, statewide=True, kind="state"),
        first_listed=newest,
    )
    assert (
        client.get(statewide.get_absolute_url())["Location"] == f"{county.state.get_absolute_url()}#statewide"
    )


# --- a phone's first screens (issue 23) -----------------------------------------------------------------


def test_the_answer_names_each_agency_sheriff_first_with_its_models_and_dates(client, newest):
    county = CountyFactory(name="Busy County")
    police = AgencyFactory(county=county, state=county.state, kind="police", name="Busy Police Department")
    sheriff = AgencyFactory(county=county, state=county.state, name="Busy County Sheriff's Office")
    AgreementFactory(agency=police, model="task-force", first_listed=newest, signed=datetime.date(2029, 3, 4))
    AgreementFactory(agency=sheriff, model="jail", first_listed=newest, signed=datetime.date(2029, 7, 29))
    AgreementFactory(agency=sheriff, model="warrant", first_listed=newest, signed=None, signed_raw="")
    html = client.get(county_url(county)).content.decode()
    text = page_text(client.get(county_url(county)))
    under = text[text.index("In all, 2 agencies") : text.index("What this means for you")]
    assert (
        "Busy County Sheriff's Office: Jail Enforcement, signed July 29, 2029; Warrant Service Officer "
        "Busy Police Department: Task Force, signed March 4, 2029"
    ) in under
    assert f'<a href="#agency-{sheriff.pk}">' in html and f'id="agency-{sheriff.pk}"' in html


def test_a_county_with_many_agencies_names_four_and_links_to_the_rest(client, newest):
    county = CountyFactory()
    for i in range(8):
        agency = AgencyFactory(county=county, state=county.state, kind="police", name=f"Town {i} Police")
        AgreementFactory(agency=agency, model="task-force", first_listed=newest)
    text = page_text(client.get(county_url(county)))
    under = text[text.index("In all, 8 agencies") : text.index("What this means for you")]
    assert under.count(" Police: Task Force") == 4
    assert "and 4 more agencies below" in under
    assert (
        '<a href="#agreements">and 4 more agencies below</a>'
        in client.get(county_url(county)).content.decode()
    )


def test_what_it_means_and_where_to_get_help_come_before_the_detail(client, newest):
    """The order a phone shows: the answer, the in-page links, what it means, where to get help, your rights,
    then the agencies' detail and the sources; each in-page link lands on its section."""
    county = CountyFactory()
    agency = AgencyFactory(county=county, state=county.state, kind="police")
    AgreementFactory(agency=agency, model="task-force", first_listed=newest)
    html = client.get(county_url(county)).content.decode()
    order = ['id="answer"', 'class="on-page"', 'id="what-this-means"', 'id="get-help"', 'id="your-rights"']
    order += ['id="agreements"', 'id="sources"']
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    nav = html[html.index('class="on-page"') : html.index("</nav>", html.index('class="on-page"'))]
    for anchor in ("#what-this-means", "#your-rights", "#get-help", "#sources"):
        assert f'href="{anchor}"' in nav and f'id="{anchor[1:]}"' in html
    spanish = page_text(client.get("/es" + county_url(county)))
    assert "Dónde buscar ayuda" in spanish
    assert (
        "Lista de proveedores de servicios legales gratuitos (List of Pro Bono Legal Service Providers) (en inglés)"
        in spanish
    )


@pytest.mark.parametrize(
    ("source_url", "cited"),
    [
        ("https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies01022030am.xlsx", None),
        ("", "https://ice.example.org/287g"),  # not known: ICE's page, as the site is set to read it
    ],
)
def test_the_sources_link_the_list_where_it_was_read(client, settings, source_url, cited):
    settings.ICE_PAGE_URL = "https://ice.example.org/287g"
    snapshot = SnapshotFactory(as_of=datetime.date(2030, 1, 2), source_url=source_url)
    county = CountyFactory(name="Cited County")
    AgreementFactory(agency=AgencyFactory(county=county, state=county.state), first_listed=snapshot)
    html = client.get(county_url(county)).content.decode()
    assert f'<a href="{cited or source_url}">ice.gov</a>' in html
