"""How the county page says the site knows an agency works in the county (counties/where.py)."""

import pytest
from django.utils import translation

from counties.models import Agency
from counties.status import Where
from counties.where import placement_sentence

PLACING = [p for p in Agency.Placement.values if p not in (Agency.Placement.NONE, Agency.Placement.STATEWIDE)]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("how", PLACING)
def test_every_way_of_placing_an_agency_is_said_in_words(how, language):
    """A GeoNames placement (issue 26) said only "How we know it works here:" and stopped."""
    with translation.override(language):
        sentence = placement_sentence(Where(how=how, share=None, via="Davie"))
        lead = placement_sentence(Where(how="no-such-way"))
    assert sentence.startswith(lead) and len(sentence) > len(lead) + 20, sentence
    if language == "es":  # and in Spanish, not the English words
        with translation.override("en"):
            assert placement_sentence(Where(how=how, share=None, via="Davie")) != sentence


def test_a_geonames_placement_names_the_city_and_the_boundary():
    sentence = placement_sentence(Where(how=Agency.Placement.GEONAMES, via="Davie"))
    assert sentence == (
        "How we know it works here: GeoNames' list of places puts Davie inside this county's Census boundary."
    )


@pytest.mark.parametrize(
    ("via", "words"),
    [
        ("campus", "says the college it serves has a campus in this county."),
        ("town", "says it serves a town or township in this county."),
        ("serves", "says it serves this county."),
    ],
)
def test_a_county_a_public_page_gives_says_what_the_page_says(via, words):
    """Issue 26: a campus police is not said to serve the county, nor a township's constable."""
    sentence = placement_sentence(Where(how=Agency.Placement.TABLE, via=via, page="https://example.org/p"))
    assert sentence == "How we know it works here: A public page, checked by hand, " + words
