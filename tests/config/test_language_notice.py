"""A browser that prefers Spanish is offered the Spanish page on an English one: a "Ver en español" notice
decided on the server from Accept-Language (counties/languages.py), no redirect, no cookie, and never the
wrong notice from a kept page (counties/pagecache.py keys on it and sends Vary: Accept-Language)."""

import datetime

import pytest

from counties import pagecache
from counties.languages import preferred_language
from tests.counties.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    SnapshotFactory,
    StateFactory,
)

NOTICE = 'class="lang-notice"'
SPANISH_FIRST = "es-MX,es;q=0.9,en;q=0.8"
ENGLISH_FIRST = "en-US,en;q=0.9,es;q=0.8"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (SPANISH_FIRST, "es"),
        ("es", "es"),
        ("ES-us", "es"),
        (ENGLISH_FIRST, "en"),
        ("fr-CA,fr;q=0.9,es;q=0.5,en;q=0.4", "es"),  # French first, which the site does not have
        ("en;q=0.5, es;q=0.9", "es"),  # by quality, not by order
        ("es;q=0.8, en;q=0.8", "es"),  # the same quality: in the browser's order
        ("es;q=0, en", "en"),  # q=0: not acceptable
        ("*, es;q=0.5", None),  # any language first: no preference to act on
        ("fr, de", None),
        ("", None),
        ("es;q=lots, en", "en"),  # a malformed entry is skipped
        ("<script>, es", "es"),
        ("x" * 10_000 + ",es", None),  # read only so far
    ],
)
def test_the_preferred_language_is_read_from_accept_language(header, expected):
    assert preferred_language(header) == expected


@pytest.fixture
def county(db):
    newest = SnapshotFactory(as_of=datetime.date(2030, 2, 1))
    county = CountyFactory(state=StateFactory(), name="Ash County", slug="ash-county")
    AgreementFactory(agency=AgencyFactory(county=county, state=county.state), first_listed=newest)
    return county


def notice_of(response) -> str | None:
    """The notice's link, or None when the page has no notice."""
    html = response.content.decode()
    if NOTICE not in html:
        return None
    notice = html.split(NOTICE)[1].split("</p>")[0]
    assert 'lang="es"' in notice and "Esta página también está en español." in notice
    assert ">Ver en español</a>" in notice
    return notice.split('href="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("path", "spanish"),
    [
        ("/", "/es/"),
        ("/counties/zz/ash-county/", "/es/counties/zz/ash-county/"),
        ("/counties/zz/?status=sheriff&u=1", "/es/counties/zz/?status=sheriff"),  # declared params only
        ("/models/", "/es/models/"),
        ("/counties/zz/ash-county/correction/", "/es/counties/zz/ash-county/correction/"),  # not kept
        ("/no-such-page/", None),  # a 404: there is no Spanish page to offer
    ],
)
def test_an_english_page_offers_the_same_page_in_spanish_to_a_spanish_browser(client, county, path, spanish):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=SPANISH_FIRST)
    assert response.status_code in (200, 404)  # never a redirect
    assert notice_of(response) == spanish
    assert "Accept-Language" in response["Vary"]
    assert "django_language" not in response.cookies
    assert notice_of(client.get(path, HTTP_ACCEPT_LANGUAGE=ENGLISH_FIRST)) is None
    assert notice_of(client.get(path)) is None  # no header


def test_a_spanish_page_never_shows_the_notice(client, county):
    for header in (SPANISH_FIRST, ENGLISH_FIRST):
        response = client.get("/es/counties/zz/ash-county/", HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 200 and NOTICE not in response.content.decode()


@pytest.mark.parametrize("first", [SPANISH_FIRST, ENGLISH_FIRST])
def test_a_kept_page_never_carries_another_readers_notice(client, county, first, django_assert_num_queries):
    """Whichever reader comes first, the kept copy of the other never shows (or hides) their notice."""
    path = "/counties/zz/ash-county/"
    second = ENGLISH_FIRST if first == SPANISH_FIRST else SPANISH_FIRST
    pages = {first: client.get(path, HTTP_ACCEPT_LANGUAGE=first)}
    pages[second] = client.get(path, HTTP_ACCEPT_LANGUAGE=second)
    # Kept in this process (only the data version is read), then, once forgotten here, from the copies
    # shared in the database (and the shared row read too).
    for queries in (1, 2):
        for header, shows in ((SPANISH_FIRST, True), (ENGLISH_FIRST, False)):
            with django_assert_num_queries(queries):
                response = client.get(path, HTTP_ACCEPT_LANGUAGE=header)
            assert (notice_of(response) is not None) is shows
            assert response.content == pages[header].content
        pagecache.local.clear()
    # Two versions, two ETags: a reader's copy of one is not "not modified" for a reader of the other.
    english_etag = pages[ENGLISH_FIRST]["ETag"]
    assert pages[SPANISH_FIRST]["ETag"] != english_etag
    again = client.get(path, HTTP_ACCEPT_LANGUAGE=SPANISH_FIRST, HTTP_IF_NONE_MATCH=english_etag)
    assert again.status_code == 200 and notice_of(again)
    unchanged = client.get(path, HTTP_ACCEPT_LANGUAGE=ENGLISH_FIRST, HTTP_IF_NONE_MATCH=english_etag)
    assert unchanged.status_code == 304


def test_what_is_not_a_site_page_is_kept_once_whatever_the_browser_prefers(client, county):
    """The embed card, the flyer and the feeds show no notice: one kept copy each, not one per language."""
    for path in ("/embed/counties/zz/ash-county/", "/counties/zz/ash-county/print/", "/feeds/changes.atom"):
        pagecache.local.clear()
        english = client.get(path, HTTP_ACCEPT_LANGUAGE=ENGLISH_FIRST)
        assert english.status_code == 200, path
        kept = len(pagecache.local)
        spanish = client.get(path, HTTP_ACCEPT_LANGUAGE=SPANISH_FIRST)
        assert len(pagecache.local) == kept, path
        assert spanish.content == english.content and NOTICE not in spanish.content.decode()
