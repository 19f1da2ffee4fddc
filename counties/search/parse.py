"""What a person typed, read as words: the folded keys names are matched on, and parse(), which sets
apart a ZIP code, a state, "county" words and the words that name an office."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import PLACE_ABBREVIATIONS, fold, fold_once, without_controls

MAX_QUERY_LENGTH = 200  # longer than any place name with its state; longer input is refused with a 400
MAX_RESULTS = 25
MAX_AGENCIES = 10
HOME_STATE = "TX"
TEXAS_WEIGHT = 10
CITY_WEIGHT = 4
# A place no ZIP code is named for counts as one average ZIP code of its county (a Texas town whose mail
# goes through a neighbour's post office), a census-designated place as a quarter of one (most are
# hamlets and colonias, far smaller than a town).
NO_ZIP_SHARE = {"CDP": 0.25}
ENTER_MARGIN = 5  # how far the first result must outweigh the rest for Enter to go straight to it


def clean_query(raw: str) -> str:
    """The search text as a search reads it, shows it and keys its kept page by (counties/views.py): no
    control characters or bidi overrides, every run of spaces of any kind one space, and at most one
    character more than a search reads, so that every longer text gets the same "too long" answer. A
    control character between words (a NUL, a tab pasted from a table) parts them, as a space would."""
    return " ".join(without_controls(_C0_CONTROLS.sub(" ", raw or "")).split())[: MAX_QUERY_LENGTH + 1]


_C0_CONTROLS = re.compile("[\x00-\x1f\x7f]")


# Words that say what kind of place it is, not which one (folded). Longest first.
_COUNTY_WORDS = [
    "city and borough",
    "census area",
    "municipality",
    "borough",
    "parish",
    "county",
    "cnty",
    "cty",
    "co",
]
_COUNTY_PREFIXES = ["condado de", "condado del", "condado", "parroquia de", "parroquia", "county of"]
_CITY_PREFIXES = ["ciudad de", "city of", "town of", "village of"]
# Words of a name read one way everywhere (index and query): "St. Louis" = "Saint Louis", as USPS writes it.
_WORDS = PLACE_ABBREVIATIONS
_LEADING_WORDS = {"pt": "port"}
# Words that name an office, not a place: set aside, so that "Keller police" still finds Keller.
_AGENCY_WORDS = {
    "sheriff", "sheriffs", "office", "police", "department", "dept", "pd", "so", "constable", "constables",
    "marshal", "marshals", "alguacil", "policia", "oficina", "departamento", "dps",
}  # fmt: skip
_OTHER_NOISE = {"ice", "287g", "jail", "agreement", "agreements", "acuerdo", "carcel"}
_TRAILING_ONLY = {"pd", "so"}  # too short to drop from the middle of a name
_GLUE = {"de", "del", "of"}  # left over when Spanish office words are set aside: "policía de Keller"
# Agency names: what a query word may stand for, and words that never tell agencies apart.
_AGENCY_SYNONYMS = {
    "sheriff": ("sheriffs",), "co": ("county",), "cnty": ("county",), "dept": ("department",),
    "pd": ("police", "department"), "so": ("sheriffs", "office"), "policia": ("police",),
    "alguacil": ("sheriffs",), "condado": ("county",), "departamento": ("department",), "oficina": ("office",),
}  # fmt: skip
_AGENCY_STOPWORDS = {"of", "the", "and", "de", "del", "for", "ice", "287g", "agreement", "agreements"}


def _words(text: str) -> list[str]:
    words = [_WORDS.get(w, w) for w in fold(text).split()]
    if len(words) > 1 and words[0] in _LEADING_WORDS:
        words[0] = _LEADING_WORDS[words[0]]
    return words


def normalize(text: str) -> str:
    """Folded words with the place-kind words dropped: 'Condado de Doña Ana' -> 'dona ana'."""
    words = " ".join(_words(text))
    for prefix in _COUNTY_PREFIXES + _CITY_PREFIXES:
        if words.startswith(prefix + " "):
            words = words[len(prefix) + 1 :]
            break
    changed = True
    while changed:
        changed = False
        for suffix in _COUNTY_WORDS:
            if words.endswith(" " + suffix):
                words = words[: -len(suffix) - 1].rstrip()
                changed = True
    return words


def compact_key(words: str) -> str:
    return words.replace(" ", "")


def char_mask(key: str) -> int:
    """The set of characters in a key as bits. max(|A-B|, |B-A|) of two sets never exceeds their edit
    distance (one edit adds or removes at most one character on each side), so masks rule out most names
    before the slower distance is computed."""
    mask = 0
    for ch in key:
        mask |= 1 << (ord(ch) % 64)
    return mask


def _typo_limit(key: str) -> int:
    if len(key) < 4:
        return 0
    return 1 if len(key) <= 6 else 2


def _title(city: str) -> str:
    """USPS writes MCALLEN; readers write McAllen."""
    city = city.title()
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), city) if "Mc" in city else city


@dataclass
class Parsed:
    """What a query says: the name (with other readings to try), a ZIP code, a state, a kind of place."""

    # Readings to try in turn, each one or more (compact key, state code, wanted kind: "county", "place"
    # or ""), whose exact matches are taken together.
    names: list[list[tuple[str, str, str]]]
    zip_code: str = ""
    state: str = ""
    agency_words: bool = False  # the query names an office ("police", "sheriff", "DPS")
    agency_tokens: tuple[str, ...] = ()


def _strip_prefix(words: list[str], prefixes: list[str]) -> list[str] | None:
    text = " ".join(words)
    for prefix in prefixes:
        if text.startswith(prefix + " "):
            return words[len(prefix.split()) :]
    return None


def _is_office_word(word: str, last: bool) -> bool:
    return word in _OTHER_NOISE or (word in _AGENCY_WORDS and (last or word not in _TRAILING_ONLY))


def parse(text: str, state_words: dict[str, str]) -> Parsed | None:
    """Read the words of a query. None when it has no letters and no ZIP code."""
    tokens = fold_once(text).split()
    zip_code = ""
    kept = []
    for i, word in enumerate(tokens):
        if word.isdigit():
            if not zip_code and len(word) in (5, 9):
                zip_code = word[:5]
            continue  # other numbers (a ZIP+4's last four digits, a house number) say nothing of a place
        if word == "g" and i and tokens[i - 1] == "287":
            continue  # "287(g)"
        kept.append(word)
    if not kept:
        return Parsed([], zip_code) if zip_code else None

    # Office words are set aside when a name is left: "Keller police" -> keller.
    words = [w for i, w in enumerate(kept) if not _is_office_word(w, i == len(kept) - 1)]
    agency_words = bool(words) and len(words) < len(kept) and any(w in _AGENCY_WORDS for w in kept)
    if not words:
        words = kept
    elif len(words) < len(kept):
        while len(words) > 1 and words[0] in _GLUE:
            words.pop(0)  # "policía de Keller"
    # A state and the word county at the end, in either order: "dallas county tx", "Harris Co.".
    state, state_words_typed, want, co_is_county = "", (), "", False
    while len(words) > 1:
        for suffix in _COUNTY_WORDS:
            size = len(suffix.split())
            if len(words) > size and " ".join(words[-size:]) == suffix:
                words, want = words[:-size], "county"
                co_is_county = co_is_county or suffix == "co"
                break
        else:
            for size in (3, 2, 1):
                tail = " ".join(words[-size:])
                if not state and len(words) > size and tail in state_words:
                    state, state_words_typed, words = state_words[tail], tuple(words[-size:]), words[:-size]
                    break
            else:
                break
    if (rest := _strip_prefix(words, _COUNTY_PREFIXES)) is not None:
        words, want = rest, "county"
    elif (rest := _strip_prefix(words, _CITY_PREFIXES)) is not None:
        words, want = rest, "place"

    words = [_WORDS.get(w, w) for w in words]
    if len(words) > 1 and words[0] in _LEADING_WORDS:
        words[0] = _LEADING_WORDS[words[0]]
    key = compact_key(" ".join(words))
    names = [[(key, state, want)]]
    if co_is_county and not state:
        names[0].append((key, "CO", ""))  # "Aurora CO": Colorado too (the larger place comes first)
    if len(words) > 1 and words[0] == "the":
        names.append([(compact_key(" ".join(words[1:])), state, want)])  # GeoNames' "The Bronx"
    if len(words) > 1 and words[-1] == "city" and want != "county":
        names.append([(compact_key(" ".join(words[:-1])), state, "place")])  # "New York City"
    if want:
        names.append([(key, state, "")])  # "Fort Worth county": no such county, but the city
    if state:
        names.append(
            [(key + compact_key(" ".join(state_words_typed)), "", want)]
        )  # a name ending in a state's
    agency_tokens = list(kept)
    if state_words_typed:  # the state typed is no word of the agency's name
        for start in range(len(agency_tokens) - len(state_words_typed), -1, -1):
            if tuple(agency_tokens[start : start + len(state_words_typed)]) == state_words_typed:
                del agency_tokens[start : start + len(state_words_typed)]
                break
    return Parsed(names, zip_code, state, agency_words, tuple(agency_tokens))
