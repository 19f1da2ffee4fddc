"""Reading the content: every page's front matter and body, and the sources registry; what pages cite."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString

from .dates import choose_by_date
from .sources import CitedSource

CONTENT_DIR = Path(__file__).resolve().parent.parent / "pages"
SOURCES_FILE = CONTENT_DIR / "sources.toml"
# The fixed set of page slugs. A [[page:...]] link to one of these that has no file
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
# own numbering ever reaches it (tests/explainer/test_explainer.py), so the two can never collide.
SHIPPED_DATA_FIRST = 901
SHIPPED_DATA_NOTE = "fixtures/SOURCES.md"


CITE_RE = re.compile(r"\[(@\d+(?:\s*;\s*@\d+)*)\]")
# Inside a table cell the | before the shown text is written \| (the table syntax owns bare pipes).
REF_RE = re.compile(r"\[\[(stat|term|page|county|state|figure):([^\]|\\]+?)(?:\\?\|([^\]]+?))?\]\]")
HEADING_ID_RE = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_FIELDS = {"title": str, "description": str, "reviewed": date, "order": int}


class ContentError(Exception):
    """A content file that cannot be read at all (bad front matter, bad TOML)."""


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
    sources: list[tuple[int, CitedSource]]
    errors: list[str]
    stats: list[str]
    terms: list[str]
    anchors: list[str]


def load_sources(path: Path = SOURCES_FILE) -> dict[int, CitedSource]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    registry: dict[int, CitedSource] = {}
    for entry in data.get("source", []):
        source = CitedSource(
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


def _load_all() -> tuple[dict[int, CitedSource], dict[tuple[str, str], Page]]:
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


def sources() -> dict[int, CitedSource]:
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


def sources_by_page(lang: str) -> list[tuple[CitedSource, list[Page]]]:
    """Every source cited anywhere on the site in one language, by number, with the pages that cite it."""
    registry = sources()
    citing: dict[int, list[Page]] = {}
    for page in pages_in(lang):
        for number in cited_numbers(page):
            if number in registry:
                citing.setdefault(number, []).append(page)
    return [(registry[number], citing[number]) for number in sorted(citing)]
