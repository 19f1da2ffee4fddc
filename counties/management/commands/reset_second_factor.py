"""Give an editor a (new) second factor: an authenticator app key and ten recovery codes.

    manage.py reset_second_factor alice              # new app key and new recovery codes
    manage.py reset_second_factor alice --codes-only # new recovery codes; the app stays as it is

Run by the superuser on the server, for a new editor or one who lost their phone (docs/operations.md); the
admin's user page does the same ("Give a new second factor", counties/admin/users.py).
The editor's old devices are removed first, so a lost phone or used-up codes stop working at once,
and so do the sessions they verified.
"""

import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from counties.editors import new_second_factor


class Command(BaseCommand):
    help = "Replace a user's second factor for the admin: a new authenticator app key and recovery codes."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--codes-only", action="store_true", help="Only replace the recovery codes; keep the app."
        )

    def handle(self, *args, username, codes_only=False, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        app, tokens = new_second_factor(user, codes_only=codes_only)
        if app is not None:
            self.stdout.write(
                f"Authenticator app for {username}: scan this code, or enter the link, in the app\n"
                "(any TOTP app: 6 digits, every 30 seconds). Give it to the editor yourself; do not e-mail it.\n"
            )
            picture = io.StringIO()
            segno.make(app.config_url, error="m").terminal(out=picture, compact=True)
            self.stdout.write(picture.getvalue())
            self.stdout.write(app.config_url + "\n")
        self.stdout.write(
            f"Recovery codes for {username} (each works once, in place of the app's code):\n"
            + "\n".join(f"  {token}" for token in tokens)
        )
