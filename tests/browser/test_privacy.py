"""Privacy for a reader: no request leaves the site, no cookie is set, the log keeps no IP or search."""

import re
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from .pages import FORM_PAGES, both_languages

# django_db: the session test database (with the shipped data) must exist for the site server to read.
pytestmark = pytest.mark.django_db

PAGE_CASES = [pytest.param(path, status, id=name) for name, path, status in both_languages()]


@pytest.mark.browser
@pytest.mark.parametrize(("path", "status"), PAGE_CASES)
def test_reading_a_page_stays_on_the_site_and_sets_no_cookie(page, site_server, path, status):
    response = page.goto(path)
    assert response.status == status
    page.wait_for_load_state("networkidle")
    own_origin = urlsplit(site_server.url)
    assert len(page.watcher.requests) > 1, "the page, its CSS and its JS are all requested"
    for url in page.watcher.requests:
        parts = urlsplit(url)
        if parts.scheme == "data":
            continue
        assert (parts.scheme, parts.netloc) == (own_origin.scheme, own_origin.netloc), (
            f"third-party request: {url}"
        )
    cookies = page.context.cookies()
    if path.removeprefix("/es") in FORM_PAGES:
        assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [("csrftoken", True, "Lax")]
    else:
        assert cookies == []


def test_access_log_keeps_no_ip_address_and_no_query_string(site_server):
    """The log line of a search shows the path only: no client address, no search text."""
    secret = "zzprivacyprobe"
    url = f"{site_server.url}/?q={secret}&zip=75201"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test server on localhost
        assert response.status == 200
    deadline = time.monotonic() + 10  # gunicorn writes the line just after the response is sent
    while not any('"GET /"' in line for line in site_server.access_log_lines()):
        assert time.monotonic() < deadline, "the request was never logged"
        time.sleep(0.05)
    log = site_server.access_log.read_text()
    assert secret not in log and "75201" not in log
    assert "127.0.0.1" not in log
    assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", log), "no IPv4 address anywhere in the log"
    assert "::1" not in log
