"""Every quotation on every explainer page is a source's own words, checked against docs/FACTS.md.

The rule (explainer/pages/README.md, "Quotations"):
- Quotation marks, "…" or “…”, hold only a source's exact words. The quote belongs to the first citation
  after it in the same paragraph, list item or table cell, and must be in that source's fact-sheet quote
  text (whitespace, quotation marks, apostrophes and case aside; [...] or … where words are left out).
- A word talked about as a word, a nickname or a button's label is in *italics*, never in quotation marks.
- Spanish pages write a source's English words in "…" (checked as above), and their own translation of a
  source's words in «…»: a translated quote must be followed by a citation of a source that the English
  page of the same slug also quotes, so a Spanish page cannot quote a source the English page does not.
Every page is checked as it reads before, on and after SB 8's deadline.

Also here: a sentence that says "now", "today" or "currently" about a figure carries the figure's date,
and every outside link is a URL copied exactly from the fact sheet.
"""

from __future__ import annotations

import datetime
import re

import pytest

from explainer import content
from explainer.content import CITE_RE, Page
from tests import factsheet
from tests.explainer.pages import make_page

DAYS = content.deadline_days()
LINK_TEXT_RE = re.compile(r"\[\[(?:term|page|county|state):[^\]|\\]+?\\?\|([^\]]+?)\]\]")
DATA_REF_RE = re.compile(r"\[\[(stat|figure):([^\]]+)\]\]")
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")
QUOTE_RE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»")


def blocks(page: Page, day: datetime.date) -> list[str]:
    """The page's paragraphs, list items, headings and table cells (raw inline Markdown), as on `day`."""
    body = content.choose_by_date(page.body, day, [])
    return [token.content for token in content.markdown().parse(body, {}) if token.type == "inline"]


def plain(block: str) -> str:
    """Shown text for links and stats, no emphasis marks; citations stay (they attribute the quotes)."""
    block = LINK_TEXT_RE.sub(r"\1", block)
    block = DATA_REF_RE.sub(lambda m: "{" + m.group(2) + "}", block)
    block = MD_LINK_RE.sub(r"\1", block)
    return re.sub(r"\s+", " ", block.replace("*", ""))


def quotes(page: Page, day: datetime.date):
    """(kind, quoted words, cited numbers or None, the block) for every quotation on the page."""
    for block in blocks(page, day):
        text = plain(block)
        if text.count('"') % 2:
            yield ("unpaired", text, None, text)
            continue
        for match in QUOTE_RE.finditer(text):
            kind = "translation" if match.group(3) is not None else "original"
            words = next(group for group in match.groups() if group is not None)
            cite = CITE_RE.search(text, match.end())
            numbers = [int(n.strip().lstrip("@")) for n in cite.group(1).split(";")] if cite else None
            yield (kind, words, numbers, text)


def quote_problems(page: Page, day: datetime.date, english: Page | None = None) -> list[str]:
    """Everything wrong with the quotations of one page on one day (empty when all is well)."""
    problems = []
    english_sources = set()
    if english is not None:
        english_sources = {n for _k, _w, numbers, _t in quotes(english, day) for n in numbers or []}
    for kind, words, numbers, block in quotes(page, day):
        where = f"{page.lang}/{page.slug} ({content.deadline_case(day)}): “{words}”"
        if kind == "unpaired":
            problems.append(f"{page.lang}/{page.slug}: a quotation mark has no pair in: {block[:120]}")
        elif numbers is None:
            problems.append(f"{where}: no citation after it in the same paragraph or list item")
        elif kind == "translation":
            if page.lang == "en":
                problems.append(f"{where}: «…» marks a translation; English pages quote in “…”")
            elif not set(numbers) & english_sources:
                problems.append(
                    f"{where}: translates a quote of {numbers}, which the English page does not quote"
                )
        elif factsheet.find_quote(words, numbers) is None:
            problems.append(f"{where}: not in the fact-sheet quotes of source(s) {numbers}")
    return problems


PAGES = sorted(content.pages())


@pytest.mark.parametrize(("lang", "slug"), PAGES)
def test_every_quote_on_every_page_is_in_its_source(lang, slug):
    page = content.get_page(lang, slug)
    english = content.get_page("en", slug) if lang != "en" else None
    problems = [p for day in DAYS.values() for p in quote_problems(page, day, english)]
    assert list(dict.fromkeys(problems)) == []


