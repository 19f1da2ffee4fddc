"""Editors in tests: logged in as the admin requires (password and second factor)."""


def login_with_second_factor(client, user):
    """Log `user` in as a real admin login leaves them: password checked and a second factor verified.

    The admin lets no staff user in on a password alone (config/admin.py); tests that are about what an
    editor may do, not about logging in, start here. tests/config/test_second_factor.py goes through
    the real login form.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
