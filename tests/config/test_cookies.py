"""Public pages set no cookie, whatever the request carries (config/cookies.py).

A malformed csrftoken cookie once made every public page answer with a new one in `Set-Cookie` while
marked `Cache-Control: public`, and kept the page out of the page cache.
"""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from counties import pagecache
from counties.models import Correction
from tests.counties.factories import CountyFactory

pytestmark = pytest.mark.django_db

ODD_COOKIES = [
    {"csrftoken": "short"},
    {"csrftoken": "x" * 31},  # one short of a secret
    {"csrftoken": "x" * 33},  # neither a secret nor a masked token
    {"csrftoken": "!" * 64},  # the right length, characters outside the token alphabet
    {"csrftoken": "é" * 32},
    {"csrftoken": ""},
    {"sessionid": "abcdefghijklmnopqrstuvwxyz012345", "messages": "not:signed"},
]


@pytest.fixture
def county():
    return CountyFactory(name="Cookie County")


def public_urls(county):
    return ["/", "/es/", county.get_absolute_url(), "/counties/?q=cookie", "/es/counties/?q=Cookie"]


@pytest.mark.parametrize(
    "cookies", ODD_COOKIES, ids=["short", "31", "33", "odd-characters", "not-ascii", "empty", "session"]
)
def test_public_pages_set_no_cookie_whatever_the_request_carries(county, cookies):
    for url in public_urls(county):
        client = Client()  # a fresh reader each time: a cookie set once would be sent back after
        for name, value in cookies.items():
            client.cookies[name] = value
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
        assert "Set-Cookie" not in str(response.serialize_headers()), url
        assert "public" in response["Cache-Control"], url


def test_a_page_is_kept_even_when_the_reader_sends_a_malformed_token(county):
    """The page cache keeps it (it skipped pages whose request needed a new CSRF cookie)."""
    pagecache.local.clear()
    client = Client()
    client.cookies["csrftoken"] = "short"
    client.get(county.get_absolute_url())
    assert len(pagecache.local), "the county page was not kept"


def test_the_correction_form_still_sets_its_cookie_and_csrf_still_holds(county):
    form_url = f"/counties/{county.state.slug}/{county.slug}/correction/"
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "short"
    page = client.get(form_url)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    assert len(token) == 32 and token != "short"
    # It ends with the browser session (the privacy page says so; Django's default is a year).
    assert not page.cookies["csrftoken"]["max-age"] and not page.cookies["csrftoken"]["expires"]
    # A POST with a malformed cookie is refused, as it always was.
    client.cookies["csrftoken"] = "!" * 64
    refused = client.post(form_url, {"what_is_wrong": "x", "csrfmiddlewaretoken": "!" * 64})
    assert refused.status_code == 403
    assert not Correction.objects.exists()


def public_view_with_a_cookie(request):
    response = HttpResponse("<p>public</p>")
    response["Cache-Control"] = "public, max-age=300"
    response.set_cookie("tracker", "1")
    return response


urlpatterns = [path("leaky/", public_view_with_a_cookie), *site_urlpatterns]


def test_no_response_marked_public_ever_carries_a_cookie(client, settings):
    settings.ROOT_URLCONF = __name__
    response = client.get("/leaky/")
    assert not response.cookies
    assert "public" not in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/no-such-page/", 404),  # a 404
        ("/counties/TX/", 301),  # a redirect to the lower-case address
        ("/counties/?q=nowhere%20at%20all", 200),  # a search
        ("/healthz", 200),
        ("/feeds/changes.atom", 200),
    ],
)
def test_a_stale_session_cookie_is_never_answered_with_a_cookie(url, status):
    """Django's session middleware clears a stale `sessionid` with a Set-Cookie, on any response (issue 24):
    outside the admin nothing is set or cleared."""
    client = Client()
    client.cookies["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"
    response = client.get(url)
    assert response.status_code == status, url
    assert "Set-Cookie" not in str(response.serialize_headers()), (url, list(response.cookies))


@pytest.mark.parametrize("path", ["/", "/nope/", "/healthz"])
def test_a_bad_host_with_a_malformed_token_gets_no_cookie(path):
    """The Host header is checked before the token is looked at: the 400 carried a new CSRF cookie (issue 24,
    the attack pass)."""
    client = Client()
    client.cookies["csrftoken"] = "short"
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Set-Cookie" not in str(response.serialize_headers()), list(response.cookies)


def test_a_readers_correction_loses_control_characters_and_unsafe_addresses_are_refused(county):
    form_url = f"/counties/{county.state.slug}/{county.slug}/correction/"
    client = Client()
    client.get(form_url)
    response = client.post(
        form_url,
        {"what_is_wrong": "The sheriff\u202e signed\x0b in May.", "source_url": "https://www.ice.gov/x"},
    )
    assert response.status_code == 302
    assert Correction.objects.get().what_is_wrong == "The sheriff signed  in May."
    refused = client.post(
        form_url, {"what_is_wrong": "See this.", "source_url": "https://www.ice.gov\\@evil.example/x"}
    )
    assert refused.status_code == 400
    assert Correction.objects.count() == 1
