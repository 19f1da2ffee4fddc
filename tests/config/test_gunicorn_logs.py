"""No reader's address in gunicorn's logs, malformed requests included (config/gunicorn_logging.py).

gunicorn wrote "Invalid request from ip=127.0.0.1: ..." to its error log for every malformed request.
"""

import logging
import sys

import pytest

from config.gunicorn_logging import HideAddresses, hide_addresses
from tests.servers import app_server, raw_request

pytestmark = pytest.mark.server

MALFORMED = [
    b"GARBAGE\r\n\r\n",  # invalid request line
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",  # invalid HTTP version
    b"GET / HTTP/1.1\r\nHost: x\r\nBad 203.0.113.77 Header\r\n\r\n",  # invalid header, an address in it
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 2001:db8::7\r\nContent-Length: -1\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",  # request line too long
]


def test_a_malformed_request_leaves_no_address_in_any_log(tmp_path):
    with app_server(tmp_path) as server:
        for request in MALFORMED:
            answer = raw_request(server.url, request)
            assert answer.startswith(b"HTTP/1.1 4"), answer[:80]
    logs = server.logs()
    assert "Invalid request from ip=[address]" in logs  # the errors are logged ...
    lines = [line for line in logs.splitlines() if "Listening at: " not in line]  # (the server's own)
    for address in ("127.0.0.1", "203.0.113.77", "2001:db8::7"):  # ... with no client address
        assert not [line for line in lines if address in line], address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invalid request from ip=203.0.113.7: bad", "Invalid request from ip=[address]: bad"),
        ("from [2001:db8::1]:443 and ::1", "from [[address]]:443 and [address]"),
        ("proxy ::ffff:192.0.2.1 fe80::1%eth0", "proxy [address] [address]"),
        ("from ::1. Then 192.0.2.1.", "from [address]. Then [address]."),
        ("at 09:51:30 +0000, pid 12:34", "at 09:51:30 +0000, pid 12:34"),  # times are not addresses
        ("version 1.2.3 of 2026-12-01", "version 1.2.3 of 2026-12-01"),
    ],
)
def test_addresses_are_hidden_and_nothing_else(text, expected):
    assert hide_addresses(text) == expected


def test_the_filter_hides_addresses_in_arguments_and_tracebacks():
    try:
        raise ValueError("peer 198.51.100.4 closed")
    except ValueError:
        record = logging.LogRecord("gunicorn.error", logging.ERROR, "", 0, "from %s", ("198.51.100.4",), None)
        record.exc_info = sys.exc_info()
    assert HideAddresses().filter(record)
    formatted = logging.Formatter().format(record)
    assert "198.51.100.4" not in formatted and "from [address]" in formatted
