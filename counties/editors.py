"""What an editor may do, in one list: the permissions of the Editor group (the admin, counties/admin/).

Editors change what ICE's lists cannot say (a county's jail status, an agency's counties, an agreement's
corrected date or links), add sources and events, and answer readers' corrections; they view the rest and
delete nothing but a county row of an agency (with a reason, kept in the agency's history). Migrations set
the group as it was when each ran (0004, 0010, 0013, 0016, 0025, each adding to
the one before); a change here needs a migration that sets the group again, and
tests/counties/admin/test_editors_admin.py fails until the migrations and this list agree.
"""

EDITOR_GROUP = "Editor"

EDITOR_PERMISSIONS = sorted(
    [
        # places and reference data
        "view_state", "view_county", "change_county", "view_referenceload",
        # agencies, their counties and names, agreements, requests, changes
        "view_agency", "change_agency", "view_agencyname",
        "view_agencycounty", "add_agencycounty", "change_agencycounty", "delete_agencycounty",
        "view_agreement", "change_agreement", "view_request", "view_change",
        # ICE's lists: view them, upload a new one; the checks of ICE's site
        "view_snapshot", "add_snapshot", "view_snapshotdata", "view_syncrun",
        # editorial: sources, events, readers' corrections
        "view_source", "add_source", "change_source", "view_event", "add_event", "change_event",
        "view_correction", "change_correction",
    ]
)  # fmt: skip


RECOVERY_CODES = 10


def new_second_factor(user, *, codes_only: bool = False):
    """Give `user` a new second factor: ten recovery codes and (unless `codes_only`) a new authenticator
    app key. The old ones are removed first, so a lost phone or used-up codes stop working at once (and so
    do the sessions they verified). Returns (the app's TOTP device or None, the codes): shown once, to
    the superuser who gives them (the admin's user page, or `manage.py reset_second_factor`)."""
    from django.db import transaction
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        codes = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=codes, token=t) for t in tokens)
        app = None
        if not codes_only:
            TOTPDevice.objects.filter(user=user).delete()
            app = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return app, tokens


def second_factor_summary(user) -> str:
    """What the user list says of a user's second factor: without one, nobody can log in to the admin."""
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    app = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    if not app and not codes:
        return "None: cannot log in"
    parts = ["app"] if app else []
    parts.append(f"{codes} recovery code{'s' if codes != 1 else ''} left")
    return ", ".join(parts)
