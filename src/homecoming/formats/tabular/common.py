"""What CSV and XLSX reading share: limits, errors, hashing, header and row checks."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePath
from typing import Protocol

from openpyxl.utils import get_column_letter

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


def upload_name(given: str | None, default: str = "upload") -> str:
    """An upload's base name only: a client's path says nothing we keep."""
    name = PurePath((given or "").replace("\\", "/")).name.strip()
    return name[:500] or default


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
    if not cells or not headers or _clean_header(cells[0]).casefold() != headers[0].casefold():
        return  # the first cell already differs: a data row (most rows, told cheaply)
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
