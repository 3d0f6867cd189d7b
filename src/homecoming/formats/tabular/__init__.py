"""Read CSV and XLSX lists as operators really send them.

Rows come out as ``(line, {header: text})``, where ``line`` is the line (CSV) or
row (XLSX) a person sees in an editor, the header being line 1. Fully blank rows
are skipped. Cell values are text: Excel dates become ISO dates, whole numbers
lose Excel's ``.0`` (service numbers are IDs, not quantities), and a number
formatted with leading zeros (``000000``) gets them back.

The CSV cell limit is the csv module's default (128 KiB), which this module never
raises; a cell over :data:`MAX_CELL_CHARS` (Excel's own limit) is refused too.

Split along its sections; everything is re-exported here:
- `common`: what CSV and XLSX reading share: limits, errors, hashing, header and row checks;
- `delimited`: CSV: encodings, delimiters and rows as operators send them;
- `workbook`: XLSX: the workbook's parts checked before openpyxl reads its rows;
- `dispatch`: read a list or a mapping file by its kind (CSV or XLSX);
"""

from __future__ import annotations

from homecoming.formats.tabular.common import (
    _ZIP_MAGIC,
    DELIMITERS,
    LEGACY_ENCODINGS,
    MAX_CELL_CHARS,
    XLSX_SUFFIXES,
    Row,
    TableTooLarge,
    TabularError,
    check_headers,
    content_hash,
    file_hash,
    upload_name,
)
from homecoming.formats.tabular.delimited import (
    decode_text,
    detect_encoding,
    read_csv,
    sniff_delimiter,
)
from homecoming.formats.tabular.dispatch import (
    is_workbook,
    read_data,
    read_mapping,
    read_table,
)
from homecoming.formats.tabular.workbook import (
    MAX_XLSX_CELLS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_RATIO,
    MAX_XLSX_ROWS,
    MAX_XLSX_TOTAL_BYTES,
    check_xlsx_parts,
    read_xlsx,
)

__all__ = [
    "DELIMITERS",
    "LEGACY_ENCODINGS",
    "MAX_CELL_CHARS",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_PART_BYTES",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_TOTAL_BYTES",
    "XLSX_SUFFIXES",
    "_ZIP_MAGIC",
    "Row",
    "TableTooLarge",
    "TabularError",
    "check_headers",
    "check_xlsx_parts",
    "content_hash",
    "decode_text",
    "detect_encoding",
    "file_hash",
    "is_workbook",
    "read_csv",
    "read_data",
    "read_mapping",
    "read_table",
    "read_xlsx",
    "sniff_delimiter",
    "upload_name",
]
