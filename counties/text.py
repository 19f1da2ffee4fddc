"""Folding text for matching: case, accents, apostrophes, punctuation and spacing.

The embedded PostgreSQL has no unaccent or pg_trgm, so folding happens here, in the app, and the
folded forms are stored in indexed columns (for example County.search_key).
"""

import re
import unicodedata
from functools import lru_cache

# Characters that never belong in text a reader sees: control characters (a vertical tab pasted from Word,
# a NUL from a broken file; XML 1.0 cannot carry most of them, so a feed with one would fail) and the
# bidirectional embedding, override and isolate controls (a right-to-left override shows a name
# backwards). Tab, newline and carriage return stay: they are ordinary spacing.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def without_controls(text: str) -> str:
    """Text with control characters and bidi overrides removed (see _UNSAFE); a vertical tab or form feed
    becomes a space, as it spaced the words where it came from."""
    if not text:
        return text
    return _UNSAFE.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)


# Abbreviations in place names, as USPS and the Census write them: "St. Louis" is "Saint Louis" wherever a
# name is matched (the search, the county an agency's city lies in).
PLACE_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=200_000)  # the same names recur on every one of ICE's lists
def fold(text: str) -> str:
    """'  Doña Ana  County ' -> 'dona ana county'; "O’Brien" -> 'obrien'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("\u2019", "").replace("\u2018", "").replace("`", "")
    return _NON_ALNUM.sub(" ", text).strip()


def fold_once(text: str) -> str:
    """fold() for text that will not come again, what a reader typed: kept out of fold's cache, where every
    distinct search would stay (200,000 of them: about 120 MB a process)."""
    return fold.__wrapped__(text)


def compact(text: str) -> str:
    """fold() without spaces: 'La Salle' and 'LaSalle' both become 'lasalle'."""
    return fold(text).replace(" ", "")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, giving up (limit + 1) beyond `limit`.

    What the two share at the start and at the end costs nothing and is left out; of the rest, only the
    cells within `limit` of the diagonal are worked out (a path that leaves that band costs more than
    `limit`). Eight times quicker than the whole table on agency names, which ICE's lists compare by the
    hundred thousand (tests/counties/test_text.py checks it against the whole table)."""
    if len(a) > len(b):
        a, b = b, a
    over = limit + 1
    if len(b) - len(a) > limit:
        return over
    start, end_a, end_b = 0, len(a), len(b)
    while start < end_a and a[start] == b[start]:
        start += 1
    while end_a > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if not a:
        return min(len(b), over)
    width = len(b)
    previous2: list[int] = []
    previous = list(range(width + 1))
    for i, ca in enumerate(a, 1):
        current = [over] * (width + 1)  # outside the band: more than `limit`, whatever the true value
        current[0] = best = i
        for j in range(max(1, i - limit), min(width, i + limit) + 1):
            cb = b[j - 1]
            value = previous[j - 1] + (ca != cb)
            if previous[j] < value:
                value = previous[j] + 1
            if current[j - 1] < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and previous2[j - 2] < value:
                value = previous2[j - 2] + 1
            current[j] = value
            if value < best:
                best = value
        if best > limit:
            return over
        previous2, previous = previous, current
    return previous[width] if previous[width] <= limit else over
