"""Search results name every agreement that covers a city or a ZIP code (counties/coverage.py, issue 26):
the city's own agencies first, then the county's sheriff, then the count of the others, with a link; the
same in the htmx fragment, the page without JavaScript and the Spanish page; one query for all of it."""

import pytest
from django.db.models import Q
from django.utils import translation

from counties.coverage import Coverage
from counties.importers.placing import city_in_name, city_key
from counties.models import Agency, Agreement, Snapshot
from counties.search import search
from counties.wording import model_list
from tests.pages import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]

URL = "/counties/"


def current_agencies():
    """Every placed, non-sheriff agency with a current agreement whose name is a city's, with its models."""
    found: dict[int, tuple[Agency, set]] = {}
    for agreement in (
        Agreement.objects.current()
        .select_related("agency__state")
        .exclude(Q(agency__kind=Agency.Kind.SHERIFF) | Q(agency__county__isnull=True))
    ):
        agency = agreement.agency
        if city_in_name(agency.name):
            found.setdefault(agency.pk, (agency, set()))[1].add(agreement.model)
    return list(found.values())


def place_results(agency):
    """The search for the agency's city in its state, and its place results in the agency's counties."""
    counties = set(agency.placements.values_list("county_id", flat=True))
    outcome = search(f"{city_in_name(agency.name)}, {agency.state.code}")
    wanted = city_key(city_in_name(agency.name))
    return outcome, [
        r
        for r in outcome.results
        if r.entry.kind == "place"
        and city_key(r.entry.name) == wanted
        and counties & {c.id for c in r.counties}
    ]


def test_every_city_agency_with_an_agreement_is_on_its_citys_result_line():
    """On the real rows of every state: wherever search finds the city an agency is named for, in a
    county the agency works in, the city's result line names the agency and its models."""
    checked, missing = 0, []
    for agency, models in current_agencies():
        outcome, results = place_results(agency)
        if not results:
            continue  # its city is not a place search knows there (issue 26's other half)
        coverage = Coverage(outcome)
        for result in results:
            own = {n.name: n.models for n in coverage.line(result).own}
            checked += 1
            if sorted(own.get(agency.name, [])) != sorted(models):
                missing.append(f"{agency} in {result.entry.name}: {own}")
    assert checked >= 100, f"only {checked} agencies checked: the test would prove little"
    assert missing == []


def test_the_sheriff_and_the_others_are_counted_from_the_county_rows():
    """Each county on a result line: the sheriff's models, and every other agency placed there with a
    current agreement (besides those the line names), counted once however many agreements it has."""
    outcome = search("Dallas, TX")
    coverage = Coverage(outcome)
    assert outcome.results
    for result in outcome.results:
        line = coverage.line(result)
        own = {n.name for n in line.own}
        for county in result.counties:
            current = Agreement.objects.current().filter(agency__placements__county_id=county.id)
            sheriff = current.filter(agency__kind=Agency.Kind.SHERIFF, agency__county_id=county.id)
            others = (
                current.exclude(agency__kind=Agency.Kind.SHERIFF, agency__county_id=county.id)
                .exclude(agency__name__in=own)
                .filter(agency__statewide=False)
                .values("agency")
                .distinct()
                .count()
            )
            assert sorted(line.counties[county.id].sheriff) == sorted({a.model for a in sheriff})
            assert line.counties[county.id].others == others


def test_southside_place_names_its_police_before_the_sheriff(client):
    """Issue 26's example: 'No sheriff agreement listed' alone told a reader their police had none."""
    police = Agency.objects.get(name__startswith="Southside Place", state__code="TX")
    models = sorted(police.agreements.filter(is_current=True).values_list("model", flat=True))
    assert models
    for language, prefix, extra, sheriff in (
        ("en", "", {}, "heriff"),
        ("en", "", {"HTTP_HX_REQUEST": "true"}, "heriff"),
        ("es", "/es", {}, "lguacil"),
    ):
        with translation.override(language):
            line = f"{police.name}: {model_list(models)}"
        text = page_text(client.get(prefix + URL, {"q": "Southside Place"}, **extra))
        assert line in text
        county = text.index("Harris")  # "... is in Harris County", then the line, then the sheriff
        assert county < text.index(line) < text.index(sheriff, county)


