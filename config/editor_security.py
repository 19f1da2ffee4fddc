"""Small pieces that keep the editors' admin safe and the public pages private.

- AdminNoStoreMiddleware: every response under the admin (pages, redirects, errors, the login form)
  says `Cache-Control: no-store, private`, so no CDN or shared cache ever keeps an editor's page.
- client_ip(request): the client's address as this server sees it (behind one trusted proxy when
  BEHIND_PROXY is on), used by django-axes for login lockout.
- client_key(request): a keyed hash of that address for rate limits, so no raw address is ever stored.
- axes_client_str(...): how django-axes names a client in its log lines: the user name only, never the
  address (it keeps the address in the database to enforce the lockout, and that is all).
"""

import hashlib
import hmac

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class AdminNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            prefix = reverse("admin:index", urlconf=getattr(request, "urlconf", None))
        except NoReverseMatch:  # a URLconf without the admin (some tests)
            return response
        if request.path.startswith(prefix):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def client_ip(request) -> str | None:
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The trusted proxy appends the address it saw: the last entry is the only one it vouches for.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def client_key(request, purpose: str) -> str:
    message = f"{purpose}:{client_ip(request) or 'unknown'}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    return f"{{username: {username!r}, path_info: {path_info!r}}}"
