"""One Spanish term for each thing: the Spanish explainer pages and the catalogue against docs/glossary-es.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import polib
import pytest
from django.conf import settings

from explainer import content

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary-es.toml"
PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
TERMS = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]

LINK_RE = re.compile(r"\[\[(?:term|page|county|state):[^\]|\\]+?\\?\|([^\]]+?)\]\]")
DATA_RE = re.compile(r"\[\[(?:stat|figure):[^\]]+\]\]")
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)\s]+\)")
PLACEHOLDER_RE = re.compile(
    r"%\([a-z_]+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[a-z_]*\}|\{#[a-z0-9-]+\}|<[^>]+>|`[^`]*`"
)
ENGLISH_QUOTE_RE = re.compile(r"\"[^\"]*\"|“[^”]*”")


def shown(text: str) -> str:
    """Text as a reader sees it: links as their words, no stats, placeholders or tags, one space."""
    text = LINK_RE.sub(r"\1", text)
    text = DATA_RE.sub("", text)
    text = MD_LINK_RE.sub(r"\1", text)
    text = PLACEHOLDER_RE.sub(" ", text)
    return re.sub(r"\s+", " ", text.replace("*", ""))


def running_text(text: str) -> str:
    """Without what is not running Spanish: English names in parentheses and English words in quotes."""
    text = ENGLISH_QUOTE_RE.sub(" ", shown(text))
    while re.search(r"\([^()]*\)", text):
        text = re.sub(r"\([^()]*\)", " ", text)
    return text


def forbidden_in(text: str) -> list[str]:
    clean, with_parentheses = running_text(text), shown(text)
    found = []
    for term in TERMS:
        for pattern in term["forbidden"]:
            where = with_parentheses if term.get("check") == "with-parentheses" else clean
            for match in re.finditer(pattern, where, re.I):
                found.append(f"{match.group(0)!r} (use {term['es']!r} for {term['en']!r})")
    return found


def first_mentions_wrong(body: str) -> list[str]:
    """Terms whose first mention on a page (outside headings) is not the form with the English name."""
    lines = [line for line in body.splitlines() if not line.lstrip().startswith("#")]
    text = shown("\n".join(lines))
    wrong = []
    for term in TERMS:
        if "mention" not in term:
            continue
        first = re.search(rf"\b{term['mention']}\b", text, re.I)
        if first and not re.match(term["first"], text[first.start() :], re.I):
            wrong.append(
                f"first {term['es']!r} should read like {term['first']!r}: {text[first.start() :][:60]!r}"
            )
    return wrong


SPANISH_PAGES = sorted(slug for (lang, slug) in content.pages() if lang == "es")


@pytest.mark.parametrize("slug", SPANISH_PAGES)
def test_spanish_pages_use_one_term_for_each_thing(slug):
    page = content.get_page("es", slug)
    problems = []
    for case, day in content.deadline_days().items():
        body = content.choose_by_date(page.body, day, [])
        for text in (page.title, page.description_on(day), body):
            problems += [f"{case}: {p}" for p in forbidden_in(text)]
        problems += [f"{case}: {p}" for p in first_mentions_wrong(body)]
    assert list(dict.fromkeys(problems)) == []


def test_the_spanish_catalogue_uses_the_same_terms():
    problems = []
    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        for msgstr in [entry.msgstr, *entry.msgstr_plural.values()]:
            problems += [f"{entry.msgid[:60]!r}: {p}" for p in forbidden_in(msgstr)]
    assert problems == []


def test_the_term_checks_catch_the_wrong_words():
    assert forbidden_in("El sheriff de Dallas County firmó.")  # two mistakes
    assert len(forbidden_in("El sheriff de Dallas County firmó.")) == 2
    assert forbidden_in("un modelo de grupo de trabajo")
    assert forbidden_in("los agentes entregan órdenes de ICE")
    assert forbidden_in("las huellas de cada persona registrada en una cárcel")
    assert forbidden_in("durante el registro, el personal revisa")
    assert forbidden_in("tienen que solicitar o firmar un acuerdo antes del 1 de diciembre")
    assert forbidden_in("Oficina del alguacil (constable)")
    ok = "El alguacil (sheriff) del condado de Dallas (Dallas County Sheriff's Office) ejecuta órdenes."
    assert forbidden_in(ok) == []
    assert (
        forbidden_in('La oficina del alguacil, %(sheriff)s, y la "Major County Sheriffs of America".') == []
    )
    assert forbidden_in("Puede negarse a que lo registren a usted o a su carro.") == []  # a search
    assert first_mentions_wrong("El alguacil firmó. El alguacil (sheriff) también.")
    assert first_mentions_wrong("## Alguaciles\n\nLos alguaciles (sheriffs) firmaron.") == []
    assert first_mentions_wrong("El [[term:task-force|modelo de fuerza de tarea]] (Task Force) es…") == []
