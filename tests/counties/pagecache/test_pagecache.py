"""Kept pages (counties/pagecache.py): rendered once per version of what they show, served from memory or
from the shared cache, keyed only on what each view reads."""

import datetime
import gzip

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.template.response import TemplateResponse

from counties import early, pagecache
from counties.models import NOT_ON_PUBLIC_PAGES, PUBLIC_BULK_MODELS, PUBLIC_MODELS, County, Snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]


@pytest.fixture(autouse=True)
def _version_memo(monkeypatch):
    """The production memo (tests/conftest.py turns it off for every other test)."""
    monkeypatch.setattr(pagecache, "VERSION_TTL", 1.0)


def test_home_page_is_rendered_once_per_data_version(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: 1000.0)  # a stopped clock: no timing here
    first = client.get("/")
    assert first.status_code == 200
    with django_assert_num_queries(0):  # the data version was read less than a second ago
        again = client.get("/")
    assert again.content == first.content


def test_the_data_version_is_read_again_after_a_second(client, django_assert_num_queries, monkeypatch):
    client.get("/")
    clock = pagecache.time.monotonic() + pagecache.VERSION_TTL
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock)
    with django_assert_num_queries(1):  # only the data version, then the kept page
        client.get("/")


def test_an_import_in_this_process_is_seen_at_once(client):
    version = pagecache.data_version()
    Snapshot.objects.create(
        as_of=datetime.date(2026, 11, 1),
        unchanged_through=datetime.date(2026, 11, 1),
        sha256="0" * 64,
        filename="test.xlsx",
    )
    assert pagecache.data_version() != version


def test_an_editor_change_makes_a_new_version_and_a_fresh_page(client):
    before = pagecache.data_version()
    client.get("/counties/tx/loving-county/")
    county = County.objects.get(fips="48301")
    county.jail_status_note = "Checked by a test editor."
    county._change_reason = "test"
    county.save()  # django-simple-history records it
    assert pagecache.data_version() != before
    assert "Checked by a test editor." in client.get("/counties/tx/loving-county/").content.decode()


def test_search_fragment_and_full_page_are_kept_apart(client):
    full = client.get("/counties/?q=75201")
    fragment = client.get("/counties/?q=75201", HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b"<html" not in fragment.content


def test_pages_that_set_cookies_are_not_kept(client):
    client.get("/counties/tx/loving-county/correction/")
    response = client.get("/counties/tx/loving-county/correction/")
    assert "csrftoken" in response.cookies or "csrfmiddlewaretoken" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


# --- Compression: a kept page is gzip-compressed once and sent to browsers that accept it ---------------


def test_a_kept_page_is_sent_gzip_compressed_to_a_browser_that_accepts_it(client):
    plain = client.get("/counties/tx/dallas-county/")
    packed = client.get("/counties/tx/dallas-county/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
    # Another representation of the same page: a weak ETag, which still answers a revalidation with a 304.
    assert packed["ETag"] == "W/" + plain["ETag"]
    again = client.get(
        "/counties/tx/dallas-county/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]
    )
    assert again.status_code == 304
    # The 304 repeats the validator of the 200 it confirms (RFC 9110 15.4.5): a cache refreshes its copy.
    assert again["ETag"] == packed["ETag"]
    plain_again = client.get("/counties/tx/dallas-county/", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert plain_again.status_code == 304 and plain_again["ETag"] == plain["ETag"]


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip;q=0", False),  # refused
        ("identity, gzip;q=0", False),
        ("gzip; q=0.000, br", False),
        ("gzip-not", False),  # another coding's name
        ("gzip;q=nan", False),  # not a weight: as 0
        ("*;q=0", False),
        ("GZIP;Q=0.5", True),
        ("br;q=1, gzip;q=0.001", True),
        ("*", True),  # gzip not named, anything accepted
        ("gzip;q=0, *", False),  # named and refused: '*' is only for codings not named
        ("x-gzip", True),
    ],
)
def test_gzip_is_sent_only_to_a_client_that_accepts_it(client, accept_encoding, gzipped):
    """Django's test (the word gzip anywhere) sent gzip to `gzip;q=0`, a client that refuses it."""
    for _ in range(2):  # rendered and kept, then answered early (counties/early.py)
        response = client.get("/counties/tx/travis-county/", HTTP_ACCEPT_ENCODING=accept_encoding)
        assert response.status_code == 200
        assert (response.get("Content-Encoding") == "gzip") is gzipped, accept_encoding
        assert response["ETag"].startswith("W/") is gzipped
        assert (b"<html" in response.content) is not gzipped


def test_the_first_render_is_compressed_too_and_the_htmx_fragment_as_well(client):
    response = client.get("/counties/?q=dallas", HTTP_HX_REQUEST="true", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    fragment = gzip.decompress(response.content).decode()
    assert "Dallas County" in fragment and "<html" not in fragment
    assert {"Accept-Encoding", "HX-Request"} <= {v.strip() for v in response["Vary"].split(",")}


def test_no_compression_without_gzip_in_accept_encoding(client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="br, deflate")
    assert "Content-Encoding" not in response and b"<html" in response.content


def test_a_page_with_a_csrf_token_is_never_compressed(client):
    """The correction form carries a secret (BREACH): it is not kept, so it is sent as it is."""
    response = client.get("/counties/tx/loving-county/correction/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_errors_are_not_compressed(client):
    response = client.get("/counties/tx/no-such-county/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 404 and "Content-Encoding" not in response


@pytest.mark.parametrize(
    "url",
    ["/sitemap.xml", "/feeds/changes.atom", "/feeds/tx/denton-county.atom", "/changes/", "/data/",
     "/counties/tx/denton-county/print/", "/embed/counties/tx/denton-county/"],
)  # fmt: skip
def test_feeds_sitemap_and_share_pages_are_kept_too(client, url, django_assert_num_queries, monkeypatch):
    """Each cost 5 to 800 ms per request (the sitemap lists 6,000 pages); now built once per version."""
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0)  # read the version every time: no timing in the test
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    with django_assert_num_queries(1):  # only the data version: the page was kept
        again = client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_sitemap_is_sent_gzip_compressed(client):
    plain = client.get("/sitemap.xml")
    packed = client.get("/sitemap.xml", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 10


def test_images_are_not_gzipped(client):
    response = client.get("/counties/tx/denton-county/share.png", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Type"] == "image/png" and "Content-Encoding" not in response


def test_a_page_that_used_a_csrf_token_is_never_kept(rf):
    """Even for a reader who already has the CSRF cookie (so the response itself sets none)."""
    from django.middleware.csrf import get_token

    builds = []

    @pagecache.kept_page()
    def with_token(request):
        builds.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>" * 20)

    for _ in range(2):
        request = rf.get("/a-form/", HTTP_COOKIE="csrftoken=" + "a" * 32)
        request.META["CSRF_COOKIE"] = "a" * 32  # as CsrfViewMiddleware sets it from the cookie
        with_token(request)
    assert len(builds) == 2

    plain = []

    @pagecache.kept_page()
    def hello(request):
        plain.append(1)
        return HttpResponse("<p>hello</p>" * 40)

    for _ in range(2):
        hello(rf.get("/a-page/"))
    assert len(plain) == 1


def test_query_strings_a_view_does_not_read_cannot_bust_the_cache(
    client, django_assert_num_queries, monkeypatch
):
    """`?u=1`, `?u=2`... once rendered 1.6 s and 2.8 MB each for the sitemap; now they are the same page."""
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0)  # read the version every time: no timing in the test
    first = client.get("/counties/tx/dallas-county/")
    for busting in ("?u=1", "?u=2", "?status=%3Cscript%3E", "?q=x" * 50):
        with django_assert_num_queries(1):  # the data version only: the kept page
            response = client.get("/counties/tx/dallas-county/" + busting)
        assert response.content == first.content
    # An enumerated parameter with a value the view does not know is the default page.
    default = client.get("/counties/tx/")
    with django_assert_num_queries(1):
        assert client.get("/counties/tx/?sort=nonsense&status=1").content == default.content
    assert client.get("/counties/tx/?sort=population").content != default.content


def test_the_cache_is_bounded_by_bytes_not_entries():
    cache = pagecache.ByteLRU(max_bytes=10_000)
    for i in range(20):
        cache.put(
            f"k{i}", pagecache.KeptPage(body=b"x" * 1000, gzipped=False, content_type="text/html", etag='"e"')
        )
    assert cache.bytes <= 10_000 and len(cache) == 8
    assert cache.get("k0") is None and cache.get("k19") is not None
    cache.put(
        "huge", pagecache.KeptPage(body=b"x" * 20_000, gzipped=False, content_type="text/html", etag='"e"')
    )
    assert cache.get("huge") is None  # larger than the whole cache: never kept


def test_a_page_rendered_by_another_process_is_served_from_the_shared_cache(
    client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0)  # read the version every time: no timing in the test
    first = client.get("/counties/tx/dallas-county/")
    pagecache.local.clear()  # as in another worker or on another server
    with django_assert_num_queries(2):  # the data version, the shared copy: no render
        again = client.get("/counties/tx/dallas-county/")
    assert again.content == first.content


def test_a_page_that_counts_days_is_rendered_again_the_next_day_and_not_before(client, monkeypatch):
    rendered = []

    @pagecache.kept_page()
    def countdown(request):
        pagecache.valid_for_today()
        rendered.append(pagecache.today())
        return HttpResponse(f"<p>{len(rendered)} days</p>" * 30)

    @pagecache.kept_page()
    def timeless(request):
        rendered.append("timeless")
        return HttpResponse("<p>always the same</p>" * 30)

    from django.test import RequestFactory

    factory = RequestFactory()
    day = datetime.date(2026, 12, 1)
    monkeypatch.setattr(pagecache, "today", lambda: day)
    first = countdown(factory.get("/c/"))
    countdown(factory.get("/c/"))
    timeless(factory.get("/t/"))
    assert rendered == [day, "timeless"]
    day = datetime.date(2026, 12, 2)
    second = countdown(factory.get("/c/"))
    timeless(factory.get("/t/"))
    assert rendered == [datetime.date(2026, 12, 1), "timeless", datetime.date(2026, 12, 2)]
    assert second["ETag"] != first["ETag"]


def test_a_view_must_return_its_template_response_unrendered(rf):
    @pagecache.kept_page()
    def rendered_too_early(request):
        response = TemplateResponse(request, "404.html", {})
        response.render()
        return response

    with pytest.raises(TypeError, match="unrendered"):
        rendered_too_early(rf.get("/x/"))


def test_every_model_is_either_watched_or_never_on_a_public_page():
    """A new model left off both lists would make its pages stale silently."""
    models = set(apps.get_app_config("counties").get_models(include_auto_created=False))
    models = {m for m in models if not m.__name__.startswith("Historical")}
    groups = [set(PUBLIC_MODELS), set(PUBLIC_BULK_MODELS), set(NOT_ON_PUBLIC_PAGES)]
    assert sum(map(len, groups)) == len(set().union(*groups)), "a model is in two groups"
    assert models == set().union(*groups)


@pytest.mark.parametrize("url", ["/", "/es/", "/what-is-287g/", "/es/texas-sb8/"])
def test_home_and_explainer_pages_answer_a_revalidation_with_304(client, url):
    first = client.get(url)
    assert first.status_code == 200 and "public" in first["Cache-Control"] and first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_server_started_with_another_ice_page_address_does_not_serve_pages_kept_with_the_old(
    client, settings
):
    """Kept pages are shared by every server through the database; the key's release includes the settings
    pages show, so a restart with a new ICE_PAGE_URL (or SITE_URL) is not served the old links."""
    url = "/counties/tx/denton-county/"
    assert 'href="https://www.ice.gov/identify-and-arrest/287g"' in client.get(url).content.decode()
    settings.ICE_PAGE_URL = "https://www.ice.gov/moved/287g"
    # A new process: its own memory empty (kept pages, the early answers), the shared store as it was.
    pagecache.release.cache_clear()
    pagecache.local.clear()
    early.table.clear()
    try:
        html = client.get(url).content.decode()
    finally:
        pagecache.release.cache_clear()
    assert 'href="https://www.ice.gov/moved/287g"' in html
