"""XLSX: the workbook's parts checked before openpyxl reads its rows."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from xml.etree.ElementTree import Element

import openpyxl
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from homecoming.formats.tabular.common import (
    _SHEET_NS,
    _ZEROS_FORMAT,
    Row,
    TableTooLarge,
    TabularError,
    _refuse_empty,
    _refuse_repeated_header,
    _row_dict,
    _Sheet,
    check_headers,
)

# An XLSX is a zip: a few hundred KiB can unpack to gigabytes (a "zip bomb"). Each part's
# unpacked size and packing ratio are checked before anything is unpacked (Python's zipfile
# never unpacks more than a part's declared size), and rows and cells are capped while read.
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_XLSX_RATIO = 100  # real workbooks pack 5-30 times; a bomb, thousands
_RATIO_FLOOR = 1024 * 1024  # small parts may pack however well
MAX_XLSX_ROWS = 500_000
MAX_XLSX_CELLS = 10_000_000
# --- XLSX ------------------------------------------------------------------------------


def read_xlsx(
    data: bytes,
    *,
    name: str = "file.xlsx",
    sheet: str | None = None,
    max_rows: int = MAX_XLSX_ROWS,
    max_cells: int = MAX_XLSX_CELLS,
) -> Iterator[Row]:
    """Read the first (or the named) sheet of an XLSX's bytes, yielding rows as text.

    A workbook that would unpack too large, or has more rows or cells than the caps, is
    refused (TableTooLarge, 413) before it fills memory.
    """
    check_xlsx_parts(data, name=name)
    workbook = _open_workbook(data, name=name)
    try:
        worksheet = _pick_sheet(workbook, sheet, name=name)
        _check_sheet_xml(data, workbook, worksheet.title, name=name)
        worksheet.reset_dimensions()  # some writers store a wrong size; read every row
        capped = _capped(worksheet.iter_rows(), max_rows, max_cells, name=name)
        rows = list(_xlsx_rows(capped, title=worksheet.title, name=name))
    except TabularError:
        raise
    except Exception as exc:  # openpyxl on a damaged workbook raises almost anything
        raise _unreadable(exc, name=name) from exc
    finally:
        workbook.close()
    return iter(rows)


def check_xlsx_parts(data: bytes, *, name: str) -> None:
    """Refuse a workbook whose parts would unpack too large, or pack suspiciously well."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception as exc:  # a damaged archive raises BadZipFile, ValueError, OSError, …
        raise _unreadable(exc, name=name) from None
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > MAX_XLSX_PART_BYTES or total > MAX_XLSX_TOTAL_BYTES:
            raise TableTooLarge(
                f"the workbook unpacks to more than {_mib(MAX_XLSX_PART_BYTES)} in one part "
                f"or {_mib(MAX_XLSX_TOTAL_BYTES)} in all ({part.filename}: "
                f"{_mib(part.file_size)}): split the list into several files, or save it as "
                "CSV and import that",
                file=name,
            )
        if part.file_size > _RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
            raise TableTooLarge(
                f"{part.filename} unpacks {ratio:.0f} times larger than it is packed "
                f"({_mib(part.file_size)}); real workbooks pack at most a few dozen times, so "
                "this one was made to exhaust memory: ask the sender for the list as saved by "
                "Excel or LibreOffice, or as CSV",
                file=name,
            )


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB"


def _capped(
    rows: Iterator[tuple[object, ...]], max_rows: int, max_cells: int, *, name: str
) -> Iterator[tuple[object, ...]]:
    """The sheet's rows (blank ones included: they cost too), refusing too many."""
    cells = 0
    for count, row in enumerate(rows, start=1):
        cells += len(row)
        if count > max_rows or cells > max_cells:
            raise TableTooLarge(
                f"the sheet has more than {max_rows:,} rows or {max_cells:,} cells, more than "
                "one import takes: split the list into several files (or remove the empty "
                "rows and columns after the data) and import each",
                file=name,
                line=_row_number(row) or None,
            )
        yield row


