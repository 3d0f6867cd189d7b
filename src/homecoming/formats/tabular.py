"""Read CSV and XLSX lists as operators really send them.

Rows come out as ``(line, {header: text})``, where ``line`` is the line (CSV) or
row (XLSX) a person sees in an editor, the header being line 1. Fully blank rows
are skipped. Cell values are text: Excel dates become ISO dates, whole numbers
lose Excel's ``.0`` (service numbers are IDs, not quantities), and a number
formatted with leading zeros (``000000``) gets them back.

The CSV cell limit is the csv module's default (128 KiB), which this module never
raises; a cell over :data:`MAX_CELL_CHARS` (Excel's own limit) is refused too.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol
from xml.etree.ElementTree import Element

import charset_normalizer
import openpyxl
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from openpyxl.utils import get_column_letter

from homecoming.domain.normalise import parse_mapping
from homecoming.errors import InvalidInput

Row = tuple[int, dict[str, str]]
"""One data row: its line number as a person sees it, and header → cell text."""

MAX_CELL_CHARS = 32_767
DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
# Encodings charset-normalizer may choose among once UTF-8 has failed: what
# Ukrainian and Russian offices actually save (Windows, DOS, old Unix).
LEGACY_ENCODINGS = (
    "cp1251",
    "koi8_u",
    "koi8_r",
    "cp866",
    "mac_cyrillic",
    "utf_16_le",
    "utf_16_be",
    "latin_1",
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ZEROS_FORMAT = re.compile(r"^0+$")
_ZIP_MAGIC = b"PK\x03\x04"


class _Sheet(Protocol):
    title: str

    def iter_rows(self) -> Iterator[tuple[object, ...]]: ...

    def reset_dimensions(self) -> None: ...


class TabularError(InvalidInput):
    """A file that cannot be read as a table; says which file, where, and what to do."""

    def __init__(self, message: str, *, file: str, line: int | None = None) -> None:
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {message}")
        self.file = file
        self.line = line
        self.reason = message


# --- hashing ----------------------------------------------------------------------


def content_hash(data: bytes) -> str:
    """The sha256 of a file's bytes, hex: the identity of a list version."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    """The sha256 of a file on disk, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- dispatch ------------------------------------------------------------------------


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Row]:
    """Read the rows of a CSV or XLSX file (XLSX told by its content, not only its name).

    XLSX is checked and read whole before the first row comes out; CSV is read lazily,
    so a TabularError may come while iterating. Collect all rows before writing any.
    """
    data = path.read_bytes()
    if path.suffix.casefold() in XLSX_SUFFIXES or data.startswith(_ZIP_MAGIC):
        return read_xlsx(data, name=path.name, sheet=sheet)
    return read_csv(data, name=path.name, encoding=encoding, delimiter=delimiter)


def read_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file (CSV `column,field` or a JSON object) in any encoding we read."""
    return parse_mapping(decode_text(path.read_bytes(), name=path.name), source=path.name)


# --- CSV ------------------------------------------------------------------------------


def detect_encoding(data: bytes, *, name: str = "file") -> str:
    """Tell a CSV's encoding: BOM first, then strict UTF-8, then charset-normalizer."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" not in text:
            return "utf-8"
    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise TabularError(
            "cannot tell the text encoding: save the file as UTF-8"
            " (Excel: Save As → “CSV UTF-8”) or name the encoding, e.g. cp1251",
            file=name,
        )
    return str(best.encoding)


def decode_text(data: bytes, *, name: str = "file", encoding: str | None = None) -> str:
    """Decode a CSV's bytes (detecting the encoding unless given), without any BOM."""
    chosen = encoding or detect_encoding(data, name=name)
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError) as exc:
        raise TabularError(
            f"cannot read the file as {chosen}: {exc}; save it as UTF-8 and try again",
            file=name,
        ) from exc
    return text.removeprefix("\ufeff")


