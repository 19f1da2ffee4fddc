"""Every admin login needs a second factor (config/admin.py, django-otp): a correct password alone
gets no admin page; with the code of the editor's authenticator app, or a recovery code, it does."""

import time

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:counties_county_changelist")
PASSWORD = "a-long-editor-password-42"


def code_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def editor():
    user = User.objects.create_user("otp-editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def app(editor):
    return TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)


def log_in(client, code=None, username="otp-editor", password=PASSWORD, address="192.0.2.50"):
    data = {"username": username, "password": password, "next": INDEX}
    if code is not None:
        data["otp_token"] = code
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def has_admin(client) -> bool:
    return client.get(CHANGELIST).status_code == 200


def test_a_correct_password_without_the_second_factor_gets_no_admin_page(client, app):
    response = log_in(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app" in response.content.decode()
    assert not has_admin(client)
    assert client.get(INDEX).status_code == 302  # to the login page
    response = log_in(client, code="000000" if code_now(app) != "000000" else "111111")
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not has_admin(client)


def test_the_password_and_the_apps_code_get_the_admin(client, app):
    code = code_now(app)
    response = log_in(client, code=code)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert has_admin(client)
    # The same code again (another browser, still inside its window) is refused: a code works once. (The
    # code is kept, not asked for again: a 30-second step may have begun, with a new code that is valid.)
    other = Client()
    assert log_in(other, code=code).status_code == 200
    assert not has_admin(other)


def test_a_session_without_a_verified_device_is_not_let_in(client, editor, app):
    """A staff user logged in by password alone (as force_login does) is treated as not staff."""
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 302
    assert client.get(INDEX).status_code == 302


def test_a_recovery_code_works_once(client, editor, app):
    out = call_command_output("reset_second_factor", "otp-editor", "--codes-only")
    codes = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=editor) == app  # the app is kept
    assert log_in(client, code=codes[0]).status_code == 302
    assert has_admin(client)
    again = Client()
    assert log_in(again, code=codes[0]).status_code == 200
    assert not has_admin(again)
    assert StaticToken.objects.filter(device__user=editor).count() == 9


def call_command_output(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reset_replaces_a_lost_device_and_its_sessions_stop_working(client, editor, app):
    assert log_in(client, code=code_now(app)).status_code == 302
    assert has_admin(client)
    out = call_command_output("reset_second_factor", "otp-editor")
    new = TOTPDevice.objects.get(user=editor)
    assert new.pk != app.pk and not TOTPDevice.objects.filter(pk=app.pk).exists()
    assert new.config_url in out and "otpauth://totp/" in out and "287%28g%29%20Explainer" in out
    assert len(StaticToken.objects.filter(device__user=editor)) == 10
    assert not has_admin(client)  # the session verified by the lost phone is let in no more
    fresh = Client()
    assert log_in(fresh, code=code_now(new)).status_code == 302
    assert has_admin(fresh)


def test_reset_names_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named"):
        call_command("reset_second_factor", "nobody-here")


def test_wrong_codes_count_as_failed_logins_for_the_lockout(client, editor, app):
    """Five wrong codes with the right password lock the name out at that address, as five wrong
    passwords do; the right code is then refused too."""
    statuses = [log_in(client, code=f"{n:06d}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert log_in(client, code=code_now(app)).status_code == 429
    assert not has_admin(client)
    # Another address is not locked out by this one's failures. (The app's codes may be held back for
    # a second or two after wrong ones: django-otp's throttle, per device. A recovery code is not.)
    other = Client()
    codes = call_command_output("reset_second_factor", "otp-editor", "--codes-only").split()[-10:]
    assert log_in(other, code=codes[0], address="198.51.100.7").status_code == 302
    assert has_admin(other)


def test_a_staff_user_without_any_device_cannot_log_in(client, editor):
    response = log_in(client, code="123456")
    assert response.status_code == 200
    assert "administrator for one" in response.content.decode()
    assert not has_admin(client)
    assert not StaticDevice.objects.filter(user=editor).exists()
