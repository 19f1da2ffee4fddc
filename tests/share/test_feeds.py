"""Atom feeds and the recent-changes page show the changes derived from ICE's lists."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from counties.changes import recent_changes
from counties.models import Agreement
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory, EventFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_atom(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response, in a test
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}").text
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    for entry in entries:
        assert entry.find(f"{ATOM}title").text
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    return root, entries


@pytest.fixture
def sample():
    old, new = (
        SnapshotFactory(as_of=datetime.date(2092, 1, 1)),
        SnapshotFactory(as_of=datetime.date(2092, 2, 1)),
    )
    county = CountyFactory(name="Feedville County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Feedville Sheriff's Office")
    AgreementFactory(agency=sheriff, model="task-force", first_listed=new, last_listed=new)
    AgreementFactory(agency=sheriff, model="jail", first_listed=old, last_listed=old, is_current=False)
    EventFactory(county=county, date=datetime.date(2092, 1, 15), summary="Commissioners voted.")
    return county


def test_county_feed_lists_its_changes(client, sample):
    root, entries = parse_atom(client.get("/feeds/zz/feedville-county.atom"))
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == [
        "Feedville Sheriff's Office: Jail Enforcement agreement no longer listed by ICE as of Feb. 1, 2092.",
        "Feedville Sheriff's Office: Task Force agreement first listed by ICE on Feb. 1, 2092.",
        "Commissioners voted.",
        "Feedville Sheriff's Office: Jail Enforcement agreement first listed by ICE on Jan. 1, 2092.",
    ]
    assert root.find(f"{ATOM}updated").text.startswith("2092-02-01")
    assert entries[0].find(f"{ATOM}id").text.startswith("tag:")
    assert (
        entries[0]
        .find(f"{ATOM}link")
        .get("href")
        .endswith("/counties/zz/feedville-county/#" + (recent_changes(county=sample)[0].anchor))
    )


def test_state_and_site_feeds(client, sample):
    _root, state_entries = parse_atom(client.get("/feeds/zz.atom"))
    assert len(state_entries) >= 4
    # The session also holds ICE's real lists, whose current agreements would fill the site feed around
    # these far-future sample lists; without them (in this test's transaction) the sample is the news.
    Agreement.objects.exclude(agency__state__code="ZZ").delete()
    _root, site_entries = parse_atom(client.get("/feeds/changes.atom"))
    assert site_entries[1].find(f"{ATOM}title").text.startswith("Feedville Sheriff's Office: Task Force")


def test_spanish_feed(client, sample):
    _root, entries = parse_atom(client.get("/es/feeds/zz/feedville-county.atom"))
    with translation.override("es"):
        expected = recent_changes(county=sample)[0].headline
    assert entries[0].find(f"{ATOM}title").text == expected
    assert expected.startswith("Feedville Sheriff's Office:") and "ICE" in expected


def test_unknown_feeds_are_404(client):
    assert client.get("/feeds/qq.atom").status_code == 404
    assert client.get("/feeds/zz/no-such-county.atom").status_code == 404


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_changes_page_in_both_languages(client, sample, prefix):
    response = client.get(prefix + "/changes/?state=zz")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{prefix.strip("/") or "en"}"' in html
    assert 'type="application/atom+xml"' in html and f'href="{prefix}/feeds/zz.atom"' in html
    item = recent_changes(county=sample)[0]
    assert f'id="{item.anchor}"' in html
    assert "Feedville County, ZZ" in html
    assert not response.cookies


def test_changes_page_without_filter_and_with_a_bad_one(client, sample):
    response = client.get("/changes/")
    assert response.status_code == 200
    assert 'href="/feeds/changes.atom"' in response.content.decode()
    assert client.get("/changes/?state=%27%3B--").status_code == 404


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("/feeds/tx/denton-county.atom", "localhost"),
        ("/es/feeds/tx.atom", "127.0.0.1"),
        ("/feeds/changes.atom", "[::1]"),
    ],
)
def test_a_feed_names_itself_from_site_url_whatever_the_host(client, settings, url, host):
    """Feeds are kept and shared by every reader: their self link must not depend on the Host header."""
    root, _entries = parse_atom(client.get(url, HTTP_HOST=host))
    self_link = next(link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == settings.SITE_URL + url
