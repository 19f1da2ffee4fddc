"""Search by ZIP code, city or county name on the shipped reference data: no-JS, htmx and hostile input."""

import datetime

import pytest
from django.urls import reverse

from counties.search import char_mask, get_index, normalize, search
from counties.text import edit_distance
from tests.counties.factories import AgencyFactory, AgreementFactory, SnapshotFactory
from tests.pages import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]

URL = "/counties/"


@pytest.fixture(autouse=True)
def _fresh_index():
    """The index is per process and rechecked once a minute; start each test from the data it sees."""
    get_index(fresh=True)


def names(outcome):
    return [(r.entry.kind, r.entry.name, r.entry.state_code) for r in outcome.results]


def test_zip_code_lists_every_county_largest_share_first():
    outcome = search("76092")
    assert outcome.kind == "zip"
    assert [c.name for r in outcome.results for c in r.counties] == ["Tarrant County", "Denton County"]
    shares = [share for r in outcome.results for _ref, share in r.shares]
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
    assert found[0] == ("county", "Dallas County", "TX")  # Texas first
    assert ("place", "Dallas", "TX") in found
    city = next(r for r in outcome.results if r.entry.kind == "place")
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
        ("Lovng", "Loving County"),  # typo
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
    assert names(outcome) == [("county", "Dallas County", "IA")]


def test_a_state_name_offers_the_state_page_first(client):
    outcome = search("Texas")
    assert names(outcome)[0] == ("state", "Texas", "TX")
    assert ("county", "Texas County", "MO") in names(outcome)
    assert names(search("new mexico")) == [("state", "New Mexico", "NM")]
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
    assert 'aria-live="polite"' in html
    assert "<script>" not in html.split("</head>")[1]  # no inline script in the body


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
    response = client.get(URL, {"q": "Loving"})
    assert "No sheriff agreement listed" in page_text(response)
    loving = response.context["outcome"].results[0].counties[0]
    from counties.models import County

    county = County.objects.get(pk=loving.id)
    AgreementFactory(agency=AgencyFactory(county=county, state=county.state), first_listed=newest)
    assert "Sheriff: Task Force" in page_text(client.get(URL, {"q": "Loving"}))


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
        ("Ｄａｌｌａｓ", 200, "Dallas County"),  # full-width letters
    ],
)
def test_hostile_or_odd_queries_get_a_helpful_answer(client, query, status, message):
    response = client.get(URL, {"q": query})
    assert response.status_code == status
    assert message in page_text(response)
    assert "<script>alert" not in response.content.decode()


def test_broken_utf8_in_the_url_is_not_an_error(client):
    response = client.get(URL + "?q=%ED%A0%80%FF&go=1")
    assert response.status_code == 200
    assert "We could not read a place name" in page_text(response)


def test_search_queries_are_few(client, django_assert_max_num_queries):
    search("warm up the index")
    with django_assert_max_num_queries(4):
        client.get(URL, {"q": "Dallas"})
    with django_assert_max_num_queries(4):
        client.get(URL, {"q": "76092"})


def test_normalize_and_edit_distance():
    assert normalize("  Condado de Doña Ana  ") == "dona ana"
    assert normalize("St. Mary's Co.") == "st marys"
    assert edit_distance("tarant", "tarrant", 2) == 1
    assert edit_distance("dlalas", "dallas", 2) == 1  # transposition
    assert edit_distance("abc", "xyzxyz", 1) == 2
    # The character-set bound never exceeds the true distance.
    for a, b in [("tarant", "tarrant"), ("dalas", "dallas"), ("lovng", "loving"), ("abcd", "wxyz")]:
        bound = max((char_mask(a) & ~char_mask(b)).bit_count(), (char_mask(b) & ~char_mask(a)).bit_count())
        assert bound <= edit_distance(a, b, 10)


def test_search_url_name():
    assert reverse("counties:search") == URL
