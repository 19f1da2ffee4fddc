"""Measure the reading level of every explainer page: `manage.py reading_level [--write docs/reading-levels.md]`.

English: Flesch-Kincaid grade. Spanish: Fernández-Huerta reading ease (0-100, higher is easier; 60-70
is "normal", about grades 8-9) and Szigriszt-Pazos perspicuity (INFLESZ scale). Measured on the body
text a reader sees: headings, tables, citation marks and the closing "not legal advice" line left out.
"""

import re
from html import unescape

from django.core.management.base import BaseCommand

from explainer import content


def readable_text(page) -> str:
    from explainer.figures import FIGURES

    no_data = content._NameOnlyStats  # counts, charts and data tables are not prose: left out
    html = str(content.render_page(page, no_data(frozenset(_stat_names())), no_data(frozenset(FIGURES))).html)
    html = re.sub(r'<sup class="cite">.*?</sup>', "", html, flags=re.S)
    html = re.sub(r"<(table|h[1-6])[^>]*>.*?</\1>", "", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\s+", " ", " ".join(line for line in lines if line))


def _stat_names():
    from explainer.stats import STATS

    return STATS


WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.!?¿¡:;]+(?=\s|$)")


SPANISH_VOWELS_RE = re.compile(r"[aeiouáéíóúü]+")


def syllables(word: str, lang: str, hyphenator) -> int:
    """English: break points of the hyphenation dictionary, plus one. Spanish: vowel nuclei (a, e, o and
    accented vowels are strong; two strong vowels are two syllables, a weak i/u joins its neighbour)."""
    word = word.lower()
    if lang == "es":
        return max(1, sum(max(1, len(re.findall("[aeoáéíóú]", g))) for g in SPANISH_VOWELS_RE.findall(word)))
    return hyphenator.inserted(word).count("-") + 1


def measure(page) -> dict:
    """Flesch-Kincaid grade (English) or Fernández-Huerta and Szigriszt-Pazos (Spanish) for one page."""
    import pyphen

    text = readable_text(page)
    words = WORD_RE.findall(text)
    sentences = max(len(SENTENCE_END_RE.findall(text)), 1)
    hyphenator = pyphen.Pyphen(lang="en_US", left=1, right=2)
    syllable_count = sum(syllables(w, page.lang, hyphenator) for w in words)
    n = max(len(words), 1)
    per_sentence = n / sentences
    per_word = syllable_count / n
    result = {"words": len(words), "words_per_sentence": round(per_sentence, 1)}
    if page.lang == "es":
        result["fernandez_huerta"] = round(206.84 - 60 * per_word - 1.02 * per_sentence, 1)
        result["szigriszt_pazos"] = round(206.835 - 62.3 * per_word - per_sentence, 1)
    else:
        result["fk_grade"] = round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1)
    return result


class Command(BaseCommand):
    help = "Report the reading level of every explainer page in every language."

    def add_arguments(self, parser):
        parser.add_argument("--write", help="Also write the table as Markdown to this file.")

    def handle(self, *args, write=None, **options):
        rows = [
            "| page | English FK grade | words | words/sentence | Spanish Fernández-Huerta | Szigriszt-Pazos | palabras |",
            "|---|---|---|---|---|---|---|",
        ]
        english = {p.slug: p for p in content.pages_in("en")}
        spanish = {p.slug: p for p in content.pages_in("es")}
        for slug, page in english.items():
            en = measure(page)
            es = measure(spanish[slug]) if slug in spanish else {}
            rows.append(
                f"| {slug} | {en['fk_grade']} | {en['words']} | {en['words_per_sentence']} | "
                f"{es.get('fernandez_huerta', '–')} | {es.get('szigriszt_pazos', '–')} | {es.get('words', '–')} |"
            )
        table = "\n".join(rows)
        self.stdout.write(table)
        if write:
            with open(write, "w", encoding="utf-8") as fh:
                fh.write(
                    "# Reading level of the explainer pages\n\n"
                    "Measured with `make reading-level` (English syllables from pyphen's hyphenation dictionary, Spanish\n"
                    "syllables from vowel nuclei; standard formulas) on the text a reader sees, without headings,\n"
                    "tables, citation marks or the closing disclaimer. English: Flesch-Kincaid grade (target about 8).\n"
                    "Spanish: Fernández-Huerta ease (higher is easier; 60-70 is plain, about grade 8-9) and\n"
                    'Szigriszt-Pazos perspicuity (INFLESZ: 55-65 "normal", above 65 "fairly easy").\n'
                    'Glossary entries and program names ("Warrant Service Officer") raise the scores a little.\n\n'
                    + table
                    + "\n"
                )
