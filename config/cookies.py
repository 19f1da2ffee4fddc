"""Public pages set no cookie, whatever cookies the request carries.

Only the correction form (its CSRF cookie) and the editors' admin (session, CSRF) may set cookies. Two
pieces keep it so:

- ignore_malformed_csrf_cookie, just before Django's CsrfViewMiddleware: a malformed ``csrftoken``
  cookie (too short, too long, odd characters) is treated as no cookie at all. Django's own middleware answers such a request with a new
  cookie on *every* page, even a page that never uses the token, so a public page marked
  ``Cache-Control: public`` went out with a ``Set-Cookie`` (a shared cache could hand that one token to
  many readers), and the page cache refused to keep it. Now a new token is made only when a page asks for
  one (``{% csrf_token %}``: the correction form, the admin), exactly as for a reader without the cookie.
  A POST with a malformed cookie is refused as before ("CSRF cookie not set").
- no_cookie_on_public_pages: the last guard, outside every middleware that can add a cookie. A response
  marked ``Cache-Control: public`` is one a shared cache may give to anybody, so it must never carry a
  ``Set-Cookie``: any cookie on such a response is dropped (and logged, without its value), and the
  response is no longer marked public. The pages that need a cookie are ``private``/``no-store`` already.
  Outside the editors' admin the session cookie is never set nor cleared either: Django's session
  middleware answers a stale ``sessionid`` with a ``Set-Cookie`` that clears it, on a 404, a redirect or
  /healthz alike (issue 24). Readers get no cookie, whatever they send; only the admin uses sessions.
  Nor a CSRF cookie anywhere but the correction form and the admin (a bad Host header with a malformed
  token got one on its 400: the Host is checked before the token is looked at).
"""

import logging

from django.conf import settings
from django.middleware import csrf
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)


def ignore_malformed_csrf_cookie(get_response):
    def middleware(request):
        cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if cookie is not None and not settings.CSRF_USE_SESSIONS:
            try:
                csrf._check_token_format(cookie)  # the check Django's middleware makes of the cookie
            except csrf.InvalidTokenFormat:
                # As if the reader had no cookie: get_token() makes a new one only for a page that uses it.
                del request.COOKIES[settings.CSRF_COOKIE_NAME]
        return get_response(request)

    return middleware


ADMIN_PREFIX = "/admin/"
CORRECTION_SUFFIX = "/correction/"  # counties:correction, in either language


def no_cookie_on_public_pages(get_response):
    def middleware(request):
        response = get_response(request)
        path = request.path
        if not path.startswith(ADMIN_PREFIX):
            response.cookies.pop(settings.SESSION_COOKIE_NAME, None)
            if not path.endswith(CORRECTION_SUFFIX):  # the one public form, and its 400 and 429 answers
                response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        if response.cookies and "public" in response.get("Cache-Control", ""):
            log.warning(
                "Dropped cookies %s from a public response to %s",
                sorted(response.cookies),
                request.path,
            )
            response.cookies.clear()
            patch_cache_control(response, private=True)  # replaces "public"
        return response

    return middleware
