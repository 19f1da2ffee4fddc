"""Reading pages in tests as a reader sees them."""

import gzip
import html
import re
import wsgiref.util

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def page_text(response) -> str:
    """The page's words: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<[^>]*>", "", response.content.decode())
    return " ".join(html.unescape(body).split())


def wsgi_get(path: str, script_name: str = "") -> tuple[str, bytes]:
    """A GET through Django's WSGI handler, as gunicorn calls it (the test client leaves reverse()'s script
    prefix alone; the handler sets it from SCRIPT_NAME): the status line and the unpacked body."""
    environ = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": script_name, "PATH_INFO": path.partition("?")[0]}
    environ["QUERY_STRING"] = path.partition("?")[2]
    environ["HTTP_ACCEPT_ENCODING"] = "gzip"
    wsgiref.util.setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    answered = {}
    # As the test client does: the test's transaction stays open across the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(
            environ, lambda status, headers: answered.update(status=status, headers=headers)
        )
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    encoding = dict(answered["headers"]).get("Content-Encoding")
    return answered["status"], gzip.decompress(body) if encoding == "gzip" else body
