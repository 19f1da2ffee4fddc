"""Measure the lookup: search speed (index build, per query) and queries and bytes per page.

    DEBUG=1 .venv/bin/python manage.py measure_lookup

Reads the current database (run it after loading the data); changes nothing.
"""

import gzip
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from counties import search

QUERIES = [
    "Dallas",
    "dalas",
    "Tarant",
    "LaSalle",
    "De Witt Co.",
    "75201",
    "76092-1234",
    "Fort Worth",
    "harris",
    "zzzz",
]
PAGES = [
    "/",
    "/counties/?q=Dallas",
    "/counties/?q=76092",
    "/counties/tx/",
    "/counties/tx/?model=task-force&sort=population",
    "/counties/ca/",
    "/counties/national/",
    "/counties/tx/dallas-county/",
    "/counties/tx/denton-county/",
    "/counties/tx/loving-county/",
    "/es/counties/tx/tarrant-county/",
]


class Command(BaseCommand):
    help = "Time the search and count queries and bytes per lookup page."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="Timed runs per search query.")

    def handle(self, *args, runs, **options):
        started = time.perf_counter()
        search.get_index()
        self.stdout.write(f"search index built in {(time.perf_counter() - started) * 1000:.0f} ms")
        self.stdout.write(f"{'query':<16} {'median ms':>9} {'max ms':>7}  results")
        for query in QUERIES:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                outcome = search.search(query)
                times.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{query:<16} {statistics.median(times):>9.1f} {max(times):>7.1f}  {len(outcome.results)}"
            )
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
        client = Client(HTTP_HOST=host if host != "*" else "localhost")
        self.stdout.write(f"\n{'page':<48} {'status':>6} {'queries':>7} {'bytes':>7} {'gzip':>6} {'ms':>6}")
        for path in PAGES:
            client.get(path)  # warm caches (search index, map shapes)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            body = response.content
            self.stdout.write(
                f"{path:<48} {response.status_code:>6} {len(queries):>7} {len(body):>7} "
                f"{len(gzip.compress(body)):>6} {elapsed:>6.0f}"
            )
