"""One of ICE's lists as rows of plain values: what the workbook says, before anything is resolved.

    parsed = parse_list(data)     # -> ParsedList(kind, headers, rows)

Each row keeps what ICE wrote, cleaned only of stray spaces, with links unwrapped (web.archive.org,
Outlook safelinks, viewer wrappers) and the signing date read (a clean date, or ICE's text when it is
not one). The rows are stored with each Snapshot, compressed (`encode_rows`), so that the site's history
can be worked out again from all lists at once (counties/importers/rebuild/).
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
# ICE's date for a list, from the file's name, in every scheme seen (evidence: shared/data/ice287g/
# ICE-PAGE-2026.md, from public scrapers that read ICE's page daily, and the archive's own names). Each is
# (pattern, order of the numbers); a part of day (am, mid, pm) follows when ICE posts more than one a day.
_LIST_WORD = r"(?:287g)?(?:participating|pending)(?:agenc(?:y|ies)|entities)"
_FILENAME_DATES = (
    # The archive's and this site's own names: participating-2026-05-18.xlsx
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), ("y", "m", "d")),
    # The archive's capture names, a date and a time: ParticipatingEntities-20250104041613.xlsx
    (re.compile(_LIST_WORD + r"-(\d{4})(\d{2})(\d{2})(?:\d{6})?(?!\d)", re.I), ("y", "m", "d")),
    # participatingAgencies_20260518.xlsx
    (re.compile(_LIST_WORD + r"_(\d{4})(\d{2})(\d{2})(?!\d)", re.I), ("y", "m", "d")),
    # participatingAgencies05182026am.xlsx (to mid-2026); 287gParticipatingAgencies091526pm.xlsx (two-digit
    # year, since 2026-09-15); ParticipatingAgency091826.xlsx (since 2026-09-18). A four-digit year may run
    # into a stray digit before the part of day ("041720263pm" is 2026-04-17); a two-digit year never does.
    (
        re.compile(_LIST_WORD + r"(\d{2})(\d{2})(\d{4}(?=\d?(?:am|mid|pm)?(?:\D|$))|\d{2}(?!\d))", re.I),
        ("m", "d", "y"),
    ),
)
_PART_OF_DAY = re.compile(_LIST_WORD + r"_?\d{6,9}(am|mid|pm)", re.I)
EARLIEST_LIST = date(2005, 1, 1)  # no list of ICE's predates this: a name that says so is a typo
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
    """(ISO date, raw text): the raw text is kept when the cell is not a clean, plausible date: alone when it
    cannot be read, beside the date when a typo of an unambiguous shape was repaired (repair_signed)."""
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
    parsed = _text_date(text)
    if parsed is not None:
        return parsed.isoformat(), ""
    repaired = repair_signed(text)
    if repaired is not None:
        # A repaired date keeps ICE's text beside it: a date with a raw text is a repair (Col.SIGNED_RAW).
        return repaired.isoformat(), text[:60]
    return None, text[:60]


def _text_date(text: str) -> date | None:
    for fmt in _TEXT_DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
        if 1950 < parsed.year < 2100:
            return parsed
    return None


# ICE's SIGNED typos with one reading only (shared/data/ice287g/ICE-PAGE-2026.md; in the shipped archive:
# '7/72025' on 10 rows from 2025-07-08, '05/082025' on 27 from 2025-05-12, '8/282025' on 2 from 2025-09-03;
# '5/31/20026' on ICE's 2026 lists). Anything else ('5025-07-07': 2025 or 2052?) stays as ICE wrote it.
_SIGNED_REPAIRS = (
    # a dropped slash before a four-digit year: 7/72025 -> 7/7/2025, 05/082025 -> 05/08/2025
    (re.compile(r"^(\d{1,2})/(\d{1,2})(20\d{2})$"), r"\1/\2/\3"),
    # a five-digit year with a doubled zero: 5/31/20026 -> 5/31/2026
    (re.compile(r"^(\d{1,2})/(\d{1,2})/200(\d{2})$"), r"\1/\2/20\3"),
)


def repair_signed(text: str) -> date | None:
    """The date a SIGNED typo of an unambiguous shape stands for (see _SIGNED_REPAIRS), else None."""
    for pattern, replacement in _SIGNED_REPAIRS:
        if pattern.match(text):
            found = _text_date(pattern.sub(replacement, text))
            if found is not None and found >= EARLIEST_LIST:
                return found
    return None


def signed_was_repaired(signed, signed_raw: str) -> bool:
    """A stored SIGNED date with ICE's own text beside it was read from a typo (parse_signed)."""
    return bool(signed) and bool(signed_raw)


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


@dataclass(frozen=True)
class ListName:
    """What a file's name says of ICE's list: its kind, its date, the part of day, and why a date-like part
    of the name is not a date (``problem``)."""

    name: str
    kind: str | None = None
    date: date | None = None
    part: str = ""  # "am", "mid", "pm" or ""
    problem: str = ""


def read_name(name: str, *, today: date | None = None) -> ListName:
    """ICE's file names, every scheme (see _FILENAME_DATES): 'participatingAgencies05182026am.xlsx',
    '287gParticipatingAgencies091526pm.xlsx', 'ParticipatingAgency091826.xlsx',
    'participatingAgencies_20260518.xlsx', 'participating-2026-05-18.xlsx'.

    A date that cannot be (day 00), one after `today` (ICE's typo '03113025am' is the year 3025) or before
    2005 is no date (a day after `today` is allowed: ICE's clock runs ahead of Texas's): `problem` says why, and the caller dates the list another way or asks an editor.
    """
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kind = kind_from_filename(name)
    part_match = _PART_OF_DAY.search(name)
    part = part_match.group(1).lower() if part_match else ""
    for pattern, order in _FILENAME_DATES:
        match = pattern.search(name)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        year = int(parts["y"]) + (2000 if len(parts["y"]) == 2 else 0)
        try:
            found = date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            problem = f"the name's date ({parts['m']}/{parts['d']}/{parts['y']}) is not a real date"
            return ListName(name, kind, None, part, problem)
        if found < EARLIEST_LIST:
            return ListName(name, kind, None, part, f"the name's date ({found}) is before 2005")
        if today is not None and found > today + timedelta(days=1):  # a day's slack: ICE's clock is Eastern
            return ListName(name, kind, None, part, f"the name's date ({found}) is in the future")
        return ListName(name, kind, found, part)
    return ListName(name, kind, None, part, "the name has no date")


def date_from_filename(name: str, *, today: date | None = None) -> date | None:
    """ICE's date for the list named `name` (read_name), or None."""
    if today is None:
        from django.utils import timezone  # here: the bounded child that reads workbooks imports no Django

        today = timezone.localdate()
    return read_name(name, today=today).date


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
    "ListName",
    "read_name",
    "document_key",
    "encode_rows",
    "kind_from_filename",
    "model_from",
    "parse_list",
    "parse_signed",
    "repair_signed",
    "signed_was_repaired",
    "unwrap_url",
]
