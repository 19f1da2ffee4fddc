"""Hostile workbooks, built byte by byte: small files that are costly to read."""

import io
import resource
import zipfile

import pytest

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEADERS = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]


def xlsx(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def one_sheet(sheet_xml: bytes, **extra: bytes) -> dict[str, bytes]:
    return {
        "xl/workbook.xml": b"<workbook " + MAIN + b" " + REL + b'><sheets><sheet name="S" sheetId="1" '
        b'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
        **{name.replace("__", "/"): content for name, content in extra.items()},
    }


def _cell(column: str, row: int, text: str) -> bytes:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def rows_xml(count: int, *, dimension=True) -> bytes:
    """ICE's header row, then `count` rows of agencies (inline strings, no shared strings)."""
    columns = "ABCDEFGH"
    head = (
        b'<row r="1">' + b"".join(_cell(c, 1, h) for c, h in zip(columns, HEADERS, strict=True)) + b"</row>"
    )
    body = b"".join(
        b'<row r="%d">' % n
        + _cell("A", n, "TEXAS")
        + _cell("B", n, f"Agency {n} Police Department")
        + _cell("E", n, "Task Force Model")
        + b"</row>"
        for n in range(2, count + 2)
    )
    dim = b'<dimension ref="A1:H%d"/>' % (count + 1) if dimension else b""
    return b"<worksheet " + MAIN + b">" + dim + b"<sheetData>" + head + body + b"</sheetData></worksheet>"


def many_rows(count=50_000) -> bytes:
    """A workbook of 50,000 rows that does not say so (no dimension): found out only by reading."""
    return xlsx(one_sheet(rows_xml(count, dimension=False)))


def expanding_to(megabytes=150) -> bytes:
    """A few hundred KB that expand to 150 MB (one part full of spaces)."""
    padding = b" " * (megabytes * 1024 * 1024)
    return xlsx(one_sheet(rows_xml(3), **{"xl__media__padding.bin": padding}))


def million_shared_strings() -> bytes:
    """About 40 KB that stays inside every size limit (a 16 MB part) but is a million XML elements."""
    item = b"<si><t>a</t></si>"
    strings = b"<sst " + MAIN + b">" + item * ((16 * 1024 * 1024 - 200) // len(item)) + b"</sst>"
    return xlsx(one_sheet(rows_xml(3), **{"xl__sharedStrings.xml": strings}))


# Each bomb with the words of the message that refuses it (for pytest.mark.parametrize("build", "message")).
BOMBS = [
    pytest.param(expanding_to, "unreasonable size", id="150-MB-when-expanded"),
    pytest.param(many_rows, "more than 20,000 rows", id="50000-rows"),
    pytest.param(million_shared_strings, "far more memory", id="a-million-shared-strings"),
]


def children_cpu_seconds() -> float:
    """CPU time of this process's finished children (a bounded parse runs in one): unlike the clock, not
    stretched by a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
