"""The admin with a second factor at login, and readable names for the second-factor apps in the editors'
admin ("OTP_STATIC" and "OTP_TOTP" meant nothing to an editor; issue 27)."""

from django.contrib.admin.apps import AdminConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class EditorsAdminConfig(AdminConfig):
    """django.contrib.admin with config.admin.EditorsAdminSite (a second factor at login) as admin.site."""

    default_site = "config.admin.EditorsAdminSite"


class RecoveryCodesConfig(StaticConfig):
    """django_otp.plugins.otp_static."""

    verbose_name = "Second factor: recovery codes"


class AuthenticatorAppsConfig(TOTPConfig):
    """django_otp.plugins.otp_totp."""

    verbose_name = "Second factor: authenticator apps"
