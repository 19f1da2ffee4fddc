"""Checking every page in every case of the date (manage.py check, the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from . import loading
from .dates import deadline_days
from .loading import GLOSSARY_SLUG, ContentError, cited_numbers
from .render import render_page


@dataclass
class _NameOnlyStats:
    """Knows the stat names but never touches the database: for checks that run without data."""

    known: frozenset = field(default_factory=frozenset)

    def names(self):
        return self.known

    def display(self, name):
        return "0"

    def render(self, name):  # also stands in for explainer.figures.SiteFigures
        return ""


def content_errors() -> list[str]:
    """Every problem in the content files, as readable messages (empty when all is well).

    Each page is checked as it reads before, on and after SB 8's deadline ([[when:…]]), so a mistake in
    words shown only on some days is reported on every day.
    """
    from ..stats import STATS

    try:
        all_pages = loading.pages()
    except ContentError as exc:
        return [str(exc)]
    errors: dict[str, None] = {}  # in order, each message once
    from ..figures import FIGURES

    stats = _NameOnlyStats(frozenset(STATS))
    figures = _NameOnlyStats(frozenset(FIGURES))
    langs = [code for code, _name in settings.LANGUAGES]
    for case, day in deadline_days().items():
        glossary_ids = {}
        rendered = {}
        for key, page in all_pages.items():
            rendered[key] = render_page(page, stats, figures, day=day)
            if page.slug == GLOSSARY_SLUG:
                glossary_ids[page.lang] = set(rendered[key].anchors)
        titles: dict[tuple[str, str], str] = {}
        for (lang, slug), page in sorted(all_pages.items()):
            where = f"{lang}/{slug}.md"
            found = list(rendered[(lang, slug)].errors)
            for term in rendered[(lang, slug)].terms:
                if term not in glossary_ids.get(lang, set()):
                    found.append(f"[[term:{term}]] has no {{#{term}}} heading in {lang}/{GLOSSARY_SLUG}.md")
            for other in langs:
                if (other, slug) not in all_pages:
                    found.append(f"no {other}/{slug}.md (every page exists in every language)")
            description_errors: list[str] = []
            description = page.description_on(day, description_errors)
            found += [f"description: {message}" for message in description_errors]
            if "[[" in description or "]]" in description:
                found.append(f"description ({case}) holds markup that is not understood: {description!r}")
            if not description:
                found.append(f"description ({case}) is empty")
            for kind, value in (("title", page.title), ("description", description)):
                if (lang, kind + value) in titles:
                    found.append(f"same {kind} as {titles[(lang, kind + value)]} ({case})")
                titles[(lang, kind + value)] = where
            if not cited_numbers(page) and not page.self_sourced:
                found.append(
                    "cites no source (only a page about this site itself may say self_sourced = true)"
                )
            errors.update((f"{where}: {message}", None) for message in found)
        for lang in langs:
            if (lang, GLOSSARY_SLUG) in all_pages and glossary_ids.get(lang) != glossary_ids.get(langs[0]):
                errors[
                    f"{lang}/{GLOSSARY_SLUG}.md: term anchors differ from {langs[0]}/{GLOSSARY_SLUG}.md"
                ] = None
    return list(errors)
