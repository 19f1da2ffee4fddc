"""The search ranking set: 676 queries, each with the county that must come first, made from data.

tests/counties/search/ranking/cases.csv is written by tests/counties/search/ranking/build.py (see its docstring): the 100
largest U.S. cities and every Texas city over 20,000 in GeoNames, by name alone; the four largest places
of every other state and fifty places named like a smaller county elsewhere ("Davie"), by name alone; and
200 ZIP codes, with the expected county from the Census place file in Texas and the HUD ZIP-county shares
elsewhere (else the county of the place's GeoNames point). The
county a search leads to first is that of the first result that leads to a county (a state's own page,
offered first for "Washington", leads to none).
"""

import csv
from collections import Counter
from pathlib import Path

import pytest

from counties.models import County
from counties.search import search

RANKING = Path(__file__).parent / "ranking"
CASES = RANKING / "cases.csv"
MIN_HIT_RATE = 0.98


def load_cases() -> list[dict]:
    with CASES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def first_county(outcome):
    for result in outcome.results:
        if result.counties and not result.business_only:
            return result.counties[0]
    return None


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped")
def test_the_county_that_must_come_first_does_for_98_percent_of_the_ranking_set(capsys):
    fips = dict(County.objects.values_list("id", "fips"))
    cases = load_cases()
    asked, hit = Counter(), Counter()
    misses = []
    for case in cases:
        first = first_county(search(case["query"]))
        found = fips[first.id] if first else None
        ok = found in case["expected_fips"].split()
        for name in case["sets"].split():
            asked[name] += 1
            hit[name] += ok
        if not ok:
            got = f"{first.name}, {first.state_code}" if first else "nothing"
            misses.append(f"  {case['query']!r}: {got} first, expected {case['expected_county']}")
    rate = (len(cases) - len(misses)) / len(cases)
    report = "\n".join(
        [
            f"search ranking set: {len(cases) - len(misses)} of {len(cases)} queries right first ({rate:.1%}); "
            + ", ".join(f"{name} {hit[name]}/{asked[name]}" for name in sorted(asked)),
            *misses,
        ]
    )
    with capsys.disabled():
        print("\n" + report)
    assert len(cases) == 676
    assert asked["us-100"] == 100 and asked["zip"] == 200
    assert asked["every-state"] >= 150 and asked["county-name"] == 50
    assert rate >= MIN_HIT_RATE, report


def test_the_ranking_set_is_what_its_script_makes(tmp_path, monkeypatch):
    """Never edited by hand: build.py, run again on the same data, writes the same file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ranking_build", RANKING / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    monkeypatch.setattr(build, "OUT", tmp_path / "cases.csv")
    build.main()
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8") == CASES.read_text(encoding="utf-8")
