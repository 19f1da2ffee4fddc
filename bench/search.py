"""Search speed in-process: a few thousand different queries against the loaded database.

Run after `make setup` (the data loaded into .pgdata/):

    .venv/bin/python bench/search.py

It times, on the same fixed list of queries (built from the database, the same on every run: every Texas
county, Texas places, ZIP codes, county names of other states, USPS city names, one-letter typos, the
first letters of a name as typed, and queries with a state, a ZIP code or extra words):
- building the in-memory index once (what each process pays on its first search);
- `counties.search.search(q)` alone, each query once;
- the whole search page (`GET /counties/?q=...`, and the htmx fragment) through Django's test client, with
  the rendered-page cache emptied first, so each query is rendered, as the first reader of it makes it.
DEBUG is off, as in production. Nothing is written to the database.

Measured on this project's machine (2 cores shared with two other engineers' work), 2,818 queries, the
code before and after issue 14 run in turn (`git checkout a31fe96 -- counties/search.py
templates/counties/search.html`, then back), on 2026-12-01; the pair run at the lowest load (load average
about 2):

| figure | before (a31fe96) | after |
|---|---:|---:|
| index build, once per process | 0.11 s | 0.54 s |
| search() median / mean / p95 | 0.36 / 1.33 / 5.04 ms | 0.05 / 0.16 / 0.21 ms |
| whole page median / mean / p95 | 6.00 / 6.60 / 11.54 ms | 5.53 / 6.96 / 14.28 ms |
| htmx fragment median / mean / p95 | 3.82 / 4.18 / 7.01 ms | 3.30 / 4.34 / 9.55 ms |
| queries that found something | 2,558 | 2,818 |

Two more pairs, at load averages of 3 to 8, kept the same order: search() about seven times faster at the
median and fifteen times at p95 (a prefix is found by bisection in the sorted names, not by reading all of
them; a city of another state is in memory, not a query), and pages within the noise of each other (page
median 7.85 / 7.77 ms before, 7.09 / 6.60 ms after). Rendering the results is most of a page's cost. The
index now also holds every USPS city, ZIP code and agency: 0.5 s once per process (0.11 s before), paid
by the first search a worker answers.
"""

import statistics
import time

from in_process import configure  # bench/in_process.py (this script's folder is on the import path)

configure()


def queries() -> list[str]:
    from counties.models import County, Place, ZipCode

    texas = list(
        County.objects.filter(state__code="TX").order_by("name").values_list("short_name", flat=True)
    )
    others = list(
        County.objects.exclude(state__code="TX").order_by("fips").values_list("name", "state__code")
    )
    places = list(Place.objects.order_by("geoid").values_list("name", flat=True))
    zips = list(ZipCode.objects.order_by("code").values_list("code", "city", "state__code"))
    out: list[str] = []
    out += texas  # 254
    out += places[::3]  # 620
    out += [code for code, _city, _state in zips[::80]]  # 492
    out += [name for name, _state in others[::6]]  # 482
    out += [f"{city.title()}" for _code, city, _state in zips[7::97]]  # 406: USPS city names
    out += [f"{name}, {state}" for name, state in others[3::30]]  # 97
    out += [name[:2] + name[3:] for name in texas[::2] if len(name) > 5]  # typos
    out += [name[:4] for name in places[1::9]]  # as typed
    out += [f"{city.title()} {state} {code}" for code, city, state in zips[5::400]]
    out += [f"{name} county sheriff" for name in texas[1::4]]
    out += ["Dallas, TX", "condado de Harris", "Harris Co.", "dallas county tx", "Keller police", "DPS"]
    return out


def timings(label: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95)]
    return (
        f"{label}: median {statistics.median(values):.2f} ms, mean {statistics.fmean(values):.2f} ms, "
        f"p95 {p95:.2f} ms"
    )


def main():
    import django

    django.setup()
    from django.test import Client

    from counties import pagecache
    from counties import search as search_module  # the package: search() and get_index()

    qs = queries()
    print(f"{len(qs)} queries")
    started = time.perf_counter()
    search_module.get_index(fresh=True)
    print(f"index build: {time.perf_counter() - started:.2f} s")

    found = 0
    durations = []
    for q in qs:
        started = time.perf_counter()
        outcome = search_module.search(q)
        durations.append((time.perf_counter() - started) * 1000)
        found += bool(outcome.results)
    print(timings("search()", durations) + f"; {found} of {len(qs)} found something")

    client = Client()
    for label, headers in (("page", {}), ("htmx fragment", {"HX-Request": "true"})):
        pagecache.local.clear()  # search results are kept in this process only
        durations = []
        for q in qs:
            started = time.perf_counter()
            response = client.get("/counties/", {"q": q}, headers=headers)
            durations.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        print(timings(label, durations))


if __name__ == "__main__":
    main()
