"""Explainer pages: Markdown files with TOML front matter, rendered safely with markdown-it-py.

One file per page and language: `explainer/pages/<lang>/<slug>.md` (see explainer/pages/README.md for
the writing conventions). Raw HTML is off, images are off, and every custom piece of syntax is its own
markdown-it token whose output is escaped, so nothing written in a content file reaches a reader's page
unescaped:

- `[@12]`, `[@12; @3]`        citation of source 12 (and 3) in explainer/pages/sources.toml
- `[[stat:name]]`             a number or date computed from the database (explainer/stats.py)
- `[[term:slug|text]]`        link to the glossary entry `#slug`
- `[[page:slug#anchor|text]]` link to another explainer page (anchor optional)
- `[[county:tx/dallas-county|text]]`, `[[state:tx|text]]`  link to a county or state page
- `## Heading {#anchor}`      a heading with a fixed id, the same in every language
- `[[when:after-deadline|text]]`  text shown only on some days, chosen by the date (see below)

Words that depend on the date: `[[when:CASES|text]]` keeps `text` when today's date (in the site's time
zone, `django.utils.timezone.localdate()`) is in one of CASES, and drops it otherwise. The cases are
`before-deadline`, `on-deadline` and `after-deadline`, measured against Texas SB 8's deadline,
counties.deadline.SB8_DEADLINE; several may be joined with commas (`on-deadline,after-deadline`). The text
may hold citations, stats, links and even whole paragraphs or list items (it ends at the `]]` that
balances the opening `[[`), and works in a page's `description` too. It is chosen before Markdown sees
the text, so what is kept is rendered and escaped like everything else. `manage.py check` renders every
page as it reads before, on and after the deadline, so a mistake in any case is reported today.

A mistake in a file (unknown source, stat, term or page; missing front matter) is collected as an error:
`manage.py check` reports it, the tests fail on it, and the page shows a visible "[?]" instead of
crashing for a reader.

The package: loading (files, front matter, the registry), sources (a source and its dates in Spanish),
dates (the `[[when:…]]` words), render (markdown-it and the site's tokens), checks (every page, every case).
Everything callers use is importable from `explainer.content`.
"""

from .checks import _NameOnlyStats, content_errors
from .dates import DEADLINE_CASES, choose_by_date, deadline_case, deadline_days
from .loading import (
    CITE_RE,
    GLOSSARY_SLUG,
    SHIPPED_DATA_FIRST,
    SHIPPED_DATA_NOTE,
    SOURCES_FILE,
    SOURCES_SLUG,
    ContentError,
    Page,
    Rendered,
    _load_all,
    cited_numbers,
    get_page,
    load_sources,
    page_slugs,
    pages,
    pages_in,
    parse_page,
    sources,
    sources_by_page,
)
from .render import markdown, render_page
from .sources import CitedSource, source_date_in_spanish

__all__ = [
    "CITE_RE",
    "ContentError",
    "DEADLINE_CASES",
    "GLOSSARY_SLUG",
    "Page",
    "Rendered",
    "SHIPPED_DATA_FIRST",
    "SHIPPED_DATA_NOTE",
    "SOURCES_FILE",
    "SOURCES_SLUG",
    "CitedSource",
    "_NameOnlyStats",
    "_load_all",
    "choose_by_date",
    "cited_numbers",
    "content_errors",
    "deadline_case",
    "deadline_days",
    "get_page",
    "load_sources",
    "markdown",
    "page_slugs",
    "pages",
    "pages_in",
    "parse_page",
    "render_page",
    "source_date_in_spanish",
    "sources",
    "sources_by_page",
]