def test_the_quote_checker_catches_a_made_up_quote():
    day = DAYS["on-deadline"]
    made_up = make_page('DHS said it would arrest "every single person in the country." [@18]')
    assert any("not in the fact-sheet quotes of source(s) [18]" in p for p in quote_problems(made_up, day))
    sharper = make_page('In 2025, DHS said it would "find, arrest, and deport" everyone. [@18]')
    assert quote_problems(sharper, day) == []  # a real part of the quote...
    wrong_source = make_page('DHS said it would "find, arrest, and deport" people. [@19]')
    assert quote_problems(wrong_source, day)  # ...but not from that source
    uncited = make_page('ICE calls it a "force multiplier."')
    assert any("no citation after it" in p for p in quote_problems(uncited, day))


def test_the_quote_checker_allows_left_out_words_and_typographic_quotes():
    day = DAYS["on-deadline"]
    left_out = make_page("The jail “has been a phenomenal cooperator [...] he emphasized.” [@49]")
    assert quote_problems(left_out, day) == []
    reordered = make_page('The jail "he emphasized [...] has been a phenomenal cooperator." [@49]')
    assert quote_problems(reordered, day)
    apostrophe = make_page('Smith said: "It\'s just giving them another tool to keep in their chest." [@19]')
    assert quote_problems(apostrophe, day) == []


def test_spanish_translations_must_be_marked_and_quote_what_the_english_page_quotes():
    day = DAYS["on-deadline"]
    english = make_page('Sheriff Waybourn: "No one is raiding schools or churches." [@52]')
    ok = make_page("El alguacil: «Nadie está haciendo redadas en escuelas». [@52]", lang="es")
    assert quote_problems(ok, day, english) == []
    invented = make_page("El DHS dijo: «vamos a arrestar a todos». [@18]", lang="es")
    assert any("which the English page does not quote" in p for p in quote_problems(invented, day, english))
    unmarked = make_page('El alguacil dijo: "Nadie está haciendo redadas." [@52]', lang="es")
    assert any("not in the fact-sheet quotes" in p for p in quote_problems(unmarked, day, english))
    kept_in_english = make_page('En inglés: "No one is raiding schools or churches." [@52]', lang="es")
    assert quote_problems(kept_in_english, day, english) == []


# --- "now" and "today" carry a date --------------------------------------------------------------------

NOW_RE = re.compile(r"\b(now|today|currently|at present|hoy|ahora|actualmente|hoy en día)\b", re.I)
FIGURE_RE = re.compile(r"\{(?!ice_list_date|first_ice_list_date)[a-z_]+\}|\b\d[\d,.]*\b")
DATE_RE = re.compile(
    r"\{(?:ice_list_date|first_ice_list_date)\}|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b[^.]*\b20\d\d\b|"
    r"\b\d{1,2} de (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
    r" de 20\d\d\b"
)


def dateless_now(page: Page, day: datetime.date) -> list[str]:
    found = []
    for block in blocks(page, day):
        text = plain(block)
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            about_a_figure = NOW_RE.search(sentence) and FIGURE_RE.search(CITE_RE.sub("", sentence))
            if about_a_figure and not DATE_RE.search(sentence):
                found.append(f"{page.lang}/{page.slug}: {sentence}")
    return found


def test_now_and_today_about_a_figure_carry_the_figure_date():
    problems = [
        p for page in content.pages().values() for day in DAYS.values() for p in dateless_now(page, day)
    ]
    assert list(dict.fromkeys(problems)) == []
    made_up = make_page("ICE now lists [[stat:agreements]] agreements. [@901]")
    assert dateless_now(made_up, DAYS["on-deadline"])
    dated = make_page("On ICE's list of [[stat:ice_list_date]], ICE now lists [[stat:agreements]]. [@901]")
    assert dateless_now(dated, DAYS["on-deadline"]) == []
    for page in content.pages().values():
        for day in DAYS.values():
            headings = re.findall(r"^#+ (.*)$", content.choose_by_date(page.body, day, []), re.M)
            for heading in [page.title, *headings]:  # the title is the page's <h1>
                assert not NOW_RE.search(heading), (page.lang, page.slug, heading)


# --- outside links -------------------------------------------------------------------------------------


def test_every_outside_link_is_a_url_from_the_fact_sheet():
    facts = factsheet.text()
    for page in content.pages().values():
        for _text, url in MD_LINK_RE.findall(page.body):
            assert url in facts, (page.lang, page.slug, url)
        assert not re.search(r"\]\((?!https?://)", page.body), (page.lang, page.slug)