def test_others_link_to_the_county_page_that_names_them(client):
    response = client.get(URL, {"q": "Keller, TX"})
    text = page_text(response)
    assert "Keller Police Department" in text
    assert "other agenc" in text
    assert 'href="/counties/tx/tarrant-county/#agreements"' in response.content.decode()
    spanish = client.get("/es" + URL, {"q": "Keller, TX"}).content.decode()
    assert 'href="/es/counties/tx/tarrant-county/#agreements"' in spanish
    assert "agencias más de este condado" in spanish or "agencia más de este condado" in spanish


def test_a_zip_code_names_the_agencies_of_its_postal_city_and_says_what_that_means(client):
    """ZIP code results name the agencies named for the ZIP code's postal city, and say that a postal
    city can reach past the city's limits."""
    checked = 0
    for code in ("76248", "76244", "33172"):
        outcome = search(code)
        if outcome.kind != "zip" or not outcome.results:
            continue
        coverage = Coverage(outcome)
        own = [n for r in outcome.results for n in coverage.line(r, outcome.zip_city).own]
        if not own:
            continue
        checked += 1
        for named in own:
            assert city_key(city_in_name(named.name)) == city_key(outcome.zip_city)
        text = page_text(client.get(URL, {"q": code}))
        assert own[0].name in text
        assert "can reach past them" in text
    assert checked, "no ZIP code with a postal city's agency was checked"
    text = page_text(client.get(URL, {"q": "77005"}))  # Houston: no Houston police agreement on the list
    assert "can reach past them" not in text


def test_statewide_agencies_are_counted_once_per_result(client):
    statewide = Agreement.objects.current().filter(agency__statewide=True, agency__state__code="TX")
    count = statewide.values("agency").distinct().count()
    assert count
    text = page_text(client.get(URL, {"q": "Dallas, TX"}))
    phrase = f"{count} statewide agenc"
    dallas = text[text.index("Dallas (city)") :]
    dallas = dallas[: dallas.index("Dallas County, Texas")] if "Dallas County, Texas" in dallas else dallas
    assert dallas.count(phrase) == 1


def test_one_query_covers_every_result(django_assert_num_queries):
    assert Snapshot.objects.newest()
    for query in ("Dallas", "Southside Place", "76092"):
        outcome = search(query)
        with django_assert_num_queries(1):
            coverage = Coverage(outcome)
            for result in outcome.places:
                coverage.line(result, outcome.zip_city if outcome.kind == "zip" else "")


def test_a_city_in_two_counties_names_its_police_once_and_counts_it_in_neither(client):
    """Azle lies in Parker and Tarrant counties: its police are the city's own, never also 'another
    agency' on either county's line."""
    police = Agency.objects.get(name="Azle Police Department", state__code="TX")
    counties = set(police.placements.values_list("county_id", flat=True))
    assert len(counties) == 2
    outcome = search("Azle, TX")
    result = next(r for r in outcome.results if r.entry.kind == "place" and r.entry.name == "Azle")
    line = Coverage(outcome).line(result)
    assert [n.name for n in line.own] == ["Azle Police Department"]
    for county_id in counties:
        others = (
            Agreement.objects.current()
            .filter(agency__placements__county_id=county_id, agency__statewide=False)
            .exclude(agency__kind=Agency.Kind.SHERIFF, agency__county_id=county_id)
            .exclude(agency=police)
            .values("agency")
            .distinct()
            .count()
        )
        assert line.counties[county_id].others == others


def test_a_city_placed_by_the_table_is_named_on_its_line():
    """ICE's 'Sunny Isles Police Department' is the police of Sunny Isles Beach (the table's city)."""
    outcome = search("Sunny Isles Beach")
    line = Coverage(outcome).line(outcome.results[0])
    assert [n.name for n in line.own] == ["Sunny Isles Police Department"]
