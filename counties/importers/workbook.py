"""Read one of ICE's 287(g) workbooks (.xlsx) into rows, straight from the sheet's XML.

    book = read_workbook(data)        # -> Workbook(kind, sheet, headers, rows)

An .xlsx file is a zip of XML parts. ICE's lists need only four of them: the workbook (which sheets),
its relationships (where each sheet is), the shared strings, and the sheet with its hyperlinks (the
agreement PDFs are cell hyperlinks). Reading those with the standard library's C XML parser takes about
8 s of CPU for all 328 lists we ship, where openpyxl took about 30 s; it also lets every limit be checked
before anything is expanded:

- the file's size, that it is a zip, the number of parts and the total unzipped size (zip bombs);
- each part's unzipped size before it is read, and the sheet's declared dimension before its rows;
- a row cap while streaming the rows.

Malformed input raises WorkbookError with a message meant for an editor. Columns are found by header
name (three generations of headers since 2021), never by position.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.etree import ElementTree as ET  # noqa: S405 - only for its types and ParseError; parsing is defused

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from ..text import without_controls

MAX_BYTES = 20 * 1024 * 1024  # ICE's workbook is about 0.3 MB
MAX_PARTS = 200  # ICE's files have about 20
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # the newest list expands to 1.5 MB
MAX_PART_BYTES = 16 * 1024 * 1024  # any one part (the newest sheet is 0.85 MB)
MAX_ROWS = 20_000  # ICE's list has under 2,000 rows
MAX_COLUMNS = 200
HEADER_SCAN_ROWS = 10

REQUIRED = ("STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE")
OPTIONAL = ("TYPE", "COUNTY", "SIGNED", "MOA", "ADDENDUM")

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_DIMENSION = re.compile(r"^[A-Z]{1,3}\d+:([A-Z]{1,3})(\d+)$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


class WorkbookError(ValueError):
    """The file is not one of ICE's 287(g) workbooks; the message says why, for an editor."""


class Kind:
    PARTICIPATING = "participating"
    PENDING = "pending"


@dataclass
class Cell:
    value: object = None  # str, float, bool or None, as stored
    link: str = ""  # the cell's hyperlink target, if any


@dataclass
class SheetRow:
    number: int  # the row number in the sheet (1 is usually the header)
    cells: dict[str, Cell] = field(default_factory=dict)  # header -> cell

    def text(self, header: str) -> str:
        cell = self.cells.get(header)
        return clean(cell.value) if cell is not None else ""


@dataclass
class Workbook:
    sheet: str
    headers: list[str]  # ICE's headers found, in sheet order
    rows: list[SheetRow]

    @property
    def kind(self) -> str:
        """What the columns say this list is. A participating list has SIGNED dates; a pending one none.

        ICE's pending lists have no SIGNED column at all; a participating list always has one (since 2021).
        """
        return Kind.PARTICIPATING if "SIGNED" in self.headers else Kind.PENDING


def clean(value) -> str:
    """Cell text with outer and doubled spaces (including non-breaking ones) removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(without_controls(str(value)).replace("\xa0", " ").split())


def excel_date(value) -> date | None:
    """An Excel serial day number (45922.0) as a date; None when it is not a plausible one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 20_000 < value < 80_000:  # 1954 to 2119
        return None
    return (_EXCEL_EPOCH + timedelta(days=int(value))).date()


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _check_archive(data: bytes) -> zipfile.ZipFile:
    if not data:
        raise WorkbookError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise WorkbookError(f"The file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,}).")
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError(
            "This is not an Excel workbook (.xlsx). Download ICE's file again and use it as is."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"This file is not a readable Excel workbook (.xlsx): {exc}") from exc
    if len(infos) > MAX_PARTS:
        raise WorkbookError(
            f"The workbook has {len(infos):,} parts; ICE's has about 20. It is not ICE's list."
        )
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise WorkbookError("The workbook expands to an unreasonable size; it is not ICE's list.")
    return archive


