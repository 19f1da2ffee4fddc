"""A county page's first render, in-process: what a reader pays when nothing is kept (after a change of the
data, before `manage.py keep_pages` has run).

Run after `make setup` (the data loaded into .pgdata/):

    .venv/bin/python bench/render.py            # every Texas county page, in English
    .venv/bin/python bench/render.py --rounds 3 # the walk three times, the figures of each

Each page is fetched through Django's test client with the page cache emptied first (here and in the
database), so each one is rendered, its copy compressed and written to the shared cache, as on a server.
DEBUG is off, as in production. Prints per page: median, mean and p95 in ms, and the database's share:
the time spent in statements (planning and running them, and their round trips) and in commits (the
shared copy's write is committed in its own transaction). The rest is Python: the ORM building the queries and the templates.

Measured on this project's machine (2 cores, shared), 254 Texas county pages, 2026-12-01, two rounds a
run, runs interleaved (after, before, after, before), commits counted:

| figure | before | after: the shared copy's commit does not wait for the disk |
|---|---:|---:|
| median, ms | 41.0, 49.8, 36.7, 43.7 | 42.8, 40.2, 39.9, 34.4 |
| p95, ms | 53.1, 63.7, 54.1, 55.9 | 58.2, 57.4, 55.1, 47.6 |
| in the database, ms a page (mean) | 14.3 to 18.0 | 12.6 to 15.3 |

On an idle disk the difference is within the noise. It matters when the disk is busy: in a profile taken
while another job wrote to the same disk, the write of a page's shared copy waited 9.8 ms a page for the
flush (0.7 ms after). About a third of a first render is the database (12 statements, mostly planning
the joins); the rest is Python (the ORM building the queries, the templates).
"""

import argparse
import statistics
import time

from in_process import configure  # bench/in_process.py (this script's folder is on the import path)

configure()


def walk(client, paths: list[str]) -> tuple[list[float], list[float]]:
    from django.db import connection

    from counties import pagecache

    pagecache.clear()
    totals, in_queries = [], []
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    commit = connection.commit  # a transaction's COMMIT (where a write waits for the disk) is no statement

    def timed_commit():
        started = time.perf_counter()
        try:
            commit()
        finally:
            spent[0] += time.perf_counter() - started

    connection.commit = timed_commit
    with connection.execute_wrapper(timed):
        for path in paths:
            spent[0] = 0.0
            started = time.perf_counter()
            response = client.get(path)
            totals.append((time.perf_counter() - started) * 1000)
            in_queries.append(spent[0] * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
    del connection.commit
    return totals, in_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--state", default="TX")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from counties.models import County

    counties = County.objects.filter(state__code=args.state).select_related("state").order_by("name")
    paths = [county.get_absolute_url() for county in counties]
    client = Client()
    walk(client, paths[:5])  # templates compiled, the translation catalogue read, connections open
    for round_number in range(1, args.rounds + 1):
        totals, in_queries = walk(client, paths)
        p95 = statistics.quantiles(totals, n=20)[-1]
        print(
            f"round {round_number}: {len(paths)} pages, median {statistics.median(totals):.1f} ms, "
            f"mean {statistics.mean(totals):.1f} ms, p95 {p95:.1f} ms; "
            f"in queries {statistics.mean(in_queries):.1f} ms a page (mean)"
        )


if __name__ == "__main__":
    main()
