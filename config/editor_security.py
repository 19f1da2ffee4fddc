"""Small pieces that keep the editors' admin safe and the public pages private.

- AdminNoStoreMiddleware: every response under the admin (pages, redirects, errors, the login form)
  says `Cache-Control: no-store, private`, so no CDN or shared cache ever keeps an editor's page.
- The client's address for django-axes' lockout, and the keyed hash of it for rate limits, are
  counties.clients (an app's module: apps do not import this project package).
- axes_username(...): the user name django-axes records and logs for a login: the login form's (cleaned)
  name when it is an account's, else a keyed hash of it. Editors paste a password into the name field by
  mistake; it must land in no log and no table, while five tries with the same unknown name still lock
  it out. (What axes keeps of the login post masks the name and the code field: AXES_SENSITIVE_PARAMETERS.)
- axes_client_str(...): how django-axes names a client in its log lines: that user name only, never the
  address (it keeps the address in the database to enforce the lockout, and that is all).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.crypto import salted_hmac


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


def axes_username(request, credentials=None) -> str | None:
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    # Every login goes through authenticate() with the form's cleaned credentials; the raw post is only
    # axes' fallback for a caller that gives none.
    typed = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    if not typed:
        return typed
    user_model = get_user_model()
    if len(typed) <= user_model._meta.get_field(user_model.USERNAME_FIELD).max_length and (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: typed}).exists()
    ):
        return typed
    return f"(no such user {salted_hmac('config.editor_security.axes_username', typed).hexdigest()[:12]})"


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    return f"{{username: {username!r}, path_info: {path_info!r}}}"
