"""Every admin login needs a second factor (config/admin.py, django-otp): a correct password alone
gets no admin page; with the code of the editor's authenticator app, or a recovery code, it does."""

import re
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


# --- From the admin (issue 27): a new editor can be given a second factor without the shell. ----------------


def test_a_superuser_gives_a_new_editor_a_second_factor_from_the_admin(client, editor):
    from tests.editors import login_with_second_factor

    boss = User.objects.create_superuser("boss", password="a-long-boss-password-42")
    login_with_second_factor(client, boss)
    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "None: cannot log in" in users  # the new editor: nothing says why they cannot log in, before
    page = client.get(reverse("admin:auth_user_change", args=[editor.pk])).content.decode()
    assert "Give a new second factor (app and codes)" in page and "None: cannot log in" in page
    url = reverse("admin:auth_user_second_factor", args=[editor.pk])
    # The buttons post the user's form to the second-factor page (a form inside that form would be dropped
    # by the browser, and its button would do nothing): each inside the one form, none nested.
    form = page[page.index('id="user_form"') :]
    form = form[: form.index("</form>")]
    assert form.count(f'formaction="{url}"') == 2 and "<form" not in form[1:]
    assert client.get(url).status_code == 405  # POST only
    response = client.post(url, {"what": "app"})
    assert (
        response.status_code == 200
        and response["Cache-Control"].startswith("no-cache")
        or "no-store" in response["Cache-Control"]
    )
    html = response.content.decode()
    app = TOTPDevice.objects.get(user=editor)
    assert "<svg" in html and "otpauth://totp/" in html and app.config_url in html.replace("&amp;", "&")
    codes = [t.token for t in StaticToken.objects.filter(device__user=editor)]
    assert len(codes) == 10 and all(code in html for code in codes)
    # The editor logs in with the app's code from the QR code.
    other = Client()
    assert log_in(other, code=code_now(app)).status_code == 302 and has_admin(other)
    assert "app, 10 recovery codes left" in client.get(reverse("admin:auth_user_changelist")).content.decode()
    # New codes only: the app stays, the old codes stop working.
    client.post(url, {"what": "codes"})
    assert TOTPDevice.objects.get(user=editor) == app
    assert not StaticToken.objects.filter(token__in=codes).exists()


def test_only_a_superuser_may_give_a_second_factor(client, editor):
    from tests.editors import login_with_second_factor

    other_editor = User.objects.create_user("ed2", password=PASSWORD, is_staff=True)
    other_editor.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, other_editor)
    response = client.post(reverse("admin:auth_user_second_factor", args=[editor.pk]), {"what": "app"})
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=editor).exists()


@pytest.mark.parametrize("username", ["a" * 5_000, "otp-editor" + "x" * 200])
def test_a_user_name_too_long_to_be_anyones_is_a_form_error_not_a_500(client, editor, username):
    response = log_in(client, code="123456", username=username)
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert not has_admin(client)


def test_the_login_page_says_what_to_do_when_a_phone_is_lost(client):
    text = client.get(LOGIN).content.decode()
    assert "Lost your phone?" in text and "recovery codes" in text


def test_after_wrong_codes_the_message_says_how_long_to_wait(client, editor, app):
    """django-otp holds a device back after wrong codes (1, 2, 4, 8 seconds...): three wrong codes just now
    mean four seconds, said in plain words (it said "try again soon")."""
    from django.utils import timezone

    app.throttling_failure_count = 3
    app.throttling_failure_timestamp = timezone.now()
    app.save()
    response = log_in(client, code=code_now(app))
    assert response.status_code == 200
    assert re.search(
        r"Too many wrong codes in a row: wait [1-4] seconds?, then enter the code", response.content.decode()
    )
    assert not has_admin(client)
