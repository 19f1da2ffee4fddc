"""Send the gzip copy of a kept page (counties/pagecache.py) to browsers that accept gzip.

A page is compressed once, when it is rendered and kept, not on every request: a reader on a slow phone
connection gets the home page in a fifth of its bytes (22 KB of 101 KB) and the Texas table in a seventh
(28 KB of 196 KB), and the server does no more work for it.
Responses without a kept gzip copy (forms with a CSRF token, errors, admin pages) are sent as they are.
"""

from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers


def precompressed_page_middleware(get_response):
    def middleware(request):
        response = get_response(request)
        compressed = getattr(response, "gzip_content", None)
        if compressed is None or response.status_code != 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        response.content = compressed
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(compressed))
        # Another representation of the same page: the ETag becomes weak (RFC 9110 8.8.1), which still
        # matches If-None-Match, so a browser that has the page gets its 304.
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response["ETag"] = "W/" + etag
        return response

    return middleware