def _open_workbook(data: bytes, *, name: str) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, ValueError, TypeError, XML errors, …
        raise _unreadable(exc, name=name) from exc


def _unreadable(exc: Exception, *, name: str) -> TabularError:
    reason = str(exc)[:200] or type(exc).__name__
    return TabularError(
        f"not a readable XLSX workbook ({reason}): it may be damaged or cut short; an old .xls"
        " must be saved as .xlsx first",
        file=name,
    )


def _pick_sheet(workbook: openpyxl.Workbook, sheet: str | None, *, name: str) -> _Sheet:
    if sheet is None:
        first: _Sheet = workbook.worksheets[0]
        return first
    if sheet not in workbook.sheetnames:
        raise TabularError(
            f"no sheet named {sheet!r}; the sheets are {', '.join(workbook.sheetnames)}",
            file=name,
        )
    named: _Sheet = workbook[sheet]
    return named


def _check_sheet_xml(data: bytes, workbook: openpyxl.Workbook, title: str, *, name: str) -> None:
    """Refuse merged cells and formulas without a saved value, which read-only mode hides."""
    path = _sheet_path(workbook, title)
    if path is None:
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as source:
        try:
            for _, element in SafeET.iterparse(source, events=("end",)):
                _check_sheet_element(element, name=name)
        except (DefusedXmlException, SafeET.ParseError) as exc:
            raise TabularError(f"the sheet's XML is unsafe or broken: {exc}", file=name) from exc


def _sheet_path(workbook: openpyxl.Workbook, title: str) -> str | None:
    # openpyxl's read-only sheet knows its part name but does not publish it.
    path = getattr(workbook[title], "_worksheet_path", None)
    return path if isinstance(path, str) else None


def _check_sheet_element(element: Element, *, name: str) -> None:
    if element.tag == f"{_SHEET_NS}mergeCell":
        ref = element.get("ref", "?")
        raise TabularError(
            f"cells {ref} are merged: unmerge them and fill each cell with its value"
            " (Excel: Home → Merge & Center → Unmerge Cells), then import again",
            file=name,
            line=_row_of(ref),
        )
    if element.tag == f"{_SHEET_NS}c" and element.find(f"{_SHEET_NS}f") is not None:
        value = element.find(f"{_SHEET_NS}v")
        if value is None or not (value.text or "").strip():
            ref = element.get("r", "?")
            raise TabularError(
                f"cell {ref} holds a formula with no saved value: open the file in Excel"
                " or LibreOffice, let it recalculate, save, and import again",
                file=name,
                line=_row_of(ref),
            )
    if element.tag in {f"{_SHEET_NS}row", f"{_SHEET_NS}mergeCells"}:
        element.clear()


def _row_of(ref: str) -> int | None:
    digits = re.search(r"\d+", ref)
    return int(digits.group()) if digits else None


def _xlsx_rows(sheet_rows: Iterator[tuple[object, ...]], *, title: str, name: str) -> Iterator[Row]:
    headers: list[str] | None = None
    header_line = 1
    rows = 0
    for row_cells in sheet_rows:
        cells = [_cell_value(cell) for cell in row_cells]
        if not any(c.strip() for c in cells):
            continue
        line = _row_number(row_cells)
        if headers is None:
            headers, header_line = check_headers(cells, name=name, line=line), line
            continue
        _refuse_repeated_header(headers, cells, name=name, line=line)
        rows += 1
        yield line, _row_dict(headers, cells, name=name, line=line)
    if headers is None:
        raise TabularError(f"the sheet {title!r} is empty", file=name)
    _refuse_empty(headers, rows, name=name, line=header_line)


def _row_number(row_cells: Sequence[object]) -> int:
    for cell in row_cells:
        row = getattr(cell, "row", None)
        if isinstance(row, int):
            return row
    return 0


def _cell_value(cell: object) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number_text(value, str(getattr(cell, "number_format", "")))
    return str(value)


def _number_text(value: float, number_format: str) -> str:
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    text = str(int(value))
    if _ZEROS_FORMAT.match(number_format) and value >= 0:
        return text.zfill(len(number_format))
    return text
