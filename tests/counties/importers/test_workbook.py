"""The workbook reader: the same cells as openpyxl on ICE's real files, and every limit checked before a
hostile file is expanded (no database needed)."""

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from counties.importers import workbook as reader
from counties.importers.lists import parse_list
from counties.importers.workbook import WorkbookError, clean, excel_date, read_workbook
from tests.counties.workbooks import tf, workbook

ARCHIVE = Path(settings.BASE_DIR) / "fixtures" / "ice287g"


@pytest.mark.parametrize(
    "name",
    [
        "participating/participating-2021-01-13.xlsx",
        "participating/participating-2026-05-18.xlsx",
        "pending/pending-2026-02-27.xlsx",
    ],
)
def test_the_same_cells_and_links_as_openpyxl_on_real_files(name):
    data = (ARCHIVE / name).read_bytes()
    book = read_workbook(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    header_row = next(
        i
        for i, row in enumerate(sheet.iter_rows(max_row=10, values_only=True), 1)
        if "STATE" in [clean(v).upper() for v in row]
    )
    columns = {clean(c.value).upper(): c.column - 1 for c in sheet[header_row] if clean(c.value)}
    expected = []
    for cells in sheet.iter_rows(min_row=header_row + 1):
        values = {h: cells[i] for h, i in columns.items() if h in book.headers and i < len(cells)}
        if all(clean(c.value) == "" for c in values.values()):
            continue
        expected.append(values)
    assert len(book.rows) == len(expected) > 0
    for row, cells in zip(book.rows, expected, strict=True):
        for header, cell in cells.items():
            ours = row.cells[header]
            if hasattr(cell.value, "date"):
                assert excel_date(ours.value) == cell.value.date()
            else:
                assert clean(ours.value) == clean(cell.value), (row.number, header)
            assert ours.link == (
                cell.hyperlink.target if cell.hyperlink is not None and cell.hyperlink.target else ""
            )


def test_kind_is_read_from_the_columns():
    assert read_workbook((ARCHIVE / "pending/pending-2026-02-27.xlsx").read_bytes()).kind == "pending"
    assert (
        read_workbook((ARCHIVE / "participating/participating-2026-05-18.xlsx").read_bytes()).kind
        == "participating"
    )


def test_a_year_typed_as_5025_is_kept_as_icess_text_not_a_date():
    parsed = parse_list(workbook([tf("Testville Police Department", signed=1141572.0)]))
    assert parsed.rows[0][6:8] == [None, "5025-07-07"]
    assert excel_date(45922.0) == date(2025, 9, 22)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _sheet_parts(sheet_xml: bytes) -> dict[str, bytes]:
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    return {
        "xl/workbook.xml": b"<workbook "
        + main
        + b" "
        + rel
        + b'><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    """A few hundred KB that expand to 150 MB: refused from the zip's directory, nothing read."""
    bomb = _zip({**_sheet_parts(b"<worksheet/>"), "xl/padding.bin": b"\0" * (150 * 1024 * 1024)})
    assert len(bomb) < 1_000_000
    with pytest.raises(WorkbookError, match="unreasonable size"):
        read_workbook(bomb)


def test_one_oversized_part_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 1000)
    big = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + b" " * 5000
        + b"</sheetData></worksheet>"
    )
    with pytest.raises(WorkbookError, match="bytes; it is not ICE's list"):
        read_workbook(_zip(_sheet_parts(big)))


def test_a_sheet_that_claims_50000_rows_is_refused_from_its_dimension():
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:H50000"/><sheetData/></worksheet>'
    with pytest.raises(WorkbookError, match="50,000 rows"):
        read_workbook(_zip(_sheet_parts(sheet)))


def test_rows_beyond_the_cap_are_refused_while_streaming(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 5)
    data = workbook([tf(f"Agency {i} Police Department") for i in range(10)])
    with pytest.raises(WorkbookError, match="more than 5 rows"):
        read_workbook(data)


def test_entity_declarations_are_refused():
    sheet = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    with pytest.raises(WorkbookError, match="entities"):
        read_workbook(_zip(_sheet_parts(sheet)))


@pytest.mark.parametrize("part", ["sheet", "workbook", "sharedStrings"])
def test_entity_declarations_are_refused_in_any_encoding(part):
    """UTF-16 hides "<!ENTITY" from a byte search: the parser itself refuses a DTD (issue 24)."""
    bomb = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
    parts = _sheet_parts(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    name = {"sheet": "xl/worksheets/sheet1.xml", "workbook": "xl/workbook.xml", "sharedStrings": None}[part]
    if name is None:
        name = "xl/sharedStrings.xml"
        body = (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'
        )
    else:
        body = parts[name].decode()
    parts[name] = (bomb + body).encode("utf-16")
    assert b"<!ENTITY" not in parts[name]
    with pytest.raises(WorkbookError, match="entities"):
        read_workbook(_zip(parts))


def test_too_many_parts_are_refused():
    parts = {**_sheet_parts(b"<worksheet/>"), **{f"xl/extra{i}.xml": b"<x/>" for i in range(250)}}
    with pytest.raises(WorkbookError, match="parts"):
        read_workbook(_zip(parts))


def test_broken_xml_is_a_clear_error():
    with pytest.raises(WorkbookError, match="not valid XML"):
        read_workbook(_zip(_sheet_parts(b"<worksheet><sheetData><row>")))
