"""One of ICE's lists as rows of plain values: what the workbook says, before anything is resolved.

    parsed = parse_list(data)     # -> ParsedList(kind, headers, rows)

Each row keeps what ICE wrote, cleaned only of stray spaces, with links unwrapped (web.archive.org,
Outlook safelinks, viewer wrappers) and the signing date read (a clean date, or ICE's text when it is
not one). The rows are stored with each Snapshot, compressed (`encode_rows`), so that the site's history
can be worked out again from all lists at once (counties/importers/rebuild.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..text import fold
from .workbook import Kind, SheetRow, WorkbookError, clean, excel_date, read_workbook

_ICE_URL = re.compile(r"https?:/+(?:www\.)?ice\.gov/", re.I)
_TEXT_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%B %d, %Y", "%b %d, %Y")
_FILENAME_DATES = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), ("y", "m", "d")),  # participating-2026-05-18.xlsx
    # The archive's own names: ParticipatingEntities-20250104041613.xlsx (a date and a time)
    (
        re.compile(
            r"(?:participating|pending)(?:entities|agencies)-(\d{4})(\d{2})(\d{2})(?:\d{6})?(?!\d)", re.I
        ),
        ("y", "m", "d"),
    ),
    (
        re.compile(r"(?:participating|pending)agencies(\d{2})(\d{2})(\d{4})(?!\d)", re.I),
        ("m", "d", "y"),
    ),  # ICE's
)
_KIND_IN_NAME = re.compile(r"(participating|pending)", re.I)


class Col:
    """Positions in a stored row (a list, to keep 150,000 rows small)."""

    NUMBER, STATE, AGENCY, TYPE, COUNTY, SUPPORT, SIGNED, SIGNED_RAW, MOA, ADDENDUM = range(10)


@dataclass
class ParsedList:
    kind: str
    headers: list[str]
    rows: list[list]  # see Col

    @property
    def content_key(self) -> str:
        return content_key(self.kind, self.rows)


def model_from(support_type: str) -> str:
    """ICE's SUPPORT TYPE -> 'jail' / 'warrant' / 'task-force' ('' when it is none of them)."""
    key = fold(support_type)
    if "jail" in key:
        return "jail"
    if "warrant" in key:
        return "warrant"
    if "task" in key:
        return "task-force"
    return ""


@lru_cache(maxsize=100_000)  # the same links recur on every list
def unwrap_url(url: str) -> str:
    """The ice.gov address inside an archive.org, Outlook safelinks or browser-viewer wrapper."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.netloc.endswith("safelinks.protection.outlook.com"):
        url = parse_qs(parts.query).get("url", [""])[0]
    matches = list(_ICE_URL.finditer(url))
    if matches:
        url = "https://www.ice.gov/" + url[matches[-1].end() :]
    elif urlsplit(url).scheme not in ("http", "https"):
        return ""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")[:500]


@lru_cache(maxsize=100_000)
def document_key(url: str) -> str:
    """A link compared as a document: 'https://www.ice.gov/doclib/287gMOA/X_TFM_MOA_1.pdf' -> 'doclib/287gmoa/x_tfm_moa_1.pdf'."""
    url = unwrap_url(url)
    if not url:
        return ""
    parts = urlsplit(url)
    return (parts.netloc.removeprefix("www.") + unquote(parts.path)).lower().replace(" ", "")


def parse_signed(value) -> tuple[str | None, str]:
    """(ISO date, raw text): the raw text is kept only when the cell is not a clean, plausible date."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat(), ""
    as_date = excel_date(value)
    if as_date is not None:
        return as_date.isoformat(), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # an Excel day number out of any plausible range (ICE once typed the year 5025)
            text = (datetime(1899, 12, 30) + timedelta(days=int(value))).date().isoformat()
        except (OverflowError, ValueError):
            text = clean(value)
        return None, text[:60]
    text = clean(value)
    if not text:
        return None, ""
    for fmt in _TEXT_DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
        if 1950 < parsed.year < 2100:
            return parsed.isoformat(), ""
    return None, text[:60]


def _link(row: SheetRow, header: str) -> str:
    cell = row.cells.get(header)
    if cell is None:
        return ""
    if cell.link:
        return unwrap_url(cell.link)
    text = clean(cell.value)
    return unwrap_url(text) if "://" in text or text.startswith("www.") else ""


def parse_list(data: bytes) -> ParsedList:
    """Read a workbook into rows; WorkbookError (a message for an editor) when it is not ICE's list."""
    book = read_workbook(data)
    has_county = "COUNTY" in book.headers
    rows = []
    for sheet_row in book.rows:
        signed, signed_raw = (
            parse_signed(sheet_row.cells["SIGNED"].value) if "SIGNED" in book.headers else (None, "")
        )
        rows.append(
            [
                sheet_row.number,
                sheet_row.text("STATE")[:60],
                sheet_row.text("LAW ENFORCEMENT AGENCY")[:255],
                sheet_row.text("TYPE")[:40],
                sheet_row.text("COUNTY")[:120] if has_county else None,
                sheet_row.text("SUPPORT TYPE")[:80],
                signed,
                signed_raw,
                _link(sheet_row, "MOA"),
                _link(sheet_row, "ADDENDUM"),
            ]
        )
    return ParsedList(kind=book.kind, headers=book.headers, rows=rows)


def content_key(kind: str, rows: list[list]) -> str:
    """What a reader could see change: the rows' agencies, models, dates and links, in any order.

    Two files with the same key are the same list, whatever their bytes (ICE re-saves the same list often).
    Names are compared folded (case, spaces, apostrophes), links as documents.
    """
    items = sorted(
        (
            fold(row[Col.STATE]),
            fold(row[Col.AGENCY]),
            model_from(row[Col.SUPPORT]),
            row[Col.SIGNED] or fold(row[Col.SIGNED_RAW]),
            document_key(row[Col.MOA]),
            document_key(row[Col.ADDENDUM]),
        )
        for row in rows
    )
    digest = hashlib.sha256(kind.encode())
    for item in items:
        digest.update(("\x1f".join(item) + "\x1e").encode())
    return digest.hexdigest()


def encode_rows(rows: list[list]) -> bytes:
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 6)


def decode_rows(data) -> list[list]:
    if not data:
        return []
    return json.loads(zlib.decompress(bytes(data)))


def date_from_filename(name: str) -> date | None:
    """'participating-2026-05-18.xlsx' or ICE's 'participatingAgencies05182026am.xlsx' -> 2026-05-18."""
    for pattern, order in _FILENAME_DATES:
        match = pattern.search(name or "")
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def kind_from_filename(name: str) -> str | None:
    """'pendingAgencies02272026am.xlsx' -> 'pending'; None when the name does not say."""
    match = _KIND_IN_NAME.search(name or "")
    if not match:
        return None
    return Kind.PENDING if match.group(1).lower() == "pending" else Kind.PARTICIPATING


__all__ = [
    "Col",
    "Kind",
    "ParsedList",
    "WorkbookError",
    "content_key",
    "date_from_filename",
    "decode_rows",
    "document_key",
    "encode_rows",
    "kind_from_filename",
    "model_from",
    "parse_list",
    "parse_signed",
    "unwrap_url",
]
