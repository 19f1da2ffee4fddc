"""What the app server takes from a request's headers (config/gunicorn.conf.py).

gunicorn sets SCRIPT_NAME and PATH_INFO from request headers of that name when the request comes from a
trusted forwarder, which by default is 127.0.0.1 (and a unix socket). A local client, or a proxy that
passes underscored headers, could then move every link of a page under another prefix, and that page was
kept for every reader (found by an attack pass). The site takes neither header.
"""

import pytest

from tests.servers import app_server, raw_request

pytestmark = pytest.mark.server


def test_a_script_name_header_is_not_taken_from_a_local_client(tmp_path):
    with app_server(tmp_path) as server:
        asked = b"GET /evil/robots.txt HTTP/1.1\r\nHost: localhost\r\nSCRIPT_NAME: /evil\r\nConnection: close\r\n\r\n"
        assert raw_request(server.url, asked).startswith(b"HTTP/1.1 404"), "the header moved the site"
        plain = (
            b"GET /robots.txt HTTP/1.1\r\nHost: localhost\r\nPATH_INFO: /evil/\r\nConnection: close\r\n\r\n"
        )
        answer = raw_request(server.url, plain)
        assert answer.startswith(b"HTTP/1.1 200") and b"Sitemap:" in answer and b"/evil" not in answer
