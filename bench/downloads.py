"""Open-data downloads in-process: time, size, rows and peak Python memory per file (CSV and JSON).

Run after `make setup` (the data loaded into .pgdata/):

    .venv/bin/python bench/downloads.py

Each file is fetched through the real view and URL (Django's test client, streamed), once timed without
tracing and once under tracemalloc for the peak memory the response needs. A file that streams keeps its
peak far below its size. (It was the `measure_downloads` management command until issue 25.)
"""

import time
import tracemalloc

from in_process import configure  # bench/in_process.py (this script's folder is on the import path)

configure()


def _fetch(client, url) -> tuple[int, int]:
    response = client.get(url)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from counties.share.opendata import DATASETS

    client = Client()
    print(f"{'file':<22}{'rows':>8}{'bytes':>12}{'seconds':>10}{'peak MiB':>10}")
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
            print(f"{name + '.' + fmt:<22}{rows:>8}{size:>12}{seconds:>10.2f}{peak / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
