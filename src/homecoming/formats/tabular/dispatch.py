"""Read a list or a mapping file by its kind (CSV or XLSX)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from homecoming.domain.normalise import parse_mapping
from homecoming.formats.tabular.common import (
    _ZIP_MAGIC,
    XLSX_SUFFIXES,
    Row,
)
from homecoming.formats.tabular.delimited import (
    decode_text,
    read_csv,
)
from homecoming.formats.tabular.workbook import (
    read_xlsx,
)

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
    return read_data(
        path.read_bytes(), name=path.name, sheet=sheet, encoding=encoding, delimiter=delimiter
    )


def read_data(
    data: bytes,
    *,
    name: str,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Row]:
    """`read_table` of a file's bytes (an upload), named `name` in every message."""
    if is_workbook(name, data):
        return read_xlsx(data, name=name, sheet=sheet)
    return read_csv(data, name=name, encoding=encoding, delimiter=delimiter)


def is_workbook(name: str, head: bytes) -> bool:
    """Whether a file named `name` whose bytes start with `head` is read as XLSX: by its name,
    or by its content (a zip archive) whatever it is named."""
    return name.casefold().endswith(tuple(XLSX_SUFFIXES)) or head.startswith(_ZIP_MAGIC)


def read_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file (CSV `column,field` or a JSON object) in any encoding we read."""
    return parse_mapping(decode_text(path.read_bytes(), name=path.name), source=path.name)