def sniff_delimiter(text: str) -> str:
    """The delimiter (`,` `;` or tab) that splits the header line into most cells; `,` if none."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best = max(DELIMITERS, key=lambda d: _width(first, d))
    return best if _width(first, best) > 1 else ","


def _width(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:
        return 0


def read_csv(
    data: bytes,
    *,
    name: str = "file.csv",
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Row]:
    """Read a CSV's bytes: detect encoding and delimiter, check the header, yield rows."""
    text = decode_text(data, name=name, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(text))
    return _csv_rows(reader, name=name)


def _csv_rows(reader: Iterator[list[str]], *, name: str) -> Iterator[Row]:
    headers: list[str] | None = None
    start = 1
    for cells in _guarded(reader, name=name):
        line, start = start, reader.line_num + 1  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        if headers is None:
            headers = check_headers(cells, name=name, line=line)
            continue
        yield line, _row_dict(headers, cells, name=name, line=line)


def _guarded(reader: Iterator[list[str]], *, name: str) -> Iterator[list[str]]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num  # type: ignore[attr-defined]
            raise TabularError(
                f"{exc}: usually a quote mark that is never closed; check the quotes"
                " on this line and the lines before it",
                file=name,
                line=line,
            ) from exc
        yield cells


def check_headers(cells: Sequence[str], *, name: str, line: int = 1) -> list[str]:
    """Clean the header cells; refuse duplicate headers (empty ones are checked per row)."""
    headers = [
        unicodedata.normalize("NFC", c).strip().removeprefix("\ufeff").strip() for c in cells
    ]
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = header.casefold()
        if key in seen:
            raise TabularError(
                f"columns {_column(seen[key])} and {_column(index)} both have the header"
                f" {header!r}: rename one of them",
                file=name,
                line=line,
            )
        seen[key] = index
    return headers


def _row_dict(headers: list[str], cells: Sequence[str], *, name: str, line: int) -> dict[str, str]:
    row: dict[str, str] = {}
    for index, value in enumerate(cells):
        if len(value) > MAX_CELL_CHARS:
            raise TabularError(
                f"column {_column(index)} holds {len(value)} characters, more than"
                f" {MAX_CELL_CHARS}: check for a missing quote or split the text",
                file=name,
                line=line,
            )
        header = headers[index] if index < len(headers) else ""
        if not header:
            if value.strip():
                raise _headerless(index, headers, name=name, line=line)
            continue
        row[header] = value
    for header in headers[len(cells) :]:
        if header:
            row[header] = ""
    return row


def _headerless(index: int, headers: list[str], *, name: str, line: int) -> TabularError:
    if index >= len(headers):
        return TabularError(
            f"this line has a value in column {_column(index)}, beyond the {len(headers)}"
            " columns of the header: a value containing the delimiter needs quotes",
            file=name,
            line=line,
        )
    return TabularError(
        f"column {_column(index)} has no header but has a value on this line:"
        " give the column a header or delete it",
        file=name,
        line=line,
    )


def _column(index: int) -> str:
    return f"{get_column_letter(index + 1)} (no. {index + 1})"


# --- XLSX ------------------------------------------------------------------------------


def read_xlsx(data: bytes, *, name: str = "file.xlsx", sheet: str | None = None) -> Iterator[Row]:
    """Read the first (or the named) sheet of an XLSX's bytes, yielding rows as text."""
    workbook = _open_workbook(data, name=name)
    try:
        worksheet = _pick_sheet(workbook, sheet, name=name)
        _check_sheet_xml(data, workbook, worksheet.title, name=name)
        worksheet.reset_dimensions()  # some writers store a wrong size; read every row
        rows = list(_xlsx_rows(worksheet, name=name))
    finally:
        workbook.close()
    return iter(rows)


def _open_workbook(data: bytes, *, name: str) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TabularError(
            f"not a readable XLSX workbook ({exc}): an old .xls must be saved as .xlsx first",
            file=name,
        ) from exc


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


def _xlsx_rows(worksheet: _Sheet, *, name: str) -> Iterator[Row]:
    headers: list[str] | None = None
    for row_cells in worksheet.iter_rows():
        cells = [_cell_value(cell) for cell in row_cells]
        if not any(c.strip() for c in cells):
            continue
        line = _row_number(row_cells)
        if headers is None:
            headers = check_headers(cells, name=name, line=line)
            continue
        yield line, _row_dict(headers, cells, name=name, line=line)


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
