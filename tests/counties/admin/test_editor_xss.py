"""Nothing an editor (or ICE's file, or the public) types can inject script into a public page.

Every free-text field an editor can fill is given a script payload, and every public page that can show
it is fetched: the payload must never appear raw, and where the page shows the field it must appear
escaped (so the test fails if the field is shown unescaped, and notices if it stops being shown).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from counties.models import Correction, Event, Source
from tests.counties.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    EventFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
RAW = ["<script>alert(1)", "<img src=x onerror"]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile_county():
    translation.activate("en")
    county = CountyFactory(name="Hostile County", jail_status_note="Note " + PAYLOAD)
    agency = AgencyFactory(county=county, state=county.state, name="Sheriff " + PAYLOAD)
    AgreementFactory(agency=agency)
    source = SourceFactory(
        title="Title " + PAYLOAD, publisher="Publisher " + PAYLOAD, url="https://example.org/x?a=<b>"
    )
    EventFactory(
        county=county,
        date=datetime.date(2026, 2, 2),
        summary="Summary " + PAYLOAD,
        summary_es="Resumen " + PAYLOAD,
        note="Note " + PAYLOAD,
        source=source,
        is_published=True,
    )
    yield county
    translation.activate("en")


def pages(county):
    state, slug = county.state.slug, county.slug
    return [
        f"/counties/{state}/{slug}/",
        f"/es/counties/{state}/{slug}/",
        f"/counties/{state}/",
        f"/counties/{state}/{slug}/correction/",
        f"/counties/{state}/{slug}/correction/thanks/",
        f"/changes/?state={state}",
        f"/es/changes/?state={state}",
        f"/feeds/{state}.atom",
        f"/feeds/{state}/{slug}.atom",
    ]


def test_no_public_page_shows_an_editors_text_unescaped(client, hostile_county):
    shown = 0
    for url in pages(hostile_county):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for raw in RAW:
            assert raw not in body, f"unescaped payload on {url}"
        shown += ESCAPED in body or "&amp;lt;script&amp;gt;" in body
    # The county pages, the changes pages and both feeds show the agency and the event summary.
    assert shown >= 6


def test_the_county_page_shows_the_agency_name_and_event_escaped(client, hostile_county):
    body = client.get(hostile_county.get_absolute_url()).content.decode()
    assert "Sheriff &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Summary &quot;&gt;&lt;script&gt;" in body
    assert "https://example.org/x?a=&lt;b&gt;" in body
    es = client.get("/es" + hostile_county.get_absolute_url()).content.decode()
    assert "Resumen &quot;&gt;&lt;script&gt;" in es


def test_json_data_is_served_as_json_never_as_html(client, hostile_county):
    response = client.get("/data/agreements.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "ftp://example.org/file",
    ],
)
def test_links_editors_or_the_public_type_must_be_http(url):
    county = CountyFactory()
    source = Source(title="t", publisher="p", url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict
    correction = Correction(county=county, what_is_wrong="x", source_url=url)
    with pytest.raises(ValidationError) as error:
        correction.full_clean()
    assert "source_url" in error.value.message_dict


def test_event_without_county_or_agency_fails_validation_with_a_message():
    event = Event(date=datetime.date(2026, 1, 1), kind="vote", summary="x", source=SourceFactory())
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "Choose the county or the agency this event is about." in str(error.value)
