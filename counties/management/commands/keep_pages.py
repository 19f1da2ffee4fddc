"""Render the pages readers open most, once, into the page cache every server shares (SharedPage).

A kept page is rendered by the first reader who asks for it after the data changes (or, for pages that
count days, after midnight): about 20 ms each, and 6,288 county pages at once (a crawler, an outreach
link sent to many people) queue behind each other. Run after the data changes and just after midnight
(the README's schedule); pages already kept for this version and day cost one query each.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from counties.models import County, State


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
        "server shares. Run it after the data changes and just after midnight, on the scheduler's server."
    )

    def handle(self, *args, **options):
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
