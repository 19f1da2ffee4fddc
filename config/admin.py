"""The editors' admin asks for a second factor at every login (django-otp).

A correct password is not enough: the login form also takes a six-digit code from the editor's
authenticator app (a TOTP device) or one of their single-use recovery codes (a static device), and the
admin treats a staff user whose session was not verified by one of them as not staff at all (every admin
page redirects to the login). Devices are given by a superuser on the user's admin page ("Give a new
second factor": QR code and recovery codes on screen, counties/admin/users.py) or with
`manage.py reset_second_factor USERNAME` (docs/operations.md); either also replaces a lost one.

A wrong code with the right password counts as a failed login for django-axes, like a wrong password:
five for one user name from one address lock that name out from that address for an hour.
"""

import math

from django import forms
from django.contrib.auth.signals import user_login_failed
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class EditorLoginForm(OTPAdminAuthenticationForm):
    otp_token = forms.CharField(
        required=False,
        label="Code",
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Enter the code from your authenticator app (or a recovery code).",
        "invalid_token": (
            "That code is not right. Enter the code your app shows now (each code works once: after using one, "
            "wait for the next), or one of your recovery codes."
        ),
        "device_required": "You have no second factor yet: ask the site's administrator for one.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the user name's max_length after the field is built, so no validator checks it: a
        # longer name went on to django-axes, whose record of the failed login could not store it (a 500).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def _chosen_device(self, user):
        """The device the code is for: six digits are the app's, anything else a recovery code."""
        device = super()._chosen_device(user)
        if device is None:
            token = (self.cleaned_data.get("otp_token") or "").strip()
            model = TOTPDevice if len(token) == 6 and token.isdigit() else StaticDevice
            device = model.objects.devices_for_user(user, confirmed=True).first()
        return device

    def _verify_token(self, user, token, device=None):
        """After wrong codes the device makes the editor wait (1, 2, 4... seconds): say how long, in plain
        words, instead of django-otp's "try again soon"."""
        if device is not None:
            allowed, extra = device.verify_is_allowed()
            until = (extra or {}).get("locked_until")
            if not allowed and until is not None:
                seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
                raise forms.ValidationError(
                    f"Too many wrong codes in a row: wait {seconds} second{'s' if seconds != 1 else ''}, then "
                    "enter the code your app shows at that moment (or one of your recovery codes).",
                    code="throttled",
                )
        return super()._verify_token(user, token, device)

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if self.user_cache is not None and error.code != "token_required":
                # The password was right and the code wrong: a failed login, for django-axes too.
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
            raise


class EditorsAdminSite(OTPAdminSite):
    login_form = EditorLoginForm
    login_template = "admin/editors_login.html"
    # The site's own name, not "Django administration" (issue 27).
    site_header = "287(g) Explainer: editors"
    site_title = "287(g) Explainer editors"
    index_title = "What editors keep"

    def __init__(self, name="admin"):  # OTPAdminSite's own default name would move every admin URL
        super().__init__(name)
