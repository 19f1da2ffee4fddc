"""Search by ZIP code, city, county or agency on the shipped data: no-JS, htmx and hostile input.

The ranking of 430 queries made from data is tested in test_search_ranking.py.
"""

import datetime
import re

import pytest
from django.db import OperationalError
from django.urls import reverse

from counties.models import County
from counties.search import agencies as search_agencies
from counties.search import char_mask, get_index, normalize, parse, search
from counties.search import store as search_module
from counties.text import edit_distance
from tests.counties.factories import AgencyFactory, AgreementFactory, SnapshotFactory, place
from tests.pages import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]

URL = "/counties/"


def names(outcome):
    return [(r.entry.kind, r.entry.name, r.entry.state_code) for r in outcome.results]


def first_county(query):
    """'Harris County, TX': where the first result that leads to a county leads."""
    for result in search(query).results:
        if result.counties and not result.business_only:
            return f"{result.counties[0].name}, {result.counties[0].state_code}"
    return None


def test_zip_code_lists_every_county_largest_share_first():
    outcome = search("76092")
    assert outcome.kind == "zip"
    assert [c.name for r in outcome.results for c in r.counties] == ["Tarrant County", "Denton County"]
    shares = [r.share for r in outcome.results]
    assert shares == sorted(shares, reverse=True)


def test_zip_plus_four_is_the_zip_code():
    assert names(search("76092-1234")) == names(search("76092")) == names(search(" 76092 1234 "))


def test_unknown_zip_code_says_so(client):
    response = client.get(URL, {"q": "00000"})
    assert response.status_code == 200
    assert "We do not know the ZIP code 00000" in page_text(response)


def test_city_in_five_counties_and_the_county_of_the_same_name():
    outcome = search("Dallas")
    found = names(outcome)
    assert found[:2] == [("place", "Dallas", "TX"), ("county", "Dallas County", "TX")]  # the city first
    city = outcome.results[0]
    assert city.counties[0].name == "Dallas County"  # where most of its addresses are
    assert sorted(c.name for c in city.counties) == [
        "Collin County",
        "Dallas County",
        "Denton County",
        "Kaufman County",
        "Rockwall County",
    ]
    assert ("county", "Dallas County", "IA") in found  # other states too, after Texas
    assert outcome.single_county is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tarrant", "Tarrant County"),
        ("TARRANT COUNTY", "Tarrant County"),
        ("Tarrant Co.", "Tarrant County"),
        ("LaSalle", "La Salle County"),
        ("la salle", "La Salle County"),
        ("De Witt", "DeWitt County"),
        ("dewitt county", "DeWitt County"),
        ("Dona Ana", "Doña Ana County"),
        ("condado de Hidalgo", "Hidalgo County"),
        ("Tarant", "Tarrant County"),  # typo
        ("Dalas", "Dallas County"),  # typo
        ("Lovng County", "Loving County"),  # typo
        ("Fort Worth", "Tarrant County"),  # city
        ("ft worth", "Tarrant County"),
        ("Orleans Parish", "Orleans Parish"),
    ],
)
def test_names_are_found_despite_case_accents_suffixes_spaces_and_typos(query, expected):
    outcome = search(query)
    assert expected in [c.name for r in outcome.results[:3] for c in r.counties], names(outcome)


def test_typos_are_marked_as_guesses():
    assert search("Tarant").fuzzy
    assert not search("Tarrant").fuzzy


def test_state_after_the_name_narrows_it():
    outcome = search("Dallas, IA")
    assert names(outcome)[0] == ("county", "Dallas County", "IA")
    assert {state for _kind, _name, state in names(outcome)} == {"IA"}


def test_a_state_name_offers_the_state_page_first(client):
    outcome = search("Texas")
    assert names(outcome)[0] == ("state", "Texas", "TX")
    assert ("county", "Texas County", "MO") in names(outcome)
    assert names(search("new mexico")) == [("state", "New Mexico", "NM")]
    assert names(search("TX")) == [("state", "Texas", "TX")]
    response = client.get(URL, {"q": "New Mexico", "go": "1"})
    assert response.status_code == 200
    assert 'href="/counties/nm/"' in response.content.decode()


