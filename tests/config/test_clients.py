"""Whose address a request is (counties/clients.py): X-Forwarded-For counts only from the trusted proxy."""

import pytest
from django.test import RequestFactory

from counties.clients import client_ip, client_key


@pytest.mark.parametrize(
    ("behind_proxy", "remote", "forwarded", "expected"),
    [
        (False, "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no proxy: the header is anyone's words
        (True, "127.0.0.1", "203.0.113.1, 198.51.100.9", "198.51.100.9"),  # nginx's own hop, the last one
        (True, "", "198.51.100.9", "198.51.100.9"),  # nginx on the app server's Unix socket
        (True, "203.0.113.50", "198.51.100.9", "203.0.113.50"),  # straight to the app server: not trusted
        (True, "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_forwarded_address_counts_only_from_the_trusted_proxy(
    settings, behind_proxy, remote, forwarded, expected
):
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_forged_header_from_elsewhere_cannot_change_the_rate_limit_key(settings):
    """A different X-Forwarded-For per request defeated the login lockout and the corrections limit when the
    app port was reachable (issue 24)."""
    settings.BEHIND_PROXY = True
    keys = {
        client_key(
            RequestFactory().get("/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), "x"
        )
        for i in range(5)
    }
    assert len(keys) == 1
