"""How old the answer is, in words that say what happened (counties/freshness.py, issue 27): a list an
editor uploaded is never said to be "confirmed on ICE's site" until a check of ICE's site confirms it."""

import datetime

import pytest
from django.utils import timezone

from counties.models import Snapshot
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory, SnapshotFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def county_page(client, origin, unchanged_through=None, language=""):
    as_of = datetime.date(2026, 3, 2)
    snapshot = SnapshotFactory(as_of=as_of, origin=origin, unchanged_through=unchanged_through or as_of)
    county = CountyFactory(name="Fresh County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Fresh County Sheriff's Office")
    AgreementFactory(agency=sheriff, model="jail", first_listed=snapshot)
    return snapshot, page_text(client.get(f"{language}/counties/{county.state.slug}/fresh-county/"))


def test_an_uploaded_list_says_who_added_it_and_when_not_that_ice_confirmed_it(client):
    snapshot, text = county_page(client, Snapshot.Origin.UPLOAD)
    uploaded = timezone.localdate(snapshot.imported_at)
    assert (
        f"An editor uploaded it on {uploaded:%b}" in text or f"An editor uploaded it on {uploaded:%B}" in text
    )
    assert "no check of ICE's site has confirmed it since" in text
    assert "confirmed on ICE's site on" not in text


def test_spanish_says_the_same(client):
    _snapshot, text = county_page(client, Snapshot.Origin.UPLOAD, language="/es")
    assert "La subió un editor el" in text and "confirmada en el sitio de ICE el" not in text


def test_a_list_a_check_of_ices_site_confirmed_says_so(client):
    _snapshot, text = county_page(client, Snapshot.Origin.UPLOAD, unchanged_through=datetime.date(2026, 4, 1))
    assert "last confirmed on ICE's site on" in text and "An editor uploaded it" not in text


def test_a_list_the_administrator_imported_by_command_says_so(client):
    _snapshot, text = county_page(client, Snapshot.Origin.COMMAND)
    assert "The site's administrator added it on" in text and "confirmed on ICE's site on" not in text
