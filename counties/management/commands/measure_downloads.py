"""Measure the open-data downloads: time, size, rows and peak Python memory per file.

    DEBUG=1 .venv/bin/python manage.py measure_downloads

Each file is fetched through the real view and URL (Django's test client, streamed), once timed without
tracing and once under tracemalloc for the peak memory the response needs. A file that streams keeps
its peak far below its size.
"""

import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from counties.share.opendata import DATASETS


def _fetch(client, url) -> tuple[int, int]:
    response = client.get(url)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines


class Command(BaseCommand):
    help = "Time and peak memory of each open-data file (CSV and JSON), streamed through its view."

    def handle(self, *args, **options):
        client = Client()
        self.stdout.write(f"{'file':<22}{'rows':>8}{'bytes':>12}{'seconds':>10}{'peak MiB':>10}")
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            for name in DATASETS:
                for fmt in ("csv", "json"):
                    url = reverse("share:data_file", args=[name, fmt])
                    started = time.perf_counter()
                    size, lines = _fetch(client, url)
                    seconds = time.perf_counter() - started
                    tracemalloc.start()
                    _fetch(client, url)
                    _current, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                    rows = lines - (1 if fmt == "csv" else 2)
                    self.stdout.write(
                        f"{name + '.' + fmt:<22}{rows:>8}{size:>12}{seconds:>10.2f}{peak / 2**20:>10.1f}"
                    )
