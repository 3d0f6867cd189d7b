"""CSV: encodings, delimiters and rows as operators send them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import charset_normalizer

from homecoming.formats.tabular.common import (
    _BOMS,
    _CONTROL,
    _NON_ASCII_WORD,
    _NOT_CSV_MAGIC,
    DELIMITERS,
    LEGACY_ENCODINGS,
    Row,
    TabularError,
    _refuse_empty,
    _refuse_repeated_header,
    _row_dict,
    check_headers,
)

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
