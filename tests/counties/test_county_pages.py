"""County, state and national pages: the answer sentence, SB 8, agencies, caching and fixed query counts."""

import datetime

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
    assert (
        "At a traffic stop, or anywhere these officers work: Testland Department of Corrections (Task Force): "
        f"part of the {state} state government, not of the county."
    ) in part
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
    ("jail_status", "expected"),
    [
        ("jail", "Sample County runs a county jail."),
        ("private", "Sample County has a jail run by a private company under contract."),
        ("none", "Texas Senate Bill 8 does not bind this sheriff."),
        ("unknown", "We cannot say whether Texas Senate Bill 8 binds this sheriff."),
    ],
)
def test_sb8_box_follows_the_jail_status(client, texas_county, jail_status, expected):
    """The wording by day and by what ICE's lists show is in test_sb8_box.py."""
    texas_county.jail_status = jail_status
    texas_county.jail_status_note = "Checked against the commission's report."
    texas_county.save()
    text = page_text(client.get(county_url(texas_county)))
    assert expected in text.replace("\n", " ")
    assert "Checked against the commission's report." in text
    assert ("shall request and enter into" in text) == (jail_status in ("jail", "private"))


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
    statewide = AgreementFactory(
        agency=AgencyFactory(county=None, state=county.state, statewide=True, kind="state"),
        first_listed=newest,
    )
    assert (
        client.get(statewide.get_absolute_url())["Location"] == f"{county.state.get_absolute_url()}#statewide"
    )