def _read_part(archive: zipfile.ZipFile, name: str, *, required: bool = True) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise WorkbookError(f"The workbook has no {name}; it is not a complete .xlsx file.") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise WorkbookError(f"The workbook's {name} is {info.file_size:,} bytes; it is not ICE's list.")
    try:
        with archive.open(info) as part:
            content = part.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise WorkbookError(f"The workbook's {name} cannot be read: {exc}") from exc
    if len(content) > MAX_PART_BYTES:  # the zip's directory lied about the size
        raise WorkbookError(f"The workbook's {name} expands beyond {MAX_PART_BYTES:,} bytes.")
    return content


# ICE's parts declare no DTD and no entity. A part that does is refused in any encoding: the byte check
# below is quick for UTF-8, and defusedxml's parser refuses a DTD or an entity whatever the encoding (a
# UTF-16 part hides "<!ENTITY" from a byte search; issue 24).
DEFUSED = {"forbid_dtd": True, "forbid_entities": True, "forbid_external": True}


def _declares_entities(name: str) -> WorkbookError:
    return WorkbookError(f"The workbook's {name} declares XML entities; it is not ICE's list.")


def _parse(content: bytes, name: str) -> ET.Element:
    if b"<!ENTITY" in content or b"<!DOCTYPE" in content:
        raise _declares_entities(name)
    try:
        return SafeET.fromstring(content, **DEFUSED)
    except DefusedXmlException as exc:
        raise _declares_entities(name) from exc
    except ET.ParseError as exc:
        raise WorkbookError(f"The workbook's {name} is not valid XML: {exc}") from exc


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, base = posixpath.split(part)
    content = _read_part(archive, posixpath.join(folder, "_rels", base + ".rels"), required=False)
    if content is None:
        return {}
    return {
        rel.get("Id", ""): rel.get("Target", "")
        for rel in _parse(content, part + ".rels").iter(_PKG_REL + "Relationship")
    }


def _sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of every worksheet, in the workbook's order."""
    root = _parse(_read_part(archive, "xl/workbook.xml"), "xl/workbook.xml")
    rels = _relationships(archive, "xl/workbook.xml")
    sheets = []
    for sheet in root.iter(_MAIN + "sheet"):
        target = rels.get(sheet.get(_REL + "id", ""), "")
        if not target:
            continue
        part = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        sheets.append((sheet.get("name", ""), part))
    if not sheets:
        raise WorkbookError("The workbook lists no sheets.")
    return sheets


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    content = _read_part(archive, "xl/sharedStrings.xml", required=False)
    if content is None:
        return []
    return [
        "".join(t.text or "" for t in si.iter(_MAIN + "t"))
        for si in _parse(content, "sharedStrings").iter(_MAIN + "si")
    ]


def _cell_value(cell: ET.Element, strings: list[str]):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_MAIN + "t"))
    value = cell.find(_MAIN + "v")
    if value is None or value.text is None:
        return None
    text = value.text
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            raise WorkbookError("A cell points to a shared string that does not exist.") from None
    if kind == "b":
        return text == "1"
    if kind in ("str", "e"):
        return text  # a formula's text result, or an error such as #N/A
    try:
        return float(text)
    except ValueError:
        return text


