"""Render the pages readers open most, once, into the page cache every server shares (SharedPage).

A kept page is rendered by the first reader who asks for it after the data changes (or, for pages that
count days, after midnight): about 45 ms each, and 6,288 county pages at once (a crawler, an outreach
link sent to many people) queue behind each other. The README's schedule runs this every 5 minutes;
pages already kept for this version and day cost one query each.

A run that kept every page marks the release, data version and day it kept them for, with a row among
the kept pages themselves (so that whatever empties the shared cache takes the mark with it): the next run
for the same ones ends after eight statements (the lock; the correction form's expired counts, closed
reports' old contacts and expired failed sign-ins deleted; the data version, the mark, the unlock), so the
scheduler can run it every few minutes and pages are kept again soon after an editor's save, not hours
later. One run at a time, site-wide (an advisory lock): a run started while another works ends at once.
"""

import time
from datetime import timedelta
from urllib.parse import urlsplit

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from counties import locks, pagecache
from counties.clients import best_effort, sweep_expired_counts
from counties.models import Correction, County, SharedPage, State

KEEP_LOCK = locks.KEEP  # counties/locks.py
DONE_TIMEOUT = int(timedelta(days=2).total_seconds())


def done_key(version: int) -> str:
    """The key of the mark of a run that kept every page of this release, data version and day."""
    return f"keep_pages:done:{pagecache.release()}:{version}:{pagecache.today().isoformat()}"


def is_done(key: str) -> bool:
    return SharedPage.objects.filter(key=key, expires__gt=timezone.now()).exists()


def mark_done(key: str) -> None:
    expires = timezone.now() + timedelta(seconds=DONE_TIMEOUT)
    SharedPage.objects.update_or_create(key=key, defaults={"page": b"", "expires": expires})


def kept_paths() -> list[str]:
    """Home, national, every state and every county page, in each language of the site."""
    paths = []
    counties = County.objects.select_related("state").order_by("state__code", "name")
    states = State.objects.filter(counties__isnull=False).distinct().order_by("code")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths += [reverse("explainer:home"), reverse("counties:national")]
            paths += [state.get_absolute_url() for state in states]
            paths += [county.get_absolute_url() for county in counties]
    return paths


class Command(BaseCommand):
    help = (
        "Render the home, national, state and county pages in both languages into the page cache every "
        "server shares. Run it every few minutes on the scheduler's server: when every page is kept for "
        "this data version and day, it ends at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Ask for every page even if a run already kept them all."
        )

    def handle(self, *args, **options):
        with locks.held_if_free(KEEP_LOCK) as taken:
            if not taken:
                self._say(options, "Another keep_pages is running: nothing to do.")
                return
            # What the site keeps of people, for no longer than the privacy page says: the correction form's
            # counts of hours gone, the contacts of reports closed a while ago, and failed sign-ins past
            # their lockout (django-axes deletes those only when someone next tries to sign in). Pages are
            # kept even when these fail; the run fails at the end (a failed unit under systemd, a mail from
            # cron), saying so with any page that failed.
            problems: list[str] = []
            sweep_expired_counts(problems)
            with best_effort("deleting the contacts of closed reports", problems):
                Correction.objects.forget_contacts()
            with best_effort("deleting failed sign-ins past their lockout", problems):
                AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - get_cool_off()).delete()
            not_done = "Not done (the next run tries again): " + "; ".join(problems)
            try:
                self._keep(options)
            except CommandError as error:
                if problems:
                    raise CommandError(f"{error} {not_done}") from error
                raise
            if problems:
                raise CommandError(not_done)

    def _say(self, options, line: str) -> None:
        """What a run that did nothing says: only when asked (-v 2), so a frequent cron job mails nothing."""
        if options["verbosity"] >= 2:
            self.stdout.write(line)

    def _keep(self, options):
        pagecache.forget_data_version()
        version = pagecache.data_version()
        key = done_key(version)
        if not options["force"] and is_done(key):
            self._say(options, "Every page is already kept for this data version and day: nothing to do.")
            return
        site = urlsplit(settings.SITE_URL)
        client = Client(HTTP_HOST=site.netloc, raise_request_exception=False)  # a failing page is counted
        started = time.monotonic()
        failed = []
        paths = kept_paths()
        for path in paths:
            response = client.get(path, secure=site.scheme == "https")
            if response.status_code != 200:
                failed.append(f"{path}: {response.status_code}")
        seconds = time.monotonic() - started
        self.stdout.write(f"{len(paths) - len(failed)} of {len(paths)} pages kept in {seconds:.0f} s.")
        for line in failed[:20]:
            self.stderr.write(line)
        if failed:
            raise CommandError(
                f"{len(failed)} pages were not kept (is the host of SITE_URL in ALLOWED_HOSTS?); they are "
                "rendered when a reader first asks for them."
            )
        pagecache.forget_data_version()
        if pagecache.data_version() == version:  # nothing changed while the pages were rendered
            mark_done(key)
