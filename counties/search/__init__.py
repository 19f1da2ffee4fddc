"""Find a county from what a person types: a ZIP code, a city, a county or an agency, in any state.

PostgreSQL here has no pg_trgm or unaccent, so names are folded in the app (counties/text.py) and matched
in Python against an in-memory index, built once per process and rebuilt when the data changes: every
county, every Census place in Texas, every USPS city name of the HUD ZIP-county file (about 29,000 in all
states), every ZIP code with the share of its addresses in each county, and every agency on ICE's lists.
A search makes no query of its own beyond the data version (see get_index).

What is typed is read as words (parse): a ZIP code anywhere in it wins ("Denton TX 76201"); a state at the
end narrows the name ("Dallas, TX"); "County", "Co.", "Parish", "condado de" ask for a county ("Harris Co.",
"condado de Harris"); words that name an office rather than a place ("sheriff", "police", "ICE") are set
aside for the agency search and never make a good place name find nothing.

Names match, from strongest to weakest: the same name ("La Salle" = "LaSalle", "St." = "Saint"), a name that
starts with what was typed (as-you-type), then, only when nothing else matched, names one or two small
typos away ("Dalas", "Tarant"). Within each, a state named in full comes first, then the places by weight:
- a city's weight is an estimate of its people from its ZIP codes: each ZIP code that carries the city's
  name counts as one average ZIP code of each county it lies in (the county's population over its ZIP
  codes, split by the ZIP code's residential shares). HUD gives shares, not address counts, so this is an
  estimate; it is used only to order results;
- a county's weight is its population;
- a city weighs CITY_WEIGHT times more than a county of the same size (people type their city's name far
  more often than their county's: "Houston" is the city, not Houston County), and anything in Texas
  TEXAS_WEIGHT times more (the site is about Texas first: "Lancaster" is Lancaster, TX before Lancaster
  County, PA). tests/counties/search/test_search_ranking.py measures these choices on 676 queries from data.

A city's counties are ordered by the share of the city's ZIP code addresses in each (each ZIP code's
residential shares, added up over the ZIP codes with the city's name; a ZIP code counts once whatever its
size). In Texas, which counties a city lies in comes from the Census place file; the ZIP codes only order
them and give the shares.

The package, one module per step: parse (what was typed, as words and keys), entries (what is found),
index (places and ZIP codes), agencies (ICE's agencies), store (the process's one index), results (one
search). Everything callers use is importable from `counties.search`.
"""

from .agencies import AgencyIndex, agency_counties
from .entries import Answer, CountyRef, Entry, Result, Tier
from .index import ZIP_ROWS_SQL, Index
from .parse import MAX_QUERY_LENGTH, char_mask, clean_query, compact_key, normalize, parse
from .results import search
from .store import get_index, warm_up

__all__ = [
    "MAX_QUERY_LENGTH",
    "clean_query",
    "ZIP_ROWS_SQL",
    "AgencyIndex",
    "CountyRef",
    "Entry",
    "Index",
    "Answer",
    "Result",
    "Tier",
    "agency_counties",
    "char_mask",
    "compact_key",
    "get_index",
    "normalize",
    "parse",
    "search",
    "warm_up",
]
