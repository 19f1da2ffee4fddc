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
counties.status.SB8_DEADLINE; several may be joined with commas (`on-deadline,after-deadline`). The text
may hold citations, stats, links and even whole paragraphs or list items (it ends at the `]]` that
balances the opening `[[`), and works in a page's `description` too. It is chosen before Markdown sees
the text, so what is kept is rendered and escaped like everything else. `manage.py check` renders every
page as it reads before, on and after the deadline, so a mistake in any case is reported today.

A mistake in a file (unknown source, stat, term or page; missing front matter) is collected as an error:
`manage.py check` reports it, the tests fail on it, and the page shows a visible "[?]" instead of
crashing for a reader.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

CONTENT_DIR = Path(__file__).resolve().parent / "pages"
SOURCES_FILE = CONTENT_DIR / "sources.toml"
# The fixed set of page slugs (notes/CONVENTIONS.md). A [[page:...]] link to one of these that has no file
# yet shows as plain text, so writers can link ahead; any other slug is an error.
PLANNED_SLUGS = frozenset(
    [
        "what-is-287g",
        "models",
        "detainers",
        "texas-sb8",
        "dallas-area",
        "money",
        "history",
        "debate",
        "your-rights",
        "glossary",
        "methodology",
        "about",
        "sources",
        "privacy",
    ]
)
GLOSSARY_SLUG = "glossary"
SOURCES_SLUG = "sources"

# The fact sheet's sources are numbered 1, 2, 3...; the data this site ships (fixtures/SOURCES.md) from 901.
# load_sources() refuses an entry on the wrong side of this line, and the tests fail if the fact sheet's
# own numbering ever reaches it (tests/test_explainer.py), so the two can never collide.
SHIPPED_DATA_FIRST = 901
SHIPPED_DATA_NOTE = "fixtures/SOURCES.md"

WHEN_OPEN_RE = re.compile(r"\[\[when:([^\]|\\]*?)\\?\|")
DEADLINE_CASES = ("before-deadline", "on-deadline", "after-deadline")

CITE_RE = re.compile(r"\[(@\d+(?:\s*;\s*@\d+)*)\]")
# Inside a table cell the | before the shown text is written \| (the table syntax owns bare pipes).
REF_RE = re.compile(r"\[\[(stat|term|page|county|state|figure):([^\]|\\]+?)(?:\\?\|([^\]]+?))?\]\]")
HEADING_ID_RE = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_FIELDS = {"title": str, "description": str, "reviewed": date, "order": int}


class ContentError(Exception):
    """A content file that cannot be read at all (bad front matter, bad TOML)."""


@dataclass(frozen=True)
class Source:
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
# (tests/explainer/test_spanish_only.py), so a new wording in the fact sheet is added here.
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


@dataclass(frozen=True)
class Page:
    slug: str
    lang: str
    title: str
    description_text: str  # as written: may hold [[when:…|…]]
    reviewed: date
    order: int
    body: str
    menu: bool = False
    menu_label: str = ""
    self_sourced: bool = False
    path: Path | None = None

    @property
    def description(self) -> str:
        """The description as it reads today (for the page's <meta name="description">)."""
        return self.description_on()

    def description_on(self, day: date | None = None, errors: list | None = None) -> str:
        return choose_by_date(self.description_text, day, [] if errors is None else errors).strip()

    @property
    def url(self) -> str:
        with translation.override(self.lang):
            return reverse("explainer:page", args=[self.slug])


@dataclass
class Rendered:
    html: SafeString
    sources: list[tuple[int, Source]]
    errors: list[str]
    stats: list[str]
    terms: list[str]
    anchors: list[str]


# --- loading --------------------------------------------------------------------------------------------


