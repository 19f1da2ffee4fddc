"""The page in the reader's own language: a "Ver en español" notice on English pages for a browser that
prefers Spanish, decided on the server from Accept-Language alone. No redirect and no cookie: the URL still
decides the language of the page, and the notice only links the same page in the other language.

Because the notice makes two versions of one English page, everything that keeps pages knows of it:
`counties.pagecache.kept_page` puts `suggested_language(request)` in the key of a kept page and sends
`Vary: Accept-Language` with it (so does Django's LocaleMiddleware on every English page), so a page kept
for one reader is never served with the wrong notice, or without it, to another.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import get_language

MAX_HEADER = 500  # longer Accept-Language headers are read only this far (browsers send well under 100)
_RANGE = re.compile(r"^([a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*|\*)$")
_QUALITY = re.compile(r"^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")


def preferred_language(header: str) -> str | None:
    """The first of the site's languages the browser asks for, by its q-values: 'es-MX,es;q=0.9,en;q=0.8'
    -> 'es'; 'fr, en;q=0.5' -> 'en'. None when it names none of them, or prefers any language ('*') first."""
    codes = {code for code, _name in settings.LANGUAGES}
    ranges = []
    for position, item in enumerate(header[:MAX_HEADER].split(",")):
        tag, _semicolon, params = item.strip().partition(";")
        tag, quality = tag.strip(), 1.0
        if not _RANGE.match(tag):
            continue
        if params:
            match = _QUALITY.match(params.strip().replace(" ", ""))
            if not match:
                continue
            quality = float(match.group(1))
        if quality > 0:
            ranges.append((-quality, position, tag.lower()))
    for _quality, _position, tag in sorted(ranges):
        if tag == "*":
            return None
        primary = tag.split("-")[0]
        if primary in codes:
            return primary
    return None


def suggested_language(request) -> str | None:
    """The language to offer this reader a link to: the one the browser prefers, on a page in the site's
    default language (English) when the browser prefers another of the site's languages; else None."""
    current = get_language()
    if current != settings.LANGUAGE_CODE:
        return None
    preferred = preferred_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return preferred if preferred and preferred != current else None
