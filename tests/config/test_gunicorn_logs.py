"""No reader's address in gunicorn's logs, malformed requests included, and one line per entry
(config/gunicorn_logging.py).

gunicorn wrote "Invalid request from ip=127.0.0.1: ..." to its error log for every malformed request, with
the request line as sent (its query string too); and a path's %0a wrote a line of the sender's own into the
access log.
"""

import logging
import sys

import pytest

from config.gunicorn_logging import HideAddresses, hide_addresses, private_line
from tests.servers import app_server, raw_request

pytestmark = pytest.mark.server

MALFORMED = [
    b"GARBAGE\r\n\r\n",  # invalid request line
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",  # invalid HTTP version
    b"GET / HTTP/1.1\r\nHost: x\r\nBad 203.0.113.77 Header\r\n\r\n",  # invalid header, an address in it
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 2001:db8::7\r\nContent-Length: -1\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",  # request line too long
    b"GET /counties/?q=secret-search\x01 HTTP/1.1\r\nHost: x\r\n\r\n",  # a control byte in the line
    b"GET /counties/?q=mi casa-secreta HTTP/1.1\r\nHost: x\r\n\r\n",  # a space: the rest is the "version"
]
# Well-formed requests whose decoded path holds a line break and a right-to-left override.
FORGING = [
    b"GET /probe%0a[07/Dec/2026:08:00:00%20-0600]%20%22GET%20/forged%22%20200%201%201ms HTTP/1.1\r\n"
    b"Host: localhost\r\n\r\n",
    b"GET /probe%0d%0aFORGED%e2%80%aetxt HTTP/1.1\r\nHost: localhost\r\n\r\n",
]


def test_a_malformed_request_leaves_no_address_in_any_log(tmp_path):
    with app_server(tmp_path) as server:
        for request in MALFORMED:
            answer = raw_request(server.url, request)
            assert answer.startswith(b"HTTP/1.1 4"), answer[:80]
        for request in FORGING:
            assert raw_request(server.url, request).startswith(b"HTTP/1.1 404"), request
    logs = server.logs()
    assert "Invalid request from ip=[address]" in logs  # the errors are logged ...
    lines = [line for line in logs.splitlines() if "Listening at: " not in line]  # (the server's own)
    for address in ("127.0.0.1", "203.0.113.77", "2001:db8::7"):  # ... with no client address
        assert not [line for line in lines if address in line], address
    for words in ("secret-search", "casa-secreta"):  # ... and no search text
        assert words not in logs, words
    assert "[request]" in logs
    # Each request is one line, its line break and override written as escapes.
    assert not [
        line for line in lines if line.startswith(("FORGED", '[07/Dec/2026:08:00:00 -0600] "GET /forged'))
    ]
    assert "\u202e" not in logs and "\r" not in logs
    assert '"GET /probe\\r\\nFORGED\\u202etxt" 404' in logs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invalid request from ip=203.0.113.7: bad", "Invalid request from ip=[address]: bad"),
        ("Invalid request from ip=::1: bad", "Invalid request from ip=[address]: bad"),  # gunicorn's IPv6
        ("Invalid request from ip=2001:db8::7: bad", "Invalid request from ip=[address]: bad"),
        ("from [2001:db8::1]:443 and ::1", "from [[address]]:443 and [address]"),
        ("proxy ::ffff:192.0.2.1 fe80::1%eth0", "proxy [address] [address]"),
        ("from ::1. Then 192.0.2.1.", "from [address]. Then [address]."),
        ("at 09:51:30 +0000, pid 12:34", "at 09:51:30 +0000, pid 12:34"),  # times are not addresses
        ("version 1.2.3 of 2026-12-01", "version 1.2.3 of 2026-12-01"),
    ],
)
def test_addresses_are_hidden_and_nothing_else(text, expected):
    assert hide_addresses(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"GET /a\nFAKE\tx" 404', '"GET /a\\nFAKE\\tx" 404'),
        ('"GET /a\u202eb\u200bc\x00\x85" 404', '"GET /a\\u202eb\\u200bc\\x00\\x85" 404'),
        ('"GET /es/condado/peña-ñ" 200', '"GET /es/condado/peña-ñ" 200'),  # letters stay as they are
        (
            "Invalid request from ip=192.0.2.9: Invalid HTTP request line: 'GET /counties/?q=mi casa HTTP/1.1'",
            "Invalid request from ip=[address]: Invalid HTTP request line: '[request]'",
        ),
        (
            "Invalid request from ip=::1: Invalid HTTP Version: 'casa HTTP/1.1'",
            "Invalid request from ip=[address]: Invalid HTTP Version: '[request]'",
        ),
        (
            'Invalid request from ip=192.0.2.9: Invalid HTTP request line: "GET /?q=o\'brien HTTP/1.1"',
            'Invalid request from ip=[address]: Invalid HTTP request line: "[request]"',
        ),
        ("Error handling request GET /counties/?q=mi casa", "Error handling request GET /counties/?[query]"),
        ("Listening at: http://127.0.0.1:8000 (7)", "Listening at: http://127.0.0.1:8000 (7)"),
    ],
)
def test_each_message_is_one_private_line(text, expected):
    assert private_line(text) == expected


def test_the_filter_hides_addresses_in_arguments_and_tracebacks():
    try:
        raise ValueError("peer 198.51.100.4 closed")
    except ValueError:
        record = logging.LogRecord("gunicorn.error", logging.ERROR, "", 0, "from %s", ("198.51.100.4",), None)
        record.exc_info = sys.exc_info()
    assert HideAddresses().filter(record)
    formatted = logging.Formatter().format(record)
    assert "198.51.100.4" not in formatted and "from [address]" in formatted
