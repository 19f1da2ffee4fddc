"""Which HTTP methods a public view takes, written on the view so that the answer to any other comes first.

Django's `require_safe` and `require_http_methods` answer 405 from inside the view, so for a POST, PUT or
DELETE the CSRF check ran first and answered 403 with the page that asks to send the form again (public
pages set no CSRF cookie): wrong on a page that has no form. These do the same and note the methods on
the view (`allowed_methods`, carried through `functools.wraps` by the decorators above them); the
middleware config.not_allowed answers 405 before CSRF runs. Every public view uses them (a test walks the
URLs); the admin's views keep Django's own.
"""

from django.views.decorators.http import require_http_methods


def allow(*methods: str):
    def decorator(view):
        checked = require_http_methods(list(methods))(view)
        checked.allowed_methods = frozenset(methods)
        return checked

    return decorator


require_safe = allow("GET", "HEAD")