def load_sources(path: Path = SOURCES_FILE) -> dict[int, Source]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    registry: dict[int, Source] = {}
    for entry in data.get("source", []):
        source = Source(
            number=entry["number"],
            title=entry["title"],
            publisher=entry["publisher"],
            date=entry.get("date", ""),
            url=entry.get("url", ""),
            note=entry.get("note", ""),
            weak=entry.get("weak", False),
            also=tuple(entry.get("also", ())),
            title_es=entry.get("title_es", ""),
        )
        if source.number in registry:
            raise ContentError(f"{path.name}: source {source.number} is listed twice")
        if (source.number >= SHIPPED_DATA_FIRST) != (source.note == SHIPPED_DATA_NOTE):
            raise ContentError(
                f"{path.name}: source {source.number}: numbers from {SHIPPED_DATA_FIRST} are the shipped data"
                f' (note = "{SHIPPED_DATA_NOTE}"), numbers below it the fact sheet\'s sources'
            )
        registry[source.number] = source
    return registry


def parse_page(text: str, *, slug: str, lang: str, path: Path | None = None) -> Page:
    """Split `+++` TOML front matter from the Markdown body and check the front matter's fields."""
    name = path.name if path else slug
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        raise ContentError(f"{lang}/{name}: the file must start with a +++ line (TOML front matter)")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "+++")
    except StopIteration:
        raise ContentError(f"{lang}/{name}: the front matter has no closing +++ line") from None
    try:
        meta = tomllib.loads("".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{lang}/{name}: front matter is not valid TOML: {exc}") from None
    for key, kind in REQUIRED_FIELDS.items():
        if not isinstance(meta.get(key), kind) or (kind is str and not meta[key].strip()):
            raise ContentError(f"{lang}/{name}: front matter needs `{key}` ({kind.__name__})")
    return Page(
        slug=slug,
        lang=lang,
        title=meta["title"].strip(),
        description_text=meta["description"].strip(),
        reviewed=meta["reviewed"],
        order=meta["order"],
        menu=bool(meta.get("menu", False)),
        menu_label=str(meta.get("menu_label", "")).strip() or meta["title"].strip(),
        self_sourced=bool(meta.get("self_sourced", False)),
        body="".join(lines[end + 1 :]),
        path=path,
    )


def _load_all() -> tuple[dict[int, Source], dict[tuple[str, str], Page]]:
    pages = {}
    for code, _name in settings.LANGUAGES:
        for path in sorted((CONTENT_DIR / code).glob("*.md")):
            if not SLUG_RE.match(path.stem):
                raise ContentError(
                    f"{code}/{path.name}: file names are lower-case slugs like what-is-287g.md"
                )
            pages[(code, path.stem)] = parse_page(
                path.read_text(encoding="utf-8"), slug=path.stem, lang=code, path=path
            )
    return load_sources(), pages


@functools.cache
def _cached():
    return _load_all()


def _content():
    # With DEBUG on, edits to content files show on the next request; otherwise they are read once.
    return _load_all() if settings.DEBUG else _cached()


def sources() -> dict[int, Source]:
    return _content()[0]


def pages() -> dict[tuple[str, str], Page]:
    return _content()[1]


def get_page(lang: str, slug: str) -> Page | None:
    return pages().get((lang, slug))


def pages_in(lang: str) -> list[Page]:
    return sorted((p for (code, _s), p in pages().items() if code == lang), key=lambda p: (p.order, p.slug))


def page_slugs() -> list[str]:
    """Every slug that has a page in at least one language, for the URL converter and the sitemap."""
    return sorted({slug for (_code, slug) in pages()})


def cited_numbers(page: Page) -> list[int]:
    """Source numbers a page cites, in order of first appearance (no rendering, no database)."""
    seen: dict[int, None] = {}
    for match in CITE_RE.finditer(page.body):
        for part in match.group(1).split(";"):
            seen.setdefault(int(part.strip().lstrip("@")), None)
    return list(seen)


def sources_by_page(lang: str) -> list[tuple[Source, list[Page]]]:
    """Every source cited anywhere on the site in one language, by number, with the pages that cite it."""
    registry = sources()
    citing: dict[int, list[Page]] = {}
    for page in pages_in(lang):
        for number in cited_numbers(page):
            if number in registry:
                citing.setdefault(number, []).append(page)
    return [(registry[number], citing[number]) for number in sorted(citing)]


# --- words chosen by the date ---------------------------------------------------------------------------


def deadline_case(day: date | None = None) -> str:
    """Where `day` (default today) stands against SB 8's deadline: before-deadline, on-deadline or after-deadline."""
    from counties.status import sb8_phase  # not at import time: counties.status needs the models

    return sb8_phase(day or timezone.localdate())


def _kept_until_the_case_changes() -> None:
    """A kept page with words chosen by today's date holds until the next day the choice can change."""
    from counties import pagecache
    from counties.status import sb8_valid_until

    until = sb8_valid_until(timezone.localdate())
    if until:
        pagecache.valid_until(until)


def deadline_days() -> dict[str, date]:
    """One day in each case, for checks that must see every version of a page."""
    from counties.status import SB8_DEADLINE

    return {
        "before-deadline": SB8_DEADLINE - timedelta(days=1),
        "on-deadline": SB8_DEADLINE,
        "after-deadline": SB8_DEADLINE + timedelta(days=1),
    }


def _closing(text: str, start: int) -> int | None:
    """Index of the `]]` (its first `]`) that balances a `[[` opened just before `start`, or None."""
    depth, i = 2, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i - 1 if text[i - 1] == "]" and i - 1 >= start else None
        i += 1
    return None


def choose_by_date(text: str, day: date | None, errors: list) -> str:
    """Keep or drop each `[[when:CASES|text]]` by `day`'s place against SB 8's deadline (default today).

    Plain text in, plain text out: what is kept goes on to Markdown (or into the description), so it is
    escaped like the rest of the page. A mistake is added to `errors` and shown as a visible "[?]".
    """
    if "[[when" not in text:
        return text
    if day is None:
        _kept_until_the_case_changes()
    case = deadline_case(day)
    out, pos = [], 0
    for match in WHEN_OPEN_RE.finditer(text):
        if match.start() < pos:
            continue  # inside a construct already handled (nested ones are chosen below)
        out.append(text[pos : match.start()])
        cases = [c.strip() for c in match.group(1).split(",")]
        end = _closing(text, match.end())
        if end is None:
            errors.append(f"[[when:{match.group(1)}|…]] has no closing ]] (or its brackets do not balance)")
            out.append("[?]")
            pos = match.end()
            continue
        pos = end + 2
        unknown = [c for c in cases if c not in DEADLINE_CASES]
        if unknown or not cases:
            errors.append(f"unknown case in [[when:{match.group(1)}|…]] (use {', '.join(DEADLINE_CASES)})")
            out.append("[?]")
            continue
        if case in cases:
            out.append(choose_by_date(text[match.end() : end], day, errors))
    out.append(text[pos:])
    result = "".join(out)
    if "[[when" in result:
        errors.append("not understood: '[[when' (write [[when:CASES|text]])")
    return result


# --- rendering ------------------------------------------------------------------------------------------


def _site_refs(state, silent):
    """Inline rule for `[@n]` citations and `[[kind:value|text]]` references."""
    if state.src[state.pos] != "[":
        return False
    match = CITE_RE.match(state.src, state.pos)
    if match:
        if not silent:
            token = state.push("cite", "", 0)
            token.meta = {"numbers": [int(p.strip().lstrip("@")) for p in match.group(1).split(";")]}
        state.pos = match.end()
        return True
    match = REF_RE.match(state.src, state.pos)
    if match:
        if not silent:
            token = state.push(f"ref_{match.group(1)}", "", 0)
            token.meta = {"value": match.group(2).strip(), "text": (match.group(3) or "").strip()}
        state.pos = match.end()
        return True
    return False


def _figure_blocks(state):
    """A paragraph that is only `[[figure:name]]` becomes the figure itself (no <figure> inside a <p>)."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        kinds = [child.type for child in token.children if child.type != "text" or child.content.strip()]
        if "ref_figure" not in kinds:
            continue
        before, after = tokens[i - 1], tokens[i + 1]
        if kinds == ["ref_figure"] and before.type == "paragraph_open" and after.type == "paragraph_close":
            before.hidden = after.hidden = True
        else:
            for child in token.children:
                if child.type == "ref_figure":
                    child.meta["inline"] = True


STACKED_TABLE_COLUMNS = 3  # a table this wide or wider becomes a list on a phone (site.css, table.stack)


def _plain_text(inline) -> str:
    """The words of an inline token (a table header), links and site references included."""
    words = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif child.meta and child.meta.get("text"):
            words.append(child.meta["text"])
    return " ".join("".join(words).split())


def _table_labels(state):
    """Tables of three columns or more read as a list on narrow screens: the first cell of each body row
    becomes its row header, every other cell is labelled with its column's header (data-label), and the
    table keeps its roles for screen readers whatever its CSS display. Every table may scroll sideways."""
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type != "table_open":
            i += 1
            continue
        end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
        table = tokens[i : end + 1]
        header_end = next(k for k, token in enumerate(table) if token.type == "thead_close")
        headers = [_plain_text(table[k + 1]) for k in range(header_end) if table[k].type == "th_open"]
        if len(headers) >= STACKED_TABLE_COLUMNS:
            table[0].attrSet("class", "stack")
            roles = {"table_open": "table", "thead_open": "rowgroup", "tbody_open": "rowgroup"}
            roles.update(tr_open="row", th_open="columnheader")
            column = 0
            for token in table:
                if token.type == "tr_open":
                    column = 0
                if token.type in roles:
                    token.attrSet("role", roles[token.type])
                elif token.type == "td_open" and column == 0:
                    token.tag = "th"  # the first cell of a body row names the row
                    token.attrSet("scope", "row")
                    token.attrSet("role", "rowheader")
                elif token.type == "td_open":
                    token.attrSet("role", "cell")
                    if column < len(headers) and headers[column]:
                        token.attrSet("data-label", headers[column])
                elif token.type == "td_close":
                    if column == 0:
                        token.tag = "th"
                    column += 1
        i = end + 1


def _render_table_open(self, tokens, idx, options, env):
    return '<div class="table-scroll">' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self, tokens, idx, options, env):
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _heading_ids(state):
    """`## Title {#anchor}` gives the heading a fixed id (before inline parsing, so the text is clean)."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens) and tokens[i + 1].type == "inline":
            inline = tokens[i + 1]
            match = HEADING_ID_RE.search(inline.content)
            if match:
                token.attrSet("id", match.group(1))
                inline.content = inline.content[: match.start()]
                state.env.setdefault("anchors", []).append(match.group(1))


def _error(env, message) -> str:
    env["errors"].append(message)
    return '<span class="content-error">[?]</span>'


def _render_cite(self, tokens, idx, options, env):
    links = []
    for number in tokens[idx].meta["numbers"]:
        source = env["sources"].get(number)
        if source is None:
            links.append(_error(env, f"unknown source [@{number}]"))
            continue
        local = env["cited"].setdefault(number, len(env["cited"]) + 1)
        label = escapeHtml(_("Source %(number)s") % {"number": local})
        links.append(f'<a href="#source-{local}" aria-label="{label}">{local}</a>')
    return '<sup class="cite">[' + ", ".join(links) + "]</sup>"


def _render_stat(self, tokens, idx, options, env):
    name = tokens[idx].meta["value"]
    stats = env["stats"]
    if name not in stats.names():
        return _error(env, f"unknown stat [[stat:{name}]]")
    env["stats_used"].append(name)
    return f'<span class="stat" data-stat="{escapeHtml(name)}">{escapeHtml(stats.display(name))}</span>'


def _render_figure(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    if meta.get("inline"):
        return _error(env, f"[[figure:{meta['value']}]] must be a paragraph of its own")
    if meta["value"] not in env["figures"].names():
        return _error(env, f"unknown figure [[figure:{meta['value']}]]")
    env["figures_used"].append(meta["value"])
    return env["figures"].render(meta["value"])


def _link(env, kind, href, text, fallback):
    text = text or fallback
    if not text:
        return _error(env, f"[[{kind}:…]] needs shown text after |")
    return f'<a href="{escapeHtml(href)}">{escapeHtml(text)}</a>'


def _render_term(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    env["terms_used"].append(meta["value"])
    if not SLUG_RE.match(meta["value"]):
        return _error(env, f"bad term slug [[term:{meta['value']}]]")
    href = reverse("explainer:page", args=[GLOSSARY_SLUG]) + "#" + meta["value"]
    return _link(env, "term", href, meta["text"], "")


def _render_page_link(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    slug, _hash, anchor = meta["value"].partition("#")
    if slug not in env["slugs"]:
        if slug in PLANNED_SLUGS and meta["text"]:
            return escapeHtml(meta["text"])
        return _error(env, f"unknown page [[page:{slug}]]")
    href = reverse("explainer:page", args=[slug]) + (f"#{anchor}" if anchor else "")
    return _link(env, "page", href, meta["text"], "")


def _render_county(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    state, _slash, slug = meta["value"].partition("/")
    try:
        href = reverse("counties:county", kwargs={"state": state, "slug": slug})
    except NoReverseMatch:
        return _error(env, f"bad county link [[county:{meta['value']}]]")
    return _link(env, "county", href, meta["text"], "")


def _render_state(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    try:
        href = reverse("counties:state", kwargs={"state": meta["value"]})
    except NoReverseMatch:
        return _error(env, f"bad state link [[state:{meta['value']}]]")
    return _link(env, "state", href, meta["text"], "")


@functools.cache
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable(["image", "html_inline", "html_block"])  # no third-party requests, no raw HTML
    md.inline.ruler.before("link", "site_refs", _site_refs)
    md.core.ruler.before("inline", "heading_ids", _heading_ids)
    md.core.ruler.after("inline", "figure_blocks", _figure_blocks)
    md.core.ruler.after("figure_blocks", "table_labels", _table_labels)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("cite", _render_cite)
    md.add_render_rule("ref_stat", _render_stat)
    md.add_render_rule("ref_term", _render_term)
    md.add_render_rule("ref_page", _render_page_link)
    md.add_render_rule("ref_county", _render_county)
    md.add_render_rule("ref_state", _render_state)
    md.add_render_rule("ref_figure", _render_figure)
    return md


def render_page(page: Page, stats, figures=None, day: date | None = None) -> Rendered:
    """Render a page's body in its own language as it reads on `day` (default today, see choose_by_date);
    `stats` is an explainer.stats.SiteStats (or a stand-in), `figures` an explainer.figures.SiteFigures
    (the default) or a stand-in."""
    if figures is None:
        from .figures import SiteFigures

        figures = SiteFigures()
    env = {
        "sources": sources(),
        "cited": {},
        "errors": [],
        "stats": stats,
        "stats_used": [],
        "terms_used": [],
        "anchors": [],
        "slugs": set(page_slugs()),
        "figures": figures,
        "figures_used": [],
    }
    body = choose_by_date(page.body, day, env["errors"])
    with translation.override(page.lang):
        html = markdown().render(body, env)
    for leftover in re.findall(r"\[\[[^\]<]{0,40}|\[@[^\]<]{0,20}", html):
        env["errors"].append(f"not understood: {leftover!r} (in a table, write \\| before the shown text)")
    cited = [(local, env["sources"][number]) for number, local in env["cited"].items()]
    return Rendered(
        html=mark_safe(html),  # noqa: S308 - markdown-it escapes all text; raw HTML and images are off
        sources=cited,
        errors=env["errors"],
        stats=env["stats_used"],
        terms=env["terms_used"],
        anchors=env["anchors"],
    )


# --- checking -------------------------------------------------------------------------------------------


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
    from .stats import STATS

    try:
        all_pages = pages()
    except ContentError as exc:
        return [str(exc)]
    errors: dict[str, None] = {}  # in order, each message once
    from .figures import FIGURES

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
