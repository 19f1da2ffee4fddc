"""Settings for the 287(g) explainer, read from environment variables.

Defaults are safe for development; with DEBUG off the site refuses to start without SECRET_KEY and
ALLOWED_HOSTS. Every variable is listed, with its default, in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README.md).")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (see README.md).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public site address, used for absolute links (feeds, QR codes, link previews, sitemap).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# ICE's 287(g) page, where its two lists (participating and pending agencies) are linked: the scheduled
# `sync_ice_287g` reads it, and pages cite it for a list whose own address is not known (Snapshot.page_url).
# Past STALE_AFTER_DAYS since the site last confirmed a list, pages say how old their answer is.
ICE_PAGE_URL = os.environ.get("ICE_PAGE_URL", "https://www.ice.gov/identify-and-arrest/287g")
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", 30))

INSTALLED_APPS = [
    "config.apps.EditorsAdminConfig",  # django.contrib.admin, with a second factor at login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "csp",
    "template_partials",
    "simple_history",
    "axes",
    "django_otp",
    "config.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, with a name editors can read
    "config.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "counties",
    "explainer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "counties.early.kept_page_middleware",  # a kept page again, before the rest of the stack (as a static file)
    "config.cookies.no_cookie_on_public_pages",  # outside everything that may add a cookie
    "config.bounded_db.bounded_queries",  # a query waits 4 s at most (a paused database), an editor's after
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.not_allowed.MethodNotAllowedMiddleware",  # a 405 before CSRF, saying why (inside Common)
    "config.cookies.ignore_malformed_csrf_cookie",  # as no cookie: no new one on pages that never use it
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor was given
    "config.bounded_db.unbound_editors",  # an editor known: the admin's queries may run long (an import)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.permissions_policy_middleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.editor_security.AdminNoStoreMiddleware",
    "config.unavailable.DatabaseUnavailableMiddleware",  # 503 + Retry-After while the database is away
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.site",
            ],
        },
    },
]

# Database: any PostgreSQL server through DATABASE_URL; without it, the embedded PostgreSQL.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
    DATABASES["default"]["ENGINE"] = "config.db"  # PostgreSQL, with a bounded connection check
else:
    from config.embedded_pg import database_settings

    PGDATA_DIR = Path(os.environ.get("PGDATA_DIR", BASE_DIR / ".pgdata"))
    DATABASES = {"default": database_settings(PGDATA_DIR.resolve())}
# A server that does not answer makes a page fail in seconds (503, config/unavailable.py), not hang: a
# connection gives up after 3 s, a reader's query after 4 (config/bounded_db.py).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English at /, Spanish under /es/. No language cookie: the URL decides.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Spanish numbers grouped 1,316 as Texas readers write them
USE_I18N = True
TIME_ZONE = "America/Chicago"
USE_TZ = True

# Static files: hashed and compressed, served by WhiteNoise in every environment.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# Security. HTTPS defaults on whenever DEBUG is off; `make run` turns it off for http://127.0.0.1.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)  # one trusted proxy that sets X-Forwarded-For/-Proto
# Where that proxy's requests come from: X-Forwarded-For counts only on a request from one of these ("" is a
# Unix socket, as deploy/ binds the app servers). A request from anywhere else is taken at its own address.
TRUSTED_PROXIES = frozenset(
    address.strip() for address in os.environ.get("TRUSTED_PROXIES", ",127.0.0.1,::1").split(",")
)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline script or style, nothing from another origin. htmx is
# configured for it in base.html. Only views decorated with counties.share.views.framable may be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_AGE = None  # the correction form's only cookie goes when the browser closes (Django: a year)
CSRF_FAILURE_VIEW = "config.views.csrf_failure"  # the correction form keeps the reader's text

# Editors' admin. Logins: django-axes locks out a user name at a client address after 5 failed logins for
# an hour (a success resets the count); only failures are recorded, with the client address, to enforce
# the lockout. The pair, not the address alone, so that one editor's mistyping in an office that shares
# one public address does not lock every other editor out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "counties.clients.client_ip"
AXES_USERNAME_CALLABLE = "config.editor_security.axes_username"  # a name no account has is hashed
# Masked in what axes stores of the login post (the password always is): a code field can hold a pasted secret too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
AXES_CLIENT_STR_CALLABLE = "config.editor_security.axes_client_str"  # its log lines name no address
# Second factor for every admin login (config/admin.py, django-otp): a TOTP app or a recovery code.
OTP_TOTP_ISSUER = "287(g) Explainer"  # the name the editor's authenticator app shows
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key again after it is made
# History of every editor change (django-simple-history): who, when, what, why.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# ICE workbooks uploaded in the admin wait in the database (PendingUpload) until confirmed or cancelled.
ICE_UPLOAD_MAX_BYTES = int(os.environ.get("ICE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
# Public "report a correction" form: at most this many reports per client per hour (keyed on a hash).
# The counts live in the database ("shared" cache, table made by a migration) so every worker sees them.
CORRECTIONS_PER_HOUR = int(os.environ.get("CORRECTIONS_PER_HOUR", 5))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Expired rows are deleted by counties.clients.sweep_expired_counts; Django's own cull (past MAX_ENTRIES)
    # would delete a third of the rows, live counts included, and weaken the limit during a flood.
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "shared_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
# Kept public pages: in each process up to this many bytes, and for every server in the database
# (counties/pagecache.py).
PAGE_CACHE_BYTES = int(os.environ.get("PAGE_CACHE_BYTES", 96 * 1024 * 1024))

# Email: the scheduled check of ICE's site tells the editors (staff in the Editor group with an address) and
# ADMINS when a list's state changes. Without EMAIL_HOST the messages are written to the console (cron mails
# a command's output to its owner).
ADMINS = [
    (address.split("<")[0].strip() or address.strip(), address.split("<")[-1].rstrip(">").strip())
    for address in env_list("ADMINS")
]  # "Name <name@example.org>, other@example.org"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "287g-site@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line": {"()": "config.security.OneLine"},
        "client_errors_one_line": {"()": "config.security.ClientErrorsOneLine"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": {"class": "logging.StreamHandler", "filters": ["one_line"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own default also mails every error page to ADMINS with the reader's address, headers and
        # form fields (and, without EMAIL_HOST, writes that mail to the log): its messages go to the log
        # only, as the rest. ADMINS hear from the scheduled check of ICE's site alone.
        "django": {"handlers": ["console"], "propagate": False},
        # A request the site cannot read (a broken form body: 400) is one line, not a traceback of 2 KB.
        "django.request": {
            "handlers": ["console"],
            "filters": ["client_errors_one_line"],
            "propagate": False,
        },
        # A refused request (DisallowedHost, SuspiciousOperation): one line each (config/security.OneLine).
        "django.security": {"handlers": ["security"], "propagate": False},
    },
}

# Generated downloads (/data/*.csv|json), kept on disk once per data version (counties/pagecache.py).
DATA_EXPORT_DIR = Path(os.environ.get("DATA_EXPORT_DIR", BASE_DIR / ".exports"))
