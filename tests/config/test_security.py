"""Security headers on real responses: strict CSP, frame protection, Permissions-Policy and friends."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.http import require_safe

from config.urls import urlpatterns as site_urlpatterns
from counties.share.views import framable

STRICT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@require_safe
def plain_view(request):
    return HttpResponse("<p>plain</p>")


@require_safe
@framable
def framable_view(request):
    return HttpResponse("<p>card</p>")


def broken_view(request):
    raise RuntimeError("a bug")


# The site's own URLs plus test views (middleware such as the admin's reverses admin URLs).
urlpatterns = [
    path("plain/", plain_view),
    path("card/", framable_view),
    path("broken/", broken_view),
    *site_urlpatterns,
]


def assert_strict_headers(response):
    csp = parse_csp(response["Content-Security-Policy"])
    for directive, values in STRICT_CSP.items():
        assert csp[directive] == values, directive
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("geolocation", "camera", "microphone", "interest-cohort", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/es/", "/this-page-does-not-exist/", "/healthz", "/admin/login/"])
def test_every_kind_of_response_carries_the_strict_headers(client, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert_strict_headers(response)


@pytest.mark.django_db
def test_static_files_are_not_sniffed(client, settings):
    """WhiteNoise serves static files after SecurityMiddleware has run, so they get nosniff too."""
    response = client.get("/static/css/site.css")
    if response.status_code == 404:  # the test settings serve from staticfiles only after collectstatic
        pytest.skip("static files are not collected")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_enabled(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.urls("tests.config.test_security")
def test_a_plain_view_may_not_be_framed(client):
    assert_strict_headers(client.get("/plain/"))


@pytest.mark.urls("tests.config.test_security")
def test_framable_drops_only_the_frame_protection(client):
    response = client.get("/card/")
    assert "X-Frame-Options" not in response
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["*"]
    for directive, values in STRICT_CSP.items():
        if directive != "frame-ancestors":
            assert csp[directive] == values, directive
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_base_template_configures_htmx_for_the_csp():
    """htmx would inject an inline <style> (blocked by style-src 'self') and allow eval without this."""
    from django.template.loader import get_template

    source = get_template("base.html").template.source
    assert '"includeIndicatorStyles":false' in source
    assert '"allowEval":false' in source
    assert '"allowScriptTags":false' in source
    assert " style=" not in source and "<style" not in source
    assert "<script>" not in source


@pytest.mark.django_db
def test_the_embed_card_is_the_one_framable_page(client, shipped):
    response = client.get("/embed/counties/tx/dallas-county/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["*"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert csp.get("script-src", csp["default-src"]) in (["'self'"], ["'none'"])
    county_page = client.get("/counties/tx/dallas-county/")
    assert county_page["X-Frame-Options"] == "DENY"
    assert parse_csp(county_page["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/es/", "///evil.example/x"])
def test_a_path_that_looks_like_another_site_never_links_off_the_site(client, path):
    """`GET //evil.example/` (issue 24): the 404's language link stays on this site."""
    import re

    response = client.get("/", PATH_INFO=path)  # as a server passes it (the test client would read a host)
    assert response.status_code == 404
    links = re.findall(r'href="([^"]*)"', response.content.decode())
    assert links
    assert not [link for link in links if link.startswith("//") or "evil.example" in link.split("/")[2:3]]


def test_imported_names_lose_control_characters_and_bidi_overrides():
    from counties.importers.workbook import clean

    assert clean("Evil\u202eCity Police\x00 Department") == "EvilCity Police Department"
    assert clean("Line\x0bbreak\u2066 here\u2069") == "Line break here"
    assert clean("  Ordinary\xa0name  ") == "Ordinary name"


def test_a_bad_host_header_is_logged_as_one_short_line(client):
    """It was a traceback of about 1 KB per request (issue 24): the site's logging config makes it a line."""
    import io
    import logging

    from config.security import OneLine

    (handler,) = [
        h
        for h in logging.getLogger("django.security").handlers
        if any(isinstance(f, OneLine) for f in h.filters)
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        response = client.get("/", HTTP_HOST="evil.example\x07" + "x" * 500)
    finally:
        handler.setStream(old)
    assert response.status_code == 400
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Invalid HTTP_HOST header") and len(lines[0]) < OneLine.LIMIT + 20
    assert "\x07" not in lines[0] and "Traceback" not in stream.getvalue()


@pytest.mark.urls("tests.config.test_security")
def test_an_error_page_mails_nobody_the_readers_request(client, settings, mailoutbox):
    """Django's default logging mails each 500 to ADMINS with the reader's address, headers and form fields
    (and writes the mail to the log without EMAIL_HOST). ADMINS are set for the ICE check's messages only."""
    settings.ADMINS = [("Operator", "operator@example.org")]
    client.raise_request_exception = False
    response = client.post("/broken/", {"what_is_wrong": "my details"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 500
    assert mailoutbox == []


def test_an_unreadable_form_body_is_logged_as_one_line_and_a_bug_with_its_traceback():
    """A broken multipart body with a well-formed CSRF cookie was a 25-line traceback anyone could send."""
    import io
    import logging

    (handler,) = [h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        client = Client(enforce_csrf_checks=True)  # the CSRF check reads the body, as in production
        client.cookies["csrftoken"] = "A" * 32
        # The one public form (any other page answers 405 before reading a body: config/not_allowed.py).
        form = "/counties/zz/any-county/correction/"
        response = client.generic("POST", form, b"x", content_type="multipart/form-data")
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            "/x",
            exc_info=(RuntimeError, RuntimeError("a bug"), None),
            extra={"status_code": 500},
        )
    finally:
        handler.setStream(old)
    assert response.status_code == 400
    lines = stream.getvalue().splitlines()
    assert lines[0] == f"Bad request (Unable to parse request body): {form}", lines
    assert lines[1:] == ["Internal Server Error: /x", "RuntimeError: a bug"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/"),
        ("post", "/es/"),
        ("options", "/counties/"),
        ("put", "/healthz"),
        ("delete", "/privacy/"),
        ("post", "/counties/?q=dallas"),
        ("patch", "/data/counties.csv"),
    ],
)
def test_a_method_a_page_does_not_take_is_told_in_both_languages(method, url):
    """Django's 405 has no body, and for a POST, PUT or DELETE the CSRF check answered first, with a 403
    asking to send the form again (public pages set no CSRF cookie): wrong on a page with no form. The 405
    comes first now, says why in both languages, keeps the Allow header and carries the strict headers. The
    client checks CSRF, as a browser or a scanner meets the site (the test client skips it by default)."""
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "<h1>This page cannot be used this way</h1>" in html
    assert '<h1 lang="es">Esta página no se puede usar de esta forma</h1>' in html
    assert int(response["Content-Length"]) == len(response.content)
    assert "csrftoken" not in response.cookies
    assert_strict_headers(response)


def test_every_public_view_says_which_methods_it_takes():
    """The early 405 needs each view's methods (counties.methods); a public view written with Django's own
    require_safe would fall back to the CSRF page for a POST. The admin keeps Django's."""
    from django.urls import URLResolver, get_resolver

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from views(pattern.url_patterns)
            else:
                yield pattern.name, pattern.callback

    found = dict(views(get_resolver("config.urls").url_patterns))
    assert {"healthz", "robots", "sitemap", "county", "correction", "data_file", "page"} <= found.keys()
    assert [name for name, view in found.items() if not getattr(view, "allowed_methods", None)] == []
    assert found["correction"].allowed_methods == {"GET", "HEAD", "POST"}
