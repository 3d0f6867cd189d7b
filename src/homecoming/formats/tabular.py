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
# An XLSX is a zip: a few hundred KiB can unpack to gigabytes (a "zip bomb"). Each part's
# unpacked size and packing ratio are checked before anything is unpacked (Python's zipfile
# never unpacks more than a part's declared size), and rows and cells are capped while read.
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_XLSX_RATIO = 100  # real workbooks pack 5-30 times; a bomb, thousands
_RATIO_FLOOR = 1024 * 1024  # small parts may pack however well
MAX_XLSX_ROWS = 500_000
MAX_XLSX_CELLS = 10_000_000
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
# Files people send instead of a CSV, told by their first bytes.
_NOT_CSV_MAGIC = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel .xls workbook (or another Office file): open it in Excel or LibreOffice"
        " and save it as .xlsx or as “CSV UTF-8”",
    ),
    (b"%PDF", "a PDF document, not a table: ask the sender for the list as XLSX or CSV"),
)
# A non-ASCII word of two letters or more: what UTF-8 Cyrillic text has and cp1251 bytes
# decoded as UTF-8 almost never do.
_NON_ASCII_WORD = re.compile(r"(?:(?![\x00-\x7f])[^\W\d_]){2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


class TableTooLarge(TabularError):
    """A table larger than Homecoming reads at once (unpacked, or in rows or cells): 413."""

    status_code = 413
    title = "Content too large"


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
        data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse_mixed_utf8(data, name=name)
    else:
        if not _looks_like_utf16(data):
            return "utf-8"
    if not _looks_like_utf16(data) and _binary_bytes(data[:65536]):
        raise TabularError(
            "the file holds NUL or control bytes: it is binary, not a text (CSV) file; export"
            " the list from its program as XLSX or “CSV UTF-8”",
            file=name,
        )
    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise TabularError(
            "cannot tell the text encoding: save the file as UTF-8"
            " (Excel: Save As → “CSV UTF-8”) or name the encoding, e.g. cp1251",
            file=name,
        )
    return str(best.encoding)


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 text without a BOM: one byte of each pair is nearly always the same one or two
    values (00 for Latin letters, digits and punctuation; 04 for Cyrillic)."""
    sample = data[: 4096 - 4096 % 2]
    if b"\x00" not in sample or len(sample) < 4:
        return False
    for high in (sample[1::2], sample[0::2]):  # little-endian, then big-endian
        common = sorted((high.count(b) for b in set(high)), reverse=True)[:2]
        if sum(common) >= 0.9 * len(high):
            return True
    return False


def _binary_bytes(sample: bytes) -> bool:
    controls = sum(sample.count(b) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    return controls > max(8, len(sample) // 100)


def _refuse_mixed_utf8(data: bytes, *, name: str) -> None:
    """A file whose lines are UTF-8 Cyrillic except some: mixed encodings, or cut mid-letter."""
    seen_utf8_words = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            if seen_utf8_words:
                raise TabularError(
                    f"this line is not UTF-8 although the lines before it are (byte"
                    f" {exc.start + 1} of the line): the file mixes encodings, or was cut off in"
                    " the middle of a letter; save the whole file again as “CSV UTF-8”",
                    file=name,
                    line=number,
                ) from exc
            continue
        seen_utf8_words = seen_utf8_words or bool(_NON_ASCII_WORD.search(text))


def _refuse_binary(text: str, *, name: str) -> None:
    controls = _CONTROL.findall(text)
    if "\x00" in text or len(controls) > max(8, len(text) // 100):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else None
        what = "a NUL byte" if "\x00" in text else f"{len(controls)} control characters"
        raise TabularError(
            f"the file holds {what}: it is binary, not a text (CSV) file; export the list"
            " from its program as XLSX or “CSV UTF-8”",
            file=name,
            line=line,
        )


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
    for magic, what in _NOT_CSV_MAGIC:
        if data.startswith(magic):
            raise TabularError(f"this is {what}", file=name)
    text = decode_text(data, name=name, encoding=encoding)
    _refuse_binary(text, name=name)
    # strict: a quote left open at the end of the file is an error, not one huge last cell.
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(text), strict=True
    )
    return _csv_rows(reader, name=name)


def _csv_rows(reader: Iterator[list[str]], *, name: str) -> Iterator[Row]:
    headers: list[str] | None = None
    header_line = start = 1
    rows = 0
    for cells in _guarded(reader, name=name):
        line, start = start, reader.line_num + 1  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        if headers is None:
            headers, header_line = check_headers(cells, name=name, line=line), line
            continue
        _refuse_repeated_header(headers, cells, name=name, line=line)
        rows += 1
        yield line, _row_dict(headers, cells, name=name, line=line)
    _refuse_empty(headers, rows, name=name, line=header_line)


def _refuse_empty(headers: list[str] | None, rows: int, *, name: str, line: int) -> None:
    if headers is None:
        raise TabularError(
            "the file is empty: it has no header and no rows; is it the right file?", file=name
        )
    if rows == 0:
        raise TabularError(
            "the header has no rows under it: the list is empty; is it the right file"
            " (or the right sheet)?",
            file=name,
            line=line,
        )


def _refuse_repeated_header(
    headers: list[str], cells: Sequence[str], *, name: str, line: int
) -> None:
    cleaned = [_clean_header(c).casefold() for c in cells]
    if [h.casefold() for h in headers] == cleaned[: len(headers)] and not any(
        cleaned[len(headers) :]
    ):
        raise TabularError(
            "this line repeats the header: were two files joined into one? Remove the second"
            " header (and check that the rows after it belong in this list)",
            file=name,
            line=line,
        )


def _clean_header(cell: str) -> str:
    return unicodedata.normalize("NFC", cell).strip().removeprefix("\ufeff").strip()


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
    headers = [_clean_header(c) for c in cells]
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
