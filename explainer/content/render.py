"""Rendering a page: markdown-it with the site's own tokens (citations, stats, figures, links), escaped."""

from __future__ import annotations

import functools
import re
from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from . import loading
from .dates import choose_by_date
from .loading import CITE_RE, GLOSSARY_SLUG, HEADING_ID_RE, PLANNED_SLUGS, REF_RE, SLUG_RE, Page, Rendered


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
    shown = stats.display(name)
    if not shown:  # a sentence stat with nothing to say (tx_list_currency before SB 8's deadline)
        return ""
    return f'<span class="stat" data-stat="{escapeHtml(name)}">{escapeHtml(shown)}</span>'


def _empty_stat_alone(tokens, inline, env) -> bool:
    """Whether the paragraph around tokens[inline] holds only a stat that shows nothing (no empty <p>)."""
    token = tokens[inline] if 0 <= inline < len(tokens) else None
    if token is None or token.type != "inline" or not token.children:
        return False
    children = [child for child in token.children if child.type != "text" or child.content.strip()]
    if len(children) != 1 or children[0].type != "ref_stat":
        return False
    name = children[0].meta["value"]
    return name in env["stats"].names() and not env["stats"].display(name)


def _render_paragraph_open(self, tokens, idx, options, env):
    return "" if _empty_stat_alone(tokens, idx + 1, env) else self.renderToken(tokens, idx, options, env)


def _render_paragraph_close(self, tokens, idx, options, env):
    return "" if _empty_stat_alone(tokens, idx - 1, env) else self.renderToken(tokens, idx, options, env)


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
    md.add_render_rule("paragraph_open", _render_paragraph_open)
    md.add_render_rule("paragraph_close", _render_paragraph_close)
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
        from ..figures import SiteFigures

        figures = SiteFigures()
    env = {
        "sources": loading.sources(),
        "cited": {},
        "errors": [],
        "stats": stats,
        "stats_used": [],
        "terms_used": [],
        "anchors": [],
        "slugs": set(loading.page_slugs()),
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
