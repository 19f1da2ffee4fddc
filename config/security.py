"""Security headers that Django does not set by itself, and the one way to make a page framable.

Django's SecurityMiddleware sets HSTS (when HTTPS is on), X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options: DENY; django-csp's
CSPMiddleware sets the Content-Security-Policy from settings.CONTENT_SECURITY_POLICY. This module adds
Permissions-Policy and gives views one decorator for being shown inside other sites' pages.
"""

from functools import wraps

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_exempt

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


def framable(view):
    """Let other sites show this view in an <iframe>: the embed route and nothing else.

    Drops X-Frame-Options and replaces only the CSP frame-ancestors directive (everything else in the
    policy stays as strict as on every other page).
    """

    @wraps(view)
    @xframe_options_exempt
    @csp_replace({"frame-ancestors": ["*"]})
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped
