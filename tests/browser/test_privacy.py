"""Privacy for a reader: the server's log keeps no IP address and no search. (That no page makes a request
off the site or sets a cookie is checked on every page in test_every_page.py.)"""

import re
import time
import urllib.request

import pytest

# django_db: the session test database (with the shipped data) must exist for the site server to read.
pytestmark = pytest.mark.django_db


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
