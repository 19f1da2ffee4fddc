"""Atom feeds and the recent-changes page show the changes derived from ICE's lists."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from counties.changes import recent_changes
from counties.importers.ice import import_list
from tests.counties.factories import EventFactory
from tests.counties.workbooks import name, texas_counties, tf, workbook

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


SHERIFF = "Rockwall County Sheriff's Office"


@pytest.fixture
def sample():
    counties = texas_counties()
    other = tf("Other Police Department")
    for day, rows in (
        (datetime.date(2026, 1, 1), [other]),
        (
            datetime.date(2026, 1, 15),
            [other, tf(SHERIFF, "Rockwall County", kind="County", model="Jail Enforcement Model")],
        ),
        (datetime.date(2026, 2, 1), [other, tf(SHERIFF, "Rockwall County", kind="County")]),
    ):
        assert (
            import_list(workbook(rows), filename=name("participating", day), allow_large_drop=True).outcome
            == "imported"
        )
    county = counties["Rockwall County"]
    EventFactory(county=county, date=datetime.date(2026, 1, 20), summary="Commissioners voted.")
    return county


def test_county_feed_lists_its_changes(client, sample):
    root, entries = parse_atom(client.get("/feeds/tx/rockwall-county.atom"))
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == [
        "Rockwall County Sheriff's Office: Jail Enforcement agreement gone from ICE's list of Feb. 1, 2026 (last "
        "seen on the list of Jan. 15, 2026, unchanged through Jan. 15, 2026).",
        "Rockwall County Sheriff's Office: Task Force agreement first listed by ICE on Feb. 1, 2026.",
        "Commissioners voted.",
        "Rockwall County Sheriff's Office: Jail Enforcement agreement first listed by ICE on Jan. 15, 2026.",
    ]
    assert root.find(f"{ATOM}updated").text.startswith("2026-02-01")
    assert entries[0].find(f"{ATOM}id").text.startswith("tag:")
    assert (
        entries[0]
        .find(f"{ATOM}link")
        .get("href")
        .endswith("/counties/tx/rockwall-county/#" + (recent_changes(county=sample)[0].anchor))
    )


def test_state_and_site_feeds(client, sample):
    _root, state_entries = parse_atom(client.get("/feeds/tx.atom"))
    assert len(state_entries) == 4  # Other PD, on the oldest list held, is no change
    _root, site_entries = parse_atom(client.get("/feeds/changes.atom"))
    assert (
        site_entries[1].find(f"{ATOM}title").text.startswith("Rockwall County Sheriff's Office: Task Force")
    )


def test_spanish_feed(client, sample):
    _root, entries = parse_atom(client.get("/es/feeds/tx/rockwall-county.atom"))
    with translation.override("es"):
        expected = recent_changes(county=sample)[0].headline
    assert entries[0].find(f"{ATOM}title").text == expected
    assert expected.startswith("Rockwall County Sheriff's Office:") and "ICE" in expected


def test_unknown_feeds_are_404(client):
    assert client.get("/feeds/qq.atom").status_code == 404
    assert client.get("/feeds/tx/no-such-county.atom").status_code == 404


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_changes_page_in_both_languages(client, sample, prefix):
    response = client.get(prefix + "/changes/?state=tx")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{prefix.strip("/") or "en"}"' in html
    assert 'type="application/atom+xml"' in html and f'href="{prefix}/feeds/tx.atom"' in html
    item = recent_changes(county=sample)[0]
    assert f'id="{item.anchor}"' in html
    assert ("Condado de Rockwall, TX" if prefix else "Rockwall County, TX") in html
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
def test_a_feed_names_itself_from_site_url_whatever_the_host(client, settings, url, host, shipped):
    """Feeds are kept and shared by every reader: their self link must not depend on the Host header."""
    root, _entries = parse_atom(client.get(url, HTTP_HOST=host))
    self_link = next(link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == settings.SITE_URL + url


def test_a_control_character_stored_before_forms_cleaned_them_never_breaks_a_feed(client, sample):
    """An event saved with a vertical tab (XML 1.0 cannot carry it) made every feed of its language answer
    500 until someone edited it (issue 24): the feed drops the character and answers."""
    EventFactory(
        county=sample, date=datetime.date(2026, 1, 21), summary="Court\x0bvoted\x01 again.", summary_es=""
    )
    for path in (
        "/feeds/tx/rockwall-county.atom",
        "/feeds/tx.atom",
        "/feeds/changes.atom",
        "/es/feeds/tx.atom",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        _root, entries = parse_atom(response)
        assert any("Court voted again." in ET.tostring(entry, encoding="unicode") for entry in entries), path


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_every_entry_links_to_where_its_change_stands_on_a_page(client, sample, settings, prefix):
    """A feed entry's link ends in the change's anchor, and the page it names has that id: the county's
    timeline, or, for an agency on no county page, its state's changes page (the state page has no list
    of changes). Every entry id is an IRI (an agency's name has spaces) and the Spanish feed's are its own."""
    rows = [tf("Other Police Department"), tf(SHERIFF, "Rockwall County", kind="County")]
    rows.append(tf("Nowhere Police Department", "No Such County"))  # ICE's county matches none: unplaced
    result = import_list(workbook(rows), filename=name("participating", datetime.date(2026, 2, 15)))
    assert result.outcome == "imported"
    ids = {}
    for feed in ("/feeds/tx/rockwall-county.atom", "/feeds/tx.atom", "/feeds/changes.atom"):
        _root, entries = parse_atom(client.get(prefix + feed))
        links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
        assert links
        for entry, link in zip(entries, links, strict=True):
            ids[entry.find(f"{ATOM}id").text] = feed
            page, anchor = link.removeprefix(settings.SITE_URL).split("#")
            response = client.get(page)
            assert response.status_code == 200, link
            assert f'id="{anchor}"' in response.content.decode(), link
    nowhere = f"{settings.SITE_URL}{prefix}/changes/?state=tx#"
    assert any(link.startswith(nowhere) for link in links), "the unplaced agency's entry"
    assert all(" " not in entry_id and entry_id.isprintable() for entry_id in ids)
    assert any("%20" in entry_id for entry_id in ids)
    assert all(("2026:es/" in entry_id) == bool(prefix) for entry_id in ids)


def test_a_feed_with_no_entry_is_dated_by_the_newest_list_not_by_the_moment_it_was_made(client, sample):
    root, entries = parse_atom(client.get("/feeds/tx/collin-county.atom"))
    assert entries == []
    assert root.find(f"{ATOM}updated").text == "2026-02-01T00:00:00-06:00"
