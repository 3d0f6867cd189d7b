"""XLSX zip bombs and oversized sheets are refused before they fill memory (issue 22)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from homecoming.formats.tabular import TableTooLarge, read_xlsx
from homecoming.formats.tabular import workbook as tabular


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(data: bytes, part: str, content: bytes) -> bytes:
    """The same workbook with one part replaced (or added), packed as well as zip can."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info.filename))
        target.writestr(part, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def zip_bomb(unpacked_mib: int = 20) -> bytes:
    """A small valid workbook whose shared strings unpack to `unpacked_mib` MiB."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (
        f'<sst xmlns="{ns}" count="1" uniqueCount="1"><si><t>'.encode()
        + b"A" * (unpacked_mib * 1024 * 1024)
        + b"</t></si></sst>"
    )
    plain = workbook([["ПІБ", "Дата народження"], ["Нехір Олександр", "23.05.1987"]])
    return with_part(plain, "xl/sharedStrings.xml", strings)


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zip_bomb()
    assert len(bomb) < 100 * 1024  # 20 MiB of shared strings in a few dozen KiB
    with pytest.raises(TableTooLarge) as refused:
        read_xlsx(bomb, name="list.xlsx")
    assert refused.value.status_code == 413
    message = str(refused.value)
    assert message.startswith("list.xlsx: ") and "xl/sharedStrings.xml" in message
    assert "times larger" in message


def test_a_part_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_XLSX_PART_BYTES", 64 * 1024)
    data = workbook([["ПІБ"], *[[f"Особа {n} " + "x" * 200] for n in range(1_000)]])
    with pytest.raises(TableTooLarge, match="unpacks to more than"):
        read_xlsx(data, name="big.xlsx")


def test_rows_and_cells_are_capped() -> None:
    data = workbook([["ПІБ", "Рік"], *[[f"Особа {n}", 1990] for n in range(30)]])
    assert len(list(read_xlsx(data, name="ok.xlsx", max_rows=31))) == 30
    with pytest.raises(TableTooLarge, match="more than 20 rows") as refused:
        read_xlsx(data, name="rows.xlsx", max_rows=20)
    assert refused.value.line == 21
    with pytest.raises(TableTooLarge, match="cells"):
        read_xlsx(data, name="cells.xlsx", max_cells=40)


def test_empty_rows_far_below_count_against_the_cap() -> None:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        f'<worksheet xmlns="{ns}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>ПІБ</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Нехір</t></is></c></row>'
        '<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    data = with_part(workbook([["ПІБ"]]), "xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(TableTooLarge, match="rows"):
        read_xlsx(data, name="gaps.xlsx", max_rows=1_000)
