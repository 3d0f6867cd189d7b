"""Write rows out as CSV or XLSX, safe to open in a spreadsheet.

Formula injection: any *string* cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading ``'``, so Excel and LibreOffice show it as text
instead of running it (OWASP's advice). This also marks text such as "-5" or
"+380 50 …" (a phone number): that is the price of being safe, and a reader can
strip the quote. Real numbers (``int``/``float`` values) are never strings, so they
are written as numbers and left alone.

CSV is written as UTF-8 with a BOM, which Excel needs to show Cyrillic correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from homecoming.domain.dates import PartialDate

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """Prefix a string that a spreadsheet would take for a formula with `'`."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def export_value(value: object) -> str | int | float | bool | dt.date:
    """The value as it goes into a cell: numbers and dates kept, the rest as escaped text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, Enum):
        return escape_formula(str(value.value))
    if isinstance(value, PartialDate):
        return value.iso()
    return escape_formula(str(value))


def csv_bytes(
    rows: Iterable[Mapping[str, object]], headers: Sequence[str], *, delimiter: str = ","
) -> bytes:
    """Rows as CSV bytes (UTF-8 with BOM, CRLF line ends, every cell escaped)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([escape_formula(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(export_value(row.get(h))) for h in headers])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: str | int | float | bool | dt.date) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, object]],
    headers: Sequence[str],
    *,
    delimiter: str = ",",
) -> None:
    """Write rows to a CSV file (see csv_bytes)."""
    path.write_bytes(csv_bytes(rows, headers, delimiter=delimiter))


def xlsx_bytes(
    rows: Iterable[Mapping[str, object]], headers: Sequence[str], *, sheet_title: str = "Records"
) -> bytes:
    """Rows as an XLSX workbook (one sheet, header row first, every string cell escaped)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    sheet.append([_xlsx_value(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_value(row.get(h)) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of : \\ / ? * [ ]."""
    return re.sub(r"[:\\/?*\[\]]", " ", title)[:31] or "Records"


def _xlsx_value(value: object) -> str | int | float | bool | dt.date:
    cell = export_value(value)
    if isinstance(cell, str):
        # XML forbids most control characters; escape again in case one hid a "=".
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", cell))
    if isinstance(cell, dt.datetime) and cell.tzinfo is not None:
        return cell.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones
    return cell


def write_xlsx(
    path: Path,
    rows: Iterable[Mapping[str, object]],
    headers: Sequence[str],
    *,
    sheet_title: str = "Records",
) -> None:
    """Write rows to an XLSX file (see xlsx_bytes)."""
    path.write_bytes(xlsx_bytes(rows, headers, sheet_title=sheet_title))
