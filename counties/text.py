"""Folding text for matching: case, accents, apostrophes, punctuation and spacing.

The embedded PostgreSQL has no unaccent or pg_trgm, so folding happens here, in the app, and the
folded forms are stored in indexed columns (for example County.search_key).
"""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """'  Doña Ana  County ' -> 'dona ana county'; "O’Brien" -> 'obrien'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("\u2019", "").replace("\u2018", "").replace("`", "")
    return _NON_ALNUM.sub(" ", text).strip()


def compact(text: str) -> str:
    """fold() without spaces: 'La Salle' and 'LaSalle' both become 'lasalle'."""
    return fold(text).replace(" ", "")
