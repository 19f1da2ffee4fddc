"""A kept page answered again before the middleware stack (counties/early.py): the same bytes and headers
as the whole stack gives, only for the very same request, never a page of an older version or day."""

import datetime

import pytest

from counties import early, pagecache
from counties.models import County
from tests.pages import wsgi_get

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]


@pytest.fixture(autouse=True)
def _version_held(monkeypatch):
    """As in an app server: the process holds the data version it read (tests/conftest.py reads it on every
    request); the early answer never reads it itself."""
    monkeypatch.setattr(pagecache, "VERSION_TTL", 3600)


GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
REQUESTS = [
    ("/counties/tx/dallas-county/", GZIP),
    ("/es/counties/tx/dallas-county/", GZIP),
    ("/counties/tx/dallas-county/", {**GZIP, "HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}),  # the notice
    ("/counties/?q=dallas", {**GZIP, "HTTP_HX_REQUEST": "true"}),  # the search fragment
    ("/counties/?q=dallas", GZIP),  # the search page
    ("/counties/tx/?sort=population", GZIP),
    ("/", GZIP),
    ("/feeds/tx.atom", GZIP),
    ("/counties/tx/dallas-county/share.png", GZIP),  # an image: not compressed, answered early all the same
]


class Stack:
    """Counts requests that reach the kept-page decorator (the rest of the stack)."""

    def __init__(self, monkeypatch):
        self.calls = 0
        key = pagecache._key

        def counted(*args, **kwargs):
            self.calls += 1
            return key(*args, **kwargs)

        monkeypatch.setattr(pagecache, "_key", counted)


def headers(response) -> dict:
    return {name: value for name, value in response.headers.items() if name != "Date"}


@pytest.mark.parametrize(("path", "extra"), REQUESTS)
def test_the_early_answer_is_the_stacks_answer_byte_for_byte(client, monkeypatch, path, extra):
    stack = Stack(monkeypatch)
    first = client.get(path, **extra)
    assert first.status_code == 200 and stack.calls == 1
    again = client.get(path, **extra)
    assert stack.calls == 1, "the second request was answered before the stack"
    assert again.status_code == 200
    assert again.content == first.content
    assert headers(again) == headers(first)
    assert again["Content-Length"] == str(len(again.content))
    assert "Set-Cookie" not in again
    assert again["X-Content-Type-Options"] == "nosniff"  # the outer middleware still adds its headers


def test_only_the_very_same_request_is_answered_early(client, monkeypatch):
    stack = Stack(monkeypatch)
    path = "/counties/tx/dallas-county/"
    client.get(path, **GZIP)
    variants = [
        {"HTTP_ACCEPT_LANGUAGE": "es"},  # another language preferred: maybe another notice
        {"HTTP_HX_REQUEST": "true"},
        {"HTTP_ACCEPT_ENCODING": "identity"},  # a gzipped page unpacked: the stack does it (rare)
        {"HTTP_COOKIE": "sessionid=abc"},  # an editor: the whole stack
        {"HTTP_IF_NONE_MATCH": '"x"'},  # a revalidation: the stack answers 304 or the page
    ]
    for n, extra in enumerate(variants, start=2):
        client.get(path, **{**GZIP, **extra})
        assert stack.calls == n, extra
    client.head(path, **GZIP)
    assert stack.calls == len(variants) + 2
    client.get(path + "?u=1", **GZIP)  # the same kept page for the decorator, another request here
    assert stack.calls == len(variants) + 3


def test_a_bad_host_gets_the_stacks_400_not_a_kept_page(client):
    client.get("/counties/tx/dallas-county/", **GZIP)
    response = client.get("/counties/tx/dallas-county/", HTTP_HOST="evil.example", **GZIP)
    assert response.status_code == 400


def test_a_change_to_the_data_is_never_answered_with_the_old_page(client, monkeypatch):
    path = "/counties/tx/loving-county/"
    client.get(path, **GZIP)
    client.get(path, **GZIP)
    county = County.objects.get(fips="48301")
    county.jail_status_note = "Checked by a test editor today."
    county._change_reason = "test"
    county.save()
    stack = Stack(monkeypatch)
    response = client.get(path)  # no gzip: readable
    assert stack.calls == 1
    assert "Checked by a test editor today." in response.content.decode()
    learned = client.get(path, **GZIP)
    again = client.get(path, **GZIP)
    assert stack.calls == 2  # the new page is answered early in its turn
    assert again.content == learned.content


def test_the_next_day_a_page_that_counts_days_goes_down_the_stack_again(client, monkeypatch):
    """Texas county pages count the days since the SB 8 deadline: kept until midnight, then rendered anew
    with a new ETag, which the early answer must not reuse."""
    path = "/counties/tx/dallas-county/"
    today = datetime.date(2026, 12, 7)
    monkeypatch.setattr(pagecache, "today", lambda: today)
    first = client.get(path, **GZIP)
    page = pagecache.local.get(first.kept[0]) if hasattr(first, "kept") else None
    if page is None or page.until is None:
        pytest.skip("this page does not depend on the date in this release")
    stack = Stack(monkeypatch)
    today = page.until
    second = client.get(path, **GZIP)
    assert stack.calls == 1
    assert second["ETag"] != first["ETag"]
    third = client.get(path, **GZIP)
    assert stack.calls == 1 and headers(third) == headers(second) and third.content == second.content


def test_a_flood_of_query_strings_only_pushes_requests_out_of_the_table(client, monkeypatch):
    monkeypatch.setattr(early, "table", early.ByteLRU(max_bytes=50_000))
    path = "/counties/tx/dallas-county/"
    client.get(path, **GZIP)
    kept_bytes = pagecache.local.bytes
    for n in range(120):
        assert client.get(f"{path}?u={n}", **GZIP).status_code == 200
    assert 10 < len(early.table) < 120
    assert early.table.bytes <= 50_000
    assert pagecache.local.bytes == kept_bytes  # one page, kept once


def test_without_a_version_held_the_stack_answers_and_the_database_is_never_asked(
    client, monkeypatch, django_assert_num_queries
):
    path = "/counties/tx/dallas-county/"
    client.get(path, **GZIP)
    with django_assert_num_queries(0):
        assert client.get(path, **GZIP).status_code == 200  # early: no query at all
    monkeypatch.setattr(pagecache, "held_data_version", lambda: None)  # e.g. an editor's save just now
    stack = Stack(monkeypatch)
    assert client.get(path, **GZIP).status_code == 200
    assert stack.calls == 1


def test_long_or_odd_headers_cost_a_digest_and_odd_htmx_headers_go_down_the_stack(client, monkeypatch):
    path = "/counties/tx/dallas-county/"
    client.get(path + "?u=" + "x" * 7000, HTTP_ACCEPT_LANGUAGE="a" * 8000, **GZIP)
    entry = next(iter(early.table._items.values()))
    assert entry.size < 2500  # the request's 15 KB are a 20-byte key here
    assert all(len(key) == 20 for key in early.table._items)
    stack = Stack(monkeypatch)
    for _ in range(2):
        client.get(path, HTTP_HX_REQUEST="%74rue", HTTP_HX_REQUEST_URI_AUTOENCODED="true", **GZIP)
    assert stack.calls == 2


@pytest.mark.parametrize(
    "path", ["/counties/tx/zavala-county/", "/embed/counties/tx/zapata-county/", "/counties/?q=zapata", "/"]
)
def test_a_page_under_another_script_prefix_is_never_served_at_the_root(path):
    """A request that says its site lives under another prefix (a SCRIPT_NAME a proxy or a local client
    sent) gets links under that prefix; that page must not be kept for the readers at the root. (An
    attack pass found every link of a county page under /evil/ for every later reader.)"""
    status, moved = wsgi_get(path, script_name="/evil")
    assert status == "200 OK" and b"/evil/" in moved
    for _ in range(2):  # rendered and kept, then answered early
        status, body = wsgi_get(path)
        assert status == "200 OK"
        assert b"/evil" not in body and b'href="/' in body
