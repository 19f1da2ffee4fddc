"""The project fact sheet, read from its copy in this repository (docs/FACTS.md), for the tests.

- sources(): the numbered Sources list at the end, {number: entry text}.
- quotes_by_source(): every row's Quote cell, under each source number in its Src cell.
- find_quote(): whether a phrase quoted on a page is in a source's quote text, after normalizing
  whitespace, quotation marks, apostrophes and case, allowing [...] (or …) for words left out.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.conf import settings

FACTS_MD = Path(settings.BASE_DIR) / "docs" / "FACTS.md"
ROW_RE = re.compile(r"^\| ([a-z]\d+) \| (.*) \| (.*) \| (.*) \| (.*) \|$", re.M)
OMISSION_RE = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")
EDGE_PUNCTUATION = " .,;:!?—–-"


@functools.cache
def text() -> str:
    return FACTS_MD.read_text(encoding="utf-8")


@functools.cache
def sources() -> dict[int, str]:
    listed = text().split("\n## Sources", 1)[1]
    return {int(number): entry for number, entry in re.findall(r"^(\d+)\. (.*)$", listed, re.M)}


def _source_numbers(cell: str) -> list[int]:
    """ "7; 8" -> [7, 8]; "3 (also 1)" -> [3, 1]; "14 (ICE page 5 also cites ...)" -> [14]."""
    main, _paren, rest = cell.partition("(")
    numbers = [int(n) for n in re.findall(r"\d+", main)]
    numbers += [int(n) for n in re.findall(r"^also (\d+)\)", rest)]
    return numbers


@functools.cache
def rows() -> list[tuple[str, str, str, tuple[int, ...]]]:
    """(fact id, claim, quote, source numbers) for every row of the fact tables."""
    return [
        (fact, claim, quote, tuple(_source_numbers(src)))
        for fact, claim, quote, src, _strength in ROW_RE.findall(text())
    ]


@functools.cache
def quotes_by_source() -> dict[int, str]:
    """Each source's quote text (all its rows, normalized and joined), for find_quote()."""
    found: dict[int, list[str]] = {}
    for _fact, _claim, quote, numbers in rows():
        for number in numbers:
            found.setdefault(number, []).append(normalize(quote))
    return {number: " ¶ ".join(quotes) for number, quotes in found.items()}


def normalize(words: str) -> str:
    words = words.replace("’", "'").replace("‘", "'").replace("`", "'")
    words = re.sub(r'[“”"\\]', "", words)  # quotation marks (and the sheet's \" escapes) say nothing
    words = words.replace("[sp]", "")
    return re.sub(r"\s+", " ", words).strip().casefold()


def quote_pieces(quoted: str) -> list[str]:
    """A page's quoted phrase, in the pieces that must each be in the source (split at [...] or …)."""
    pieces = [normalize(piece).strip(EDGE_PUNCTUATION) for piece in OMISSION_RE.split(quoted)]
    return [piece for piece in pieces if piece]


def find_quote(quoted: str, numbers) -> int | None:
    """The first of `numbers` whose fact-sheet quotes hold `quoted` (its pieces in order), else None."""
    pieces = quote_pieces(quoted)
    for number in numbers:
        haystack = quotes_by_source().get(number, "")
        position = 0
        for piece in pieces:
            position = haystack.find(piece, position)
            if position < 0:
                break
            position += len(piece)
        else:
            if pieces:
                return number
    return None
