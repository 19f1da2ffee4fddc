"""Security headers that Django does not set by itself.

Django's SecurityMiddleware sets HSTS (when HTTPS is on), X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options: DENY; django-csp's
CSPMiddleware sets the Content-Security-Policy from settings.CONTENT_SECURITY_POLICY. This module adds
Permissions-Policy. (The one page other sites may frame says so itself: counties.share.views.framable.)
"""

# Powerful browser features the site never uses, switched off for it and for anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def permissions_policy_middleware(get_response):
    """Add Permissions-Policy to every response the site makes (pages, downloads, errors)."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


class OneLine:
    """A logging filter for django.security: a refused request (a bad Host header, a suspicious file name)
    is one short line, not a traceback of about 1 KB per request anyone can send (issue 24). The message
    keeps its first 200 characters, control characters shown escaped."""

    LIMIT = 200

    def filter(self, record):
        message = record.getMessage()
        if len(message) > self.LIMIT:
            message = message[: self.LIMIT] + "…"
        record.msg = (
            message.encode("unicode_escape").decode("ascii") if not message.isprintable() else message
        )
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class ClientErrorsOneLine(OneLine):
    """For django.request: a request the site cannot read (a broken form body, 400) or refuses (403) is
    one line like the others; a 500 keeps its traceback, which is what fixes the bug."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            return super().filter(record)
        return True