def _header_map(values: dict[int, object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index in sorted(values):
        name = clean(values[index]).upper()
        if name in REQUIRED + OPTIONAL and name not in found:
            found[name] = index
    return found


def _read_sheet(archive, name: str, part: str, strings: list[str]) -> Workbook | None:
    """The sheet's rows under ICE's header row, or None when this sheet has no such header.

    The sheet is streamed (iterparse), each row dropped once read, so memory stays small whatever the
    file claims. Hyperlinks come after the rows in the XML: they are matched to the cells at the end.
    """
    content = _read_part(archive, part)
    if b"<!ENTITY" in content or b"<!DOCTYPE" in content:
        raise _declares_entities(part)
    headers: dict[str, int] | None = None
    rows: list[tuple[SheetRow, dict[str, str]]] = []  # each row with {header: cell reference}
    link_ids: dict[str, str] = {}
    position = 0
    try:
        for _event, element in SafeET.iterparse(io.BytesIO(content), events=("end",), **DEFUSED):
            tag = element.tag
            if tag == _MAIN + "dimension":
                _check_dimension(name, element.get("ref", ""))
            elif tag == _MAIN + "hyperlink":
                for ref in _expand(element.get("ref", "")):
                    link_ids.setdefault(ref, element.get(_REL + "id", ""))
            elif tag == _MAIN + "row":
                position += 1
                number = int(element.get("r") or position)
                values, refs = _row_values(element, strings)
                element.clear()
                if headers is None:
                    if number > HEADER_SCAN_ROWS:
                        return None
                    found = _header_map(values)
                    if all(header in found for header in REQUIRED):
                        headers = found
                    continue
                cells = {header: Cell(values.get(index)) for header, index in headers.items()}
                if all(clean(cell.value) == "" for cell in cells.values()):
                    continue  # blank line (ICE's sheets end with some)
                rows.append((SheetRow(number, cells), {h: refs.get(i, "") for h, i in headers.items()}))
                if len(rows) > MAX_ROWS:
                    raise WorkbookError(
                        f"The sheet {name!r} has more than {MAX_ROWS:,} rows; ICE's list has under 2,000."
                    )
    except DefusedXmlException as exc:
        raise _declares_entities(part) from exc
    except ET.ParseError as exc:
        raise WorkbookError(f"The workbook's {part} is not valid XML: {exc}") from exc
    if headers is None:
        return None
    targets = _relationships(archive, part) if link_ids else {}
    for row, refs in rows:
        for header, ref in refs.items():
            target = targets.get(link_ids.get(ref, ""), "")
            if target:
                row.cells[header].link = target
    return Workbook(sheet=name, headers=sorted(headers, key=headers.get), rows=[row for row, _refs in rows])


def _check_dimension(name: str, ref: str) -> None:
    match = _DIMENSION.match(ref)
    if match and int(match.group(2)) > MAX_ROWS + HEADER_SCAN_ROWS:
        raise WorkbookError(
            f"The sheet {name!r} has {int(match.group(2)):,} rows; ICE's list has under {MAX_ROWS:,}."
        )
    if match and _column_index(match.group(1)) >= MAX_COLUMNS:
        raise WorkbookError(f"The sheet {name!r} has too many columns to be ICE's list.")


def _row_values(row: ET.Element, strings: list[str]) -> tuple[dict[int, object], dict[int, str]]:
    values: dict[int, object] = {}
    refs: dict[int, str] = {}
    for column, cell in enumerate(row.iter(_MAIN + "c")):
        ref = cell.get("r", "")
        match = _CELL_REF.match(ref)
        index = _column_index(match.group(1)) if match else column
        if index < MAX_COLUMNS:
            values[index] = _cell_value(cell, strings)
            refs[index] = ref or f"#{index}"
    return values, refs


def _expand(ref: str) -> list[str]:
    """'G2' -> ['G2']; 'G2:G4' -> ['G2', 'G3', 'G4'] (hyperlinks may cover a range; one column only)."""
    if ":" not in ref:
        return [ref]
    start, end = ref.split(":", 1)
    a, b = _CELL_REF.match(start), _CELL_REF.match(end)
    if not a or not b or a.group(1) != b.group(1):
        return [start]
    first, last = int(a.group(2)), int(b.group(2))
    return [f"{a.group(1)}{n}" for n in range(first, min(last, first + MAX_ROWS) + 1)]


def read_workbook(data: bytes) -> Workbook:
    """The first sheet with ICE's header row (STATE, LAW ENFORCEMENT AGENCY, SUPPORT TYPE) and its rows."""
    archive = _check_archive(data)
    with archive:
        strings = _shared_strings(archive)
        names = []
        for name, part in _sheets(archive):
            names.append(name)
            book = _read_sheet(archive, name, part, strings)
            if book is not None:
                if not book.rows:
                    raise WorkbookError(f"The sheet {name!r} has ICE's headers but no rows.")
                return book
    raise WorkbookError(
        "No sheet has ICE's header row (STATE, LAW ENFORCEMENT AGENCY, SUPPORT TYPE) in its first "
        f"{HEADER_SCAN_ROWS} rows. Sheets found: {', '.join(map(repr, names))}. Is this ICE's 287(g) list?"
    )
