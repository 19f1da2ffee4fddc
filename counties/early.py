"""A kept page answered before the rest of the middleware stack, as WhiteNoise answers a static file.

The kept-page decorator (counties/pagecache.py) still decides what a page is and keys it safely; it runs
after twenty middlewares (sessions, locale, CSRF, authentication, the second factor, CSP, htmx...) and a
URL lookup, which cost more than serving the kept bytes. This middleware, right after WhiteNoise, remembers
which kept page answered a request, and answers the same request again with the same bytes and headers:

- "The same request" is exact: the script prefix and path, the raw query string, Accept-Language,
  HX-Request and whether gzip is accepted. Anything rawer than the decorator's key is only more specific,
  never less safe. Only GET requests without a Cookie or If-None-Match header and with an allowed Host
  take this path; the rest (an editor, a revalidation, a bad Host) go through the whole stack as before.
- What it remembers is small and bounded (EARLY_BYTES, least recently used first): the page's
  key in the process's kept pages, the data version it was kept under and the response headers the stack
  added. The bytes stay in the kept pages' own store (bounded by bytes); a page it dropped is a miss here.
  So `?u=1`, `?u=2`... can only push other requests out of this table, never fill memory.
- A request is answered here only while the data version is the one its page was kept under and the page
  is fresh (its date-dependent words hold): otherwise it goes down the stack, which renders or finds the
  right page and teaches this table again.
- It never reads the database: it answers only while the process holds the data version (the watcher
  thread's in an app server's worker, or one read less than a second ago), so a paused database does not
  stall it; otherwise the stack answers, under its time limits.
- The request is remembered as a digest of those parts (a long query string or header costs nothing here),
  and only for the plain htmx header ("HX-Request: true" or none).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.urls import get_script_prefix

from . import pagecache
from .pagestores import ByteLRU

EARLY_BYTES = 4 * 1024 * 1024  # what the remembered requests may weigh per process (about 1 KB each)
# Headers whose values differ per request or that the outer middlewares (SecurityMiddleware) set again.
NOT_REMEMBERED = frozenset({"content-type", "content-length", "date", "server", "set-cookie"})


@dataclass(frozen=True, slots=True)
class Early:
    version: int
    key: str  # the page's key in pagecache.local
    etag: str  # of the page that answered (a page kept again under the same key, on a later day, differs)
    content_type: str
    headers: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        """Roughly what it holds in memory (ByteLRU's bound): its strings and the request's key."""
        return 600 + len(self.key) + sum(len(name) + len(value) for name, value in self.headers)


table = ByteLRU(EARLY_BYTES)  # the kept pages' own store, bounded by what the entries weigh


def _request_key(request) -> bytes | None:
    """The request as this table knows it (a digest: what a reader sends may be long), or None when it
    must go through the whole stack."""
    meta = request.META
    if request.method != "GET" or meta.get("HTTP_COOKIE") or "HTTP_IF_NONE_MATCH" in meta:
        return None
    hx_request = meta.get("HTTP_HX_REQUEST", "")
    if hx_request not in ("", "true") or "HTTP_HX_REQUEST_URI_AUTOENCODED" in meta:
        return None  # an htmx header only a hand-made request sends: the stack reads it as django-htmx does
    if "HTTP_HX_HISTORY_RESTORE_REQUEST" in meta:
        # htmx asking for a whole page on Back (pagecache.wants_fragment): rare, the stack answers it
        return None
    try:
        request.get_host()  # a Host outside ALLOWED_HOSTS gets the stack's answer (400), not a page
    except DisallowedHost:
        return None
    parts = (
        get_script_prefix(),
        request.path,  # SCRIPT_NAME and the path
        meta.get("QUERY_STRING", ""),
        meta.get("HTTP_ACCEPT_LANGUAGE", ""),
        hx_request,
        pagecache.accepts_gzip(request),
    )
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=20).digest()


def _answer(entry: Early, version: int | None) -> HttpResponse | None:
    if version != entry.version:
        return None
    page = pagecache.local.get(entry.key)
    if page is None or page.etag != entry.etag or not page.fresh():
        return None
    response = HttpResponse(page.body, content_type=entry.content_type)
    for name, value in entry.headers:
        response.headers[name] = value
    response.headers["Content-Length"] = str(len(page.body))
    return response


def _learn(request_key: bytes, response) -> None:
    kept = getattr(response, "kept", None)  # set by pagecache when it serves a kept page's body as it is
    if kept is None or response.status_code != 200 or response.cookies or response.streaming:
        return
    key, version, etag = kept
    headers = tuple(
        (name, value) for name, value in response.headers.items() if name.lower() not in NOT_REMEMBERED
    )
    table.put(request_key, Early(version, key, etag, response["Content-Type"], headers))


def kept_page_middleware(get_response):
    def middleware(request):
        request_key = _request_key(request)
        if request_key is None:
            return get_response(request)
        entry = table.get(request_key)
        if entry is not None:
            response = _answer(entry, pagecache.held_data_version())
            if response is not None:
                return response
        response = get_response(request)
        _learn(request_key, response)
        return response

    return middleware
