"""The sources pages cite (explainer/pages/sources.toml), and their dates said in Spanish."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class CitedSource:
    number: int
    title: str
    publisher: str
    date: str
    url: str = ""
    note: str = ""
    weak: bool = False
    also: tuple[str, ...] = ()
    title_es: str = ""  # our own Spanish title, for the data this site ships (its English title is ours too)

    @property
    def local_title(self) -> str:
        return self.title_es if self.title_es and translation.get_language() == "es" else self.title

    @property
    def title_lang(self) -> str:
        """The language of local_title, for a lang attribute: a source's own title stays in English."""
        return "es" if self.title_es and translation.get_language() == "es" else "en"

    @property
    def date_display(self) -> str:
        """The date as the fact sheet gives it, in the reader's language ("n.d. (Sept. 2025 by context)" ->
        "s. f. (septiembre de 2025, por el contexto)"): source_date_in_spanish."""
        if translation.get_language() == "es":
            return source_date_in_spanish(self.date)
        return self.date


# The fact sheet's dates of sources, said in Spanish: its month abbreviations (AP style) and the few words
# it puts around a date. A date that still holds an English word after this is a test failure
# (tests/test_spanish_only.py), so a new wording in the fact sheet is added here.
_MONTHS_ES = {
    "Jan.": "enero", "January": "enero", "Feb.": "febrero", "February": "febrero", "Mar.": "marzo",
    "March": "marzo", "Apr.": "abril", "April": "abril", "May": "mayo", "June": "junio", "July": "julio",
    "Aug.": "agosto", "August": "agosto", "Sept.": "septiembre", "September": "septiembre",
    "Oct.": "octubre", "October": "octubre", "Nov.": "noviembre", "November": "noviembre",
    "Dec.": "diciembre", "December": "diciembre",
}  # fmt: skip
_MONTH = "|".join(re.escape(m) for m in sorted(_MONTHS_ES, key=len, reverse=True))
_DAY_DATE = re.compile(rf"\b({_MONTH}) (\d{{1,2}}), (\d{{4}})")
_MONTH_DATE = re.compile(rf"\b({_MONTH}) (\d{{4}})")
_WORDS_ES = [
    ("n.d.", "s. f."),
    (" by context", ", por el contexto"),
    ("by context", "por el contexto"),
    ("LA Times story on the same survey is dated", "la nota de LA Times sobre la misma encuesta es del"),
    ("policy dated", "la política es del"),
    ("last reviewed", "revisada por última vez el"),
    ("published", "publicado el"),
    ("released", "difundido el"),
    ("updated", "actualizada en"),
    ("early ", "principios de "),
]


def source_date_in_spanish(text: str) -> str:
    for english, spanish in _WORDS_ES:
        text = text.replace(english, spanish)
    text = _DAY_DATE.sub(lambda m: f"{int(m.group(2))} de {_MONTHS_ES[m.group(1)]} de {m.group(3)}", text)
    return _MONTH_DATE.sub(lambda m: f"{_MONTHS_ES[m.group(1)]} de {m.group(2)}", text)
