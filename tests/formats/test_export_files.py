"""CSV and XLSX export: formula injection escaped, values kept, files readable back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Sex
from homecoming.formats.export import (
    csv_bytes,
    escape_formula,
    export_value,
    write_csv,
    write_xlsx,
)
from homecoming.formats.tabular import read_table

HEADERS = ["ПІБ", "Дата народження", "Стать", "Кількість", "Примітки"]
ROWS: list[dict[str, object]] = [
    {
        "ПІБ": "Нехір Олександр Іванович",
        "Дата народження": PartialDate(1987, 5),
        "Стать": Sex.MALE,
        "Кількість": -3,
        "Примітки": '=HYPERLINK("http://evil.example","click")',
    },
    {"ПІБ": "@SUM(A1)", "Дата народження": dt.date(1990, 1, 2), "Примітки": "+380 50 000 0000"},
    {"ПІБ": "-2+3", "Примітки": "\tcmd"},
    {"ПІБ": "\rcmd", "Примітки": "\x01=1+1"},
]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Нехір", "Нехір"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already", "'=already"),
    ],
)
def test_escape_formula(text: str, escaped: str) -> None:
    assert escape_formula(text) == escaped


def test_true_numbers_are_not_escaped() -> None:
    assert export_value(-3) == -3
    assert export_value(-2.5) == -2.5
    assert export_value("-3") == "'-3"
    assert export_value(None) == ""
    assert export_value(PartialDate(1987)) == "1987"
    assert export_value(Sex.FEMALE) == "female"


def test_csv_export_escapes_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ROWS, HEADERS)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = [row for _, row in read_table(path)]
    assert rows[0]["Примітки"].startswith("'=HYPERLINK")
    assert rows[0]["Кількість"] == "-3"
    assert rows[0]["Дата народження"] == "1987-05"
    assert rows[0]["Стать"] == "male"
    assert rows[1]["ПІБ"] == "'@SUM(A1)"
    assert rows[1]["Дата народження"] == "1990-01-02"
    assert rows[1]["Примітки"] == "'+380 50 000 0000"
    assert rows[2]["Примітки"] == "'\tcmd"
    assert rows[3]["ПІБ"] == "'\rcmd"


def test_csv_export_semicolon() -> None:
    data = csv_bytes([{"a": "x;y", "b": 1}], ["a", "b"], delimiter=";")
    assert data.decode("utf-8-sig") == 'a;b\r\n"x;y";1\r\n'


def test_xlsx_export_has_no_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ROWS, HEADERS, sheet_title="Список: обмін 23/05/2025, етап [1] з 3")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Список  обмін 23 05 2025, етап "  # 31 characters, none forbidden
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["E2"].value.startswith("'=HYPERLINK")
    assert sheet["D2"].value == -3
    assert sheet["A3"].value == "'@SUM(A1)"
    assert sheet["E5"].value == "'=1+1"  # the control character hid a formula
    assert sheet["B3"].is_date


def test_xlsx_export_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ROWS, HEADERS)
    rows = [row for _, row in read_table(path)]
    assert rows[0]["ПІБ"] == "Нехір Олександр Іванович"
    assert rows[1]["Дата народження"] == "1990-01-02"
    assert rows[0]["Кількість"] == "-3"


def test_aware_datetimes_go_to_xlsx_as_utc(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    kyiv = dt.timezone(dt.timedelta(hours=3))
    write_xlsx(path, [{"t": dt.datetime(2025, 5, 23, 13, 0, tzinfo=kyiv)}], ["t"])
    assert openpyxl.load_workbook(path).active["A2"].value == dt.datetime(2025, 5, 23, 10, 0)