def test_county_name_in_other_states():
    found = names(search("Cook"))
    assert ("county", "Cook County", "IL") in found


def test_enter_goes_straight_to_a_single_match(client):
    response = client.get(URL, {"q": "Tarrant", "go": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/counties/tx/tarrant-county/"
    zip_response = client.get(URL, {"q": "75201", "go": "1"})
    assert zip_response["Location"] == "/counties/tx/dallas-county/"


def test_enter_with_several_matches_shows_the_choice(client):
    response = client.get(URL, {"q": "Dallas", "go": "1"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Dallas County, Texas" in text
    assert "Dallas (city), Texas" in text
    assert "lies in 5 counties" in text


def test_spanish_search_links_to_spanish_pages(client):
    response = client.get("/es" + URL, {"q": "Tarrant", "go": "1"})
    assert response["Location"] == "/es/counties/tx/tarrant-county/"


def test_no_js_page_has_a_labelled_get_form(client):
    html = client.get(URL, {"q": "Plano"}).content.decode()
    assert '<form id="county-search"' in html and 'method="get"' in html
    assert '<label for="q"' in html
    assert 'value="Plano"' in html
    # A status line for screen readers, empty until a live search fills it; the results are no live region
    assert '<p id="results-status" class="visually-hidden" role="status"></p>' in html
    assert "aria-live" not in html
    assert "<script>" not in html.split("</head>")[1]  # no inline script in the body


@pytest.mark.parametrize(
    ("prefix", "query", "status"),
    [
        ("", "Plano", "{n} results for “Plano”."),
        ("", "Tarant", "Nothing is spelled exactly “Tarant”: {n} results spelled like it."),
        ("", "Loving County", "1 result for “Loving County”."),
        ("", "xqzzv", "No county or city matches “xqzzv”. Check the spelling, or try your ZIP code."),
        ("", "1234", "A ZIP code has 5 digits, for example 75201."),
        ("", "x" * 300, "That is too long to be a place name or ZIP code."),
        ("", "", ""),
        ("/es", "Plano", "{n} resultados para “Plano”."),
        (
            "/es",
            "Tarant",
            "No encontramos nada escrito exactamente como “Tarant”: hay {n} resultados con un nombre parecido.",
        ),
    ],
)
def test_a_live_search_tells_a_screen_reader_how_many_results_not_the_whole_list(
    client, prefix, query, status
):
    """After each live search a screen reader hears the status line (how many results, or the message), not
    every result again as it typed: the fragment replaces the status line's text out of band."""
    html = client.get(prefix + URL, {"q": query}, HTTP_HX_REQUEST="true").content.decode()
    found = re.search(r'<p id="results-status" hx-swap-oob="innerHTML">(.*?)</p>', html, re.S)
    results = len(re.findall(r'<li class="result result-', html))  # the results the fragment lists
    assert ("{n}" in status) == (results > 1)
    assert found and found.group(1).startswith(status.format(n=results)), found and found.group(1)
    assert status or not found.group(1).strip()  # an empty box: the status line is cleared


def test_htmx_gets_only_the_results_fragment(client):
    response = client.get(URL, {"q": "Plano"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Collin County" in html and "Denton County" in html
    assert "HX-Request" in response["Vary"]
    assert response.cookies == {}


def test_htmx_never_redirects(client):
    response = client.get(URL, {"q": "Tarrant", "go": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Tarrant County" in response.content.decode()


def test_result_shows_the_sheriffs_status(client):
    newest = SnapshotFactory(as_of=datetime.date(2030, 1, 1))
    response = client.get(URL, {"q": "Loving County"})
    assert "No sheriff agreement listed" in page_text(response)
    loving = response.context["outcome"].results[0].counties[0]
    county = County.objects.get(pk=loving.id)
    AgreementFactory(agency=AgencyFactory(county=county, state=county.state), first_listed=newest)
    assert "Sheriff: Task Force" in page_text(client.get(URL, {"q": "Loving County"}))


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Type the name of a county or city"),
        ("   ", 200, "Type the name of a county or city"),
        ("x" * 5000, 400, "That is too long"),
        ("☃☃☃ ✈", 200, "We could not read a place name"),
        ("1234", 200, "A ZIP code has 5 digits"),
        ("'; DROP TABLE counties_county; --", 200, "No county or city matches"),
        ("<script>alert(1)</script>", 200, "No county or city matches"),
        ("\x00\x01 dallas", 200, "Dallas County"),
        ("dallas\x00county", 200, "Dallas County, Texas"),  # a NUL between words parts them
        ("Ｄａｌｌａｓ", 200, "Dallas County"),  # full-width letters
    ],
)
def test_hostile_or_odd_queries_get_a_helpful_answer(client, query, status, message):
    response = client.get(URL, {"q": query})
    assert response.status_code == status
    assert message in page_text(response)
    assert "<script>alert" not in response.content.decode()


def test_a_search_page_shows_the_text_it_is_kept_by(client):
    """A search page is kept by the text as the search reads it, so every reader gets the page of what
    they typed: never one made for the same start with more text, other spaces or hidden characters."""
    for query in ("waco\u3000\u3000\x1c", "waco", "waco \x85\u2028"):
        assert 'value="waco"' in client.get(URL, {"q": query}).content.decode(), query
    # Past the longest query a search reads, every text is too long, whichever was asked first.
    assert client.get(URL, {"q": "b" * 200}).status_code == 200
    assert client.get(URL, {"q": "b" * 200 + "XYZ"}).status_code == 400
    spaced = client.get(URL, {"q": "dal" + " " * 250 + "las"})
    assert spaced.status_code == 200 and 'value="dal las"' in spaced.content.decode()
    # Control characters and bidi overrides are neither read nor shown back; a control character parts
    # words as a space would (a bidi override inside a word only goes).
    marked = client.get(URL, {"q": "ab\x00c\u202ed\x01"}).content.decode()
    assert 'value="ab cd"' in marked and "\u202e" not in marked and "\x00" not in marked


def test_searches_leave_nothing_behind_in_the_name_cache(client):
    """fold() keeps up to 200,000 names for the index and the imports; what readers type is not kept there
    (each distinct search stayed: about 120 MB a process)."""
    from counties.text import fold

    client.get(URL, {"q": "warm up"})
    before = fold.cache_info().currsize
    for n in range(50):
        client.get(URL, {"q": f"no such place {n} zzq"})
    assert fold.cache_info().currsize == before


def test_broken_utf8_in_the_url_is_not_an_error(client):
    response = client.get(URL + "?q=%ED%A0%80%FF&go=1")
    assert response.status_code == 200
    assert "We could not read a place name" in page_text(response)


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ("Dallas", 4),  # data version (page cache), data version (index), newest list, sheriffs' agreements
        ("76092", 4),
        ("Keller police", 4),
        ("DPS", 3),  # statewide agencies only: no county, so no sheriffs' agreements to read
        ("Zzzzzzzz", 2),  # nothing found: no list, no agreements
    ],
)
def test_search_queries_are_few_and_constant(client, django_assert_num_queries, query, queries):
    search("warm up the index")
    with django_assert_num_queries(queries):
        client.get(URL, {"q": query})
    with django_assert_num_queries(queries):
        client.get(URL, {"q": query}, HTTP_HX_REQUEST="true")


def test_normalize_and_edit_distance():
    assert normalize("  Condado de Doña Ana  ") == "dona ana"
    assert normalize("St. Mary's Co.") == "saint marys"
    assert edit_distance("tarant", "tarrant", 2) == 1
    assert edit_distance("dlalas", "dallas", 2) == 1  # transposition
    assert edit_distance("abc", "xyzxyz", 1) == 2
    # The character-set bound never exceeds the true distance.
    for a, b in [("tarant", "tarrant"), ("dalas", "dallas"), ("lovng", "loving"), ("abcd", "wxyz")]:
        bound = max((char_mask(a) & ~char_mask(b)).bit_count(), (char_mask(b) & ~char_mask(a)).bit_count())
        assert bound <= edit_distance(a, b, 10)


def test_search_url_name():
    assert reverse("counties:search") == URL


# A city's counties first, by share of addresses, above a county of the same name elsewhere (issue 14).


@pytest.mark.parametrize(
    ("query", "county", "also"),
    [
        ("Houston", "Harris County, TX", ("county", "Houston County", "TX")),
        ("Miami", "Miami-Dade County, FL", ("place", "Miami", "TX")),
        ("Austin", "Travis County, TX", ("county", "Austin County", "TX")),
        ("Portland", "Multnomah County, OR", ("place", "Portland", "TX")),
        ("Lancaster", "Dallas County, TX", ("county", "Lancaster County", "PA")),
    ],
)
def test_a_city_comes_before_a_county_or_a_smaller_city_of_the_same_name(query, county, also):
    outcome = search(query)
    assert outcome.results[0].entry.kind == "place"
    assert first_county(query) == county
    assert also in names(outcome)


def test_a_city_says_which_counties_and_their_shares(client):
    text = page_text(client.get(URL, {"q": "Houston"}))
    assert (
        "Houston (city), Texas lies in 4 counties: Harris County about 99% of its ZIP codes' addresses"
        in text
    )
    assert "Fort Bend County less than 1% of its ZIP codes' addresses" in text
    assert "Montgomery County" in text and "Waller County" in text  # in the Census file, with no ZIP code
    assert "Houston County, Texas" in text
    austin = search("Austin").results[0]
    assert [c.name for c in austin.counties][:3] == ["Travis County", "Williamson County", "Hays County"]
    shares = [share for _c, share in austin.entry.rows if share is not None]
    assert shares == sorted(shares, reverse=True) and abs(sum(shares) - 1) < 1e-9


def test_cities_of_other_states_come_from_their_zip_codes(client):
    miami = search("Miami").results[0]
    assert (miami.entry.name, miami.entry.state_code) == ("Miami", "FL")
    assert miami.counties[0].name == "Miami-Dade County"
    text = page_text(client.get(URL, {"q": "Kansas City"}))
    assert "Kansas City (city), Missouri lies in" in text and "Jackson County about" in text
    assert first_county("Kansas City, KS") == "Wyandotte County, KS"
    assert first_county("St. Louis") == "St. Louis County, MO"  # the ZIP codes named Saint Louis
    assert first_county("Saint Paul") == "Ramsey County, MN"


# Queries with a state, a ZIP code, the word county or extra words.


@pytest.mark.parametrize(
    ("query", "county"),
    [
        ("dallas county tx", "Dallas County, TX"),
        ("Dallas, TX", "Dallas County, TX"),  # worked before: kept as a regression case
        ("Denton TX 76201", "Denton County, TX"),
        ("condado de Harris", "Harris County, TX"),  # worked before
        ("Miami FL 33130", "Miami-Dade County, FL"),
        ("Harris Co.", "Harris County, TX"),  # worked before
        ("Harris County, Texas", "Harris County, TX"),
        ("Tarrant County TX sheriff", "Tarrant County, TX"),
        ("sheriff of Tarrant County", "Tarrant County, TX"),
        ("Oficina del Alguacil del condado de Harris", "Harris County, TX"),
        ("policía de Keller", "Tarrant County, TX"),
        ("Dallas police", "Dallas County, TX"),
        ("ICE Dallas", "Dallas County, TX"),
        ("287(g) Harris County", "Harris County, TX"),
        ("Denver, CO", "Denver County, CO"),
        ("Aurora, CO", "Arapahoe County, CO"),  # no Aurora County: CO is Colorado
        ("Boston, MA 02108", "Suffolk County, MA"),
        ("Ft. Worth", "Tarrant County, TX"),
        ("New York City", "New York County, NY"),
        ("The Bronx", "Bronx County, NY"),
        ("Norfolk, VA", "Norfolk city, VA"),
        ("75201-1234", "Dallas County, TX"),
        ("Dallas TX 00000", "Dallas County, TX"),  # an unknown ZIP code: the name still finds it
    ],
)
def test_queries_with_a_state_a_zip_code_or_the_word_county(query, county):
    assert first_county(query) == county


def test_the_word_county_asks_for_counties():
    assert names(search("dallas county tx")) == [("county", "Dallas County", "TX")]
    assert {kind for kind, _name, _state in names(search("Harris Co."))} == {"county"}


@pytest.mark.parametrize(
    "name", ["Tarrant", "Dallas", "El Paso", "Harris County", "Fort Worth", "Loving County"]
)
@pytest.mark.parametrize(
    "pattern",
    ["{}", "{},", "{}.", " {} . ", "{} sheriff", "{} police", "{} ICE", "ICE {}", "{} sheriff's office",
     "{}, TX", "{} Texas", "{} 287(g)", "{} county sheriff", "{} PD", "{} jail"],
)  # fmt: skip
def test_punctuation_and_extra_words_never_lose_a_good_query(name, pattern):
    assert first_county(pattern.format(name)) == first_county(name) is not None


def test_parse_reads_each_part():
    words = get_index().state_words
    parsed = parse("Denton, TX 76201-1234", words)
    assert (parsed.zip_code, parsed.state) == ("76201", "TX")
    assert parse("Harris County Sheriff", words).agency_words
    assert not parse("Harris County", words).agency_words
    assert parse("Harris Co.", words).names[0] == [("harris", "", "county"), ("harris", "CO", "")]
    assert parse("Harris County, TX", words).names[0] == [("harris", "TX", "county")]
    assert parse("1234", words) is None


# ZIP codes whose counties have business addresses only.


def test_a_zip_codes_county_with_business_addresses_only_is_not_where_someone_lives(client):
    outcome = search("75261")  # DFW Airport: its homes are in Tarrant, some businesses in Dallas County
    assert [(r.counties[0].name, r.business_only) for r in outcome.results] == [
        ("Tarrant County", False),
        ("Dallas County", True),
    ]
    assert outcome.single_county.name == "Tarrant County"
    response = client.get(URL, {"q": "75261", "go": "1"})
    assert response["Location"] == "/counties/tx/tarrant-county/"
    assert "Dallas County, Texas business addresses only" in page_text(client.get(URL, {"q": "75261"}))
    spanish = page_text(client.get("/es" + URL, {"q": "75261"}))
    assert "Condado de Dallas, Texas solo direcciones de negocios" in spanish


def test_a_zip_code_with_no_residential_address_says_so(client):
    outcome = search("75260")  # a Dallas ZIP code of PO boxes and businesses only
    assert outcome.zip_no_homes and not any(r.business_only for r in outcome.results)
    assert "This ZIP code has no residential addresses" in page_text(client.get(URL, {"q": "75260"}))


# Agencies by name.


def test_agencies_are_found_by_name_and_lead_to_their_county(client):
    outcome = search("Keller police")
    agency = outcome.agencies[0].entry
    assert (agency.name, agency.counties[0].name) == ("Keller Police Department", "Tarrant County")
    assert outcome.places[0].counties[0].name == "Tarrant County"  # the city of Keller too
    text = page_text(client.get(URL, {"q": "Keller police"}))
    assert "Keller Police Department, Texas" in text and "works in Tarrant County" in text


def test_agencies_placed_by_their_city_lead_to_each_of_their_counties(client):
    """The City of Miami's police (ICE: #NA) lead to Miami-Dade; Nixon's to both its counties, most of the
    city first; a regional jail to the three counties its name names."""
    miami = search("City of Miami police").agencies[0].entry
    assert (miami.name, [c.name for c in miami.counties]) == (
        "City of Miami Police Department",
        ["Miami-Dade County"],
    )
    nixon = search("Nixon police").agencies[0].entry
    assert [c.name for c in nixon.counties] == ["Gonzales County", "Wilson County"]
    jail = search("Rappahannock Shenandoah Warren Regional Jail").agencies[0].entry
    assert sorted(c.name for c in jail.counties) == [
        "Rappahannock County",
        "Shenandoah County",
        "Warren County",
    ]


def test_statewide_agencies_lead_to_their_state_page(client):
    outcome = search("DPS")
    assert not outcome.places
    first = outcome.agencies[0].entry
    assert first.name.startswith("Texas Department of Public Safety") and first.detail == "statewide"
    assert outcome.single_county is None
    html = client.get(URL, {"q": "DPS"}).content.decode()
    assert 'href="/counties/tx/"' in html and "works across the state:" in html
    assert client.get(URL, {"q": "DPS", "go": "1"}).status_code == 200
    assert search("Texas DPS").agencies[0].entry.state_code == "TX"


def test_a_sheriff_by_name(client):
    outcome = search("Harris County Sheriff")
    assert first_county("Harris County Sheriff") == "Harris County, TX"
    assert ("Harris County Sheriff's Office", "GA") in [
        (r.entry.name, r.entry.state_code) for r in outcome.agencies
    ]


def test_agency_counties_is_the_one_place_that_says_where_an_agency_works(client, monkeypatch):
    tarrant, denton = County.objects.get(fips="48439"), County.objects.get(fips="48121")
    keller = AgencyFactory(name="Keller Test Constable", county=tarrant, state=tarrant.state)
    placed = search_agencies.agency_counties
    monkeypatch.setattr(
        search_agencies, "agency_counties", lambda: {**placed(), keller.pk: (tarrant.pk, denton.pk)}
    )
    get_index(fresh=True)
    text = page_text(client.get(URL, {"q": "Keller Test Constable"}))
    assert (
        "Keller Test Constable, Texas" in text and "works in 2 counties: Tarrant County Denton County" in text
    )


def test_an_agency_added_or_moved_is_found_at_once():
    search("warm up the index")
    county = County.objects.get(fips="48301")
    agency = AgencyFactory(name="Zyzzyva Marshal's Office", county=county, state=county.state)
    assert search("Zyzzyva marshal").agencies[0].counties[0].name == "Loving County"
    place(agency, County.objects.get(fips="48113"))  # an editor moves it
    assert search("Zyzzyva marshal").agencies[0].counties[0].name == "Dallas County"


def test_spanish_results_say_city_and_share(client):
    text = page_text(client.get("/es" + URL, {"q": "Houston"}))
    assert "Houston (ciudad), Texas" in text
    assert "cerca del 99 % de las direcciones de sus códigos postales" in text or (
        "cerca del 99% de las direcciones de sus códigos postales" in text
    )
    assert "trabaja en el condado de Tarrant" in page_text(client.get("/es" + URL, {"q": "Keller police"}))


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("denton", "/counties/tx/denton-county/"),  # not the towns of Denton in seven other states
        ("Keller", "/counties/tx/tarrant-county/"),
        ("Keller police", "/counties/tx/tarrant-county/"),
        ("Harris County", "/counties/tx/harris-county/"),  # Harris County, GA is a hundredth of its size
        ("75261", "/counties/tx/tarrant-county/"),
        ("Travis County Sheriff", "/counties/tx/travis-county/"),
        ("Denton TX 76201", "/counties/tx/denton-county/"),
        ("condado de Harris", "/counties/tx/harris-county/"),
    ],
)
def test_enter_goes_to_a_county_that_far_outweighs_the_rest(client, query, location):
    response = client.get(URL, {"q": query, "go": "1"})
    assert (response.status_code, response["Location"]) == (302, location)


@pytest.mark.parametrize("query", ["Dallas", "Houston", "Portland", "Lancaster", "DPS", "Washington", "TX"])
def test_enter_shows_the_choice_when_places_are_alike_or_lead_to_several_counties(client, query):
    assert client.get(URL, {"q": query, "go": "1"}).status_code == 200


def test_a_statewide_agency_named_with_its_state_comes_before_the_state():
    outcome = search("Texas DPS")
    assert outcome.agencies_first and outcome.results[0].entry.name.startswith(
        "Texas Department of Public Safety"
    )
    assert ("state", "Texas", "TX") in names(outcome)


def test_a_server_process_builds_its_index_before_the_first_search(monkeypatch, django_assert_num_queries):
    """config/gunicorn.conf.py starts this as each worker starts: no reader waits for the build."""
    monkeypatch.setattr(search_module, "_index", None)
    search_module.warm_up().join(timeout=120)
    assert search_module._index is not None
    with django_assert_num_queries(1):  # the data version only: the index is there
        assert first_county("75201") == "Dallas County, TX"


def test_a_warm_up_without_the_database_leaves_the_build_to_the_first_search(monkeypatch, caplog):
    def unreachable():
        raise OperationalError("connection refused")

    build = search_module._build
    monkeypatch.setattr(search_module, "_index", None)
    monkeypatch.setattr(search_module, "_build", unreachable)
    search_module.warm_up().join(timeout=120)
    assert search_module._index is None
    assert "search index not built at start" in caplog.text
    monkeypatch.setattr(search_module, "_build", build)
    assert first_county("75201") == "Dallas County, TX"  # the first search builds it


def test_places_usps_names_leave_out_are_found_in_their_county_from_geonames(client):
    """Issue 26: 'Sunny Isles Beach' found nothing and 'Davie' offered four counties elsewhere but not
    Davie, Florida, whose police have an agreement. GeoNames places (fixtures/places/) fill the gap."""
    assert first_county("Sunny Isles Beach") == "Miami-Dade County, FL"
    assert first_county("Davie") == "Broward County, FL"  # 100,882 people, more than Davie County, NC
    assert first_county("Davie County") == "Davie County, NC"
    assert first_county("Sweetwater, FL") == "Miami-Dade County, FL"
    text = page_text(client.get(URL, {"q": "Davie"}))
    assert text.index("Davie, Florida") < text.index("Davie County")
    assert "Davie Police Department" in text
    # A USPS city keeps every county of its ZIP codes: GeoNames' point does not narrow Atlanta to Fulton.
    atlanta = search("Atlanta, GA").results[0]
    assert [c.name for c in atlanta.counties][:2] == ["Fulton County", "DeKalb County"]
    # ZIP code 33172 (Sweetwater, Doral) leads to Miami-Dade, whose page now names Sweetwater's police.
    assert first_county("33172") == "Miami-Dade County, FL"
    assert "Sweetwater Police Department" in page_text(client.get("/counties/fl/miami-dade-county/"))


def test_htmx_asking_for_a_whole_page_on_back_gets_the_whole_page(client):
    """On Back, when its history cache has lost the page, htmx asks for it again with HX-Request and
    HX-History-Restore-Request and puts the answer in place of the whole body: the answer must be the whole
    page (it was the results fragment, so the page became the list), and not a kept fragment either."""
    fragment = client.get(URL, {"q": "Plano"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    for _ in range(2):  # the second answer comes from the kept pages
        whole = client.get(
            URL, {"q": "Plano"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
        )
        html = whole.content.decode()
        assert whole.status_code == 200 and "<html" in html and 'id="county-search"' in html
        assert "hx-swap-oob" not in html
    assert "HX-History-Restore-Request" in whole["Vary"]
    assert client.get(URL, {"q": "Plano"}, HTTP_HX_REQUEST="true").content == fragment.content


def test_a_fuzzy_searchs_status_says_more_places_match_too(client):
    html = client.get(URL, {"q": "Sprinfield"}, HTTP_HX_REQUEST="true").content.decode()
    status = re.search(r'<p id="results-status" hx-swap-oob="innerHTML">(.*?)</p>', html, re.S).group(1)
    assert status.startswith("Nothing is spelled exactly “Sprinfield”")
    assert ("More places match." in status) == ("More places match." in html.split("</p>", 1)[1])
    assert "More places match." in status


@pytest.mark.parametrize(
    ("query", "meant", "exact"),
    [("Huston", "Houston", ("Huston", "ID")), ("Edinburgh", "Edinburg", ("Edinburgh", "IN"))],
)
def test_a_texas_city_spelled_like_a_small_place_elsewhere_comes_first_and_enter_waits(
    client, query, meant, exact
):
    """A truth check of the search (helper): "Huston" found only Huston, Idaho and two smaller towns, and
    Enter went to Canyon County, Idaho. A Texas place spelled like the query and far larger than all
    that match comes first; the exact names stay, and Enter shows the list."""
    outcome = search(query)
    assert names(outcome)[0] == ("place", meant, "TX")
    assert any((name, state) == exact for _kind, name, state in names(outcome))
    assert outcome.single_county is None
    response = client.get(URL, {"q": query, "go": "1"})
    assert response.status_code == 200  # the list, not a redirect to the first exact name
    text = page_text(response)
    assert f"First a place in Texas spelled like “{query}”, then the places that match:" in text
    assert text.index(f"{meant} (city), Texas") < text.index(f"{exact[0]} (city)")


@pytest.mark.parametrize(
    ("query", "state"),
    [
        ("Orlando", "FL"),
        ("Nashville", "TN"),
        ("Huston, ID", "ID"),
        # Cities of some size spelled one letter from a larger Texas one (a review found them put after it)
        ("Tustin", "CA"),
        ("Irvine", "CA"),
        ("Camarillo", "CA"),
        ("Odenton", "MD"),
        ("Collierville", "TN"),
        ("Hust", "ID"),  # no name is spelled so: only names that start so, and no guess before them
    ],
)
def test_a_large_place_elsewhere_or_a_named_state_gets_no_texas_guess(query, state):
    outcome = search(query)
    assert names(outcome)[0][2] == state
    assert not outcome.near_home


@pytest.mark.parametrize(
    ("zip_code", "city"),
    [
        ("75069", "McKinney"),
        ("75115", "DeSoto"),
        ("78501", "McAllen"),
        ("98074", "Sammamish"),  # not GeoNames' "City of Sammamish"
        ("14085", "Lake View"),  # not "Lakeview", a place of another county of New York
    ],
)
def test_a_zip_codes_city_is_written_as_the_census_writes_it(client, zip_code, city):
    """USPS writes MCKINNEY and DESOTO; title case made them "Mckinney" and "Desoto"."""
    assert search(zip_code).zip_city == city
    for prefix in ("", "/es"):
        assert f"({city})" in page_text(client.get(f"{prefix}{URL}", {"q": zip_code}))


def test_an_agency_of_another_state_names_its_state_after_its_county(client):
    """'Houston Police Department, Missouri … works in Texas County': in Spanish 'el condado de Texas' read as
    Texas. The county is followed by its state."""
    text = page_text(client.get("/es/counties/", {"q": "policía de Houston"}))
    assert "trabaja en el condado de Texas, Misuri" in text
    english = page_text(client.get(URL, {"q": "Dallas police"}))
    assert "works in Paulding County, Georgia" in english


def test_the_statewide_line_links_the_county_pages_statewide_section(client):
    html = client.get(URL, {"q": "75201"}).content.decode()
    assert 'href="/counties/tx/dallas-county/#statewide"' in html
    assert "#agreements" not in html  # Dallas County's page has no section of local agreements
    assert 'id="statewide"' in client.get("/counties/tx/dallas-county/").content.decode()


def test_an_agencys_models_are_said_in_the_order_of_every_page(client):
    text = page_text(client.get(URL, {"q": "Parker County Sheriff"}))
    assert "on ICE's newest list: Warrant Service Officer and Task Force" in text
    assert "Task Force and Warrant Service Officer" not in text


def test_more_agencies_than_shown_are_said_as_agencies_not_places(client):
    """'sheriff' finds more sheriff's offices than a page lists: the page said "More places match"."""
    outcome = search("sheriff")
    assert outcome.more_agencies and not outcome.more
    text = page_text(client.get(URL, {"q": "sheriff"}))
    assert "More agencies match. Type more of the name to narrow the list." in text
    assert "More places match." not in text
    spanish = page_text(client.get("/es" + URL, {"q": "sheriff"}))
    assert "Hay más agencias que coinciden." in spanish
