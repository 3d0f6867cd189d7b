"""CSV and XLSX reading, on real files written to tmp_path in the shapes operators send."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecoming.domain.normalise import HeaderPlan, NormalisedRow, normalise_row, plan_headers
from homecoming.formats.tabular import (
    TabularError,
    content_hash,
    detect_encoding,
    file_hash,
    read_csv,
    read_mapping,
    read_table,
    read_xlsx,
    sniff_delimiter,
)

UA_ROWS = [
    ["№ з/п", "ПІБ", "Дата народження", "Стать", "Особистий номер", "Місце утримання"],
    ["1", "Нехір Олександр Іванович", "23.05.1987", "ч", "0012345", "м. Кам'янка"],
    ["2", "Коваленко Марія Петрівна", "1990", "ж", "", ""],
]
RU_ROWS = [
    ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол"],
    ["Ковалёв", "Сергей", "Петрович", "01.02.1985", "муж"],
]


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("cp1251", ";"),
        ("utf-16", "\t"),
        ("utf-16-le", ","),  # no BOM: charset-normalizer has to find it
    ],
)
def test_ukrainian_csv_in_each_encoding(tmp_path: Path, encoding: str, delimiter: str) -> None:
    data = _csv_text(UA_ROWS, delimiter).encode(encoding)
    rows = list(read_table(_write(tmp_path, "list.csv", data)))
    assert [line for line, _ in rows] == [2, 3]
    first = rows[0][1]
    assert first["ПІБ"] == "Нехір Олександр Іванович"
    assert first["Особистий номер"] == "0012345"
    assert first["Місце утримання"] == "м. Кам'янка"
    assert rows[1][1]["Місце утримання"] == ""


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "utf-8-sig", "utf-16"])
def test_russian_csv_headers(tmp_path: Path, encoding: str) -> None:
    data = _csv_text(RU_ROWS, ";").encode(encoding)
    [(line, row)] = list(read_table(_write(tmp_path, "ru.csv", data)))
    assert line == 2
    assert row == {
        "Фамилия": "Ковалёв",
        "Имя": "Сергей",
        "Отчество": "Петрович",
        "Дата рождения": "01.02.1985",
        "Пол": "муж",
    }


def test_cp1251_short_file_is_detected() -> None:
    assert detect_encoding("ПІБ;Стать\nНехір Олександр;ч\n".encode("cp1251")) == "cp1251"


def test_bom_decides_before_anything_else() -> None:
    assert detect_encoding(b"\xef\xbb\xbfa,b\n") == "utf-8-sig"
    assert detect_encoding("a,b\n".encode("utf-16")) == "utf-16"


def test_an_explicit_encoding_that_does_not_fit_is_a_clear_error() -> None:
    with pytest.raises(TabularError, match="cannot read the file as utf-8") as caught:
        list(read_csv("ПІБ\nНехір\n".encode("cp1251"), name="x.csv", encoding="utf-8"))
    assert caught.value.file == "x.csv"


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ("ПІБ", ","),
        ("a;b,c;d", ";"),
        ('"Прізвище, ім\'я";Дата', ";"),
        ('"Прізвище; ім\'я",Дата', ","),
    ],
)
def test_sniff_delimiter(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line + "\n1,2,3\n") == delimiter


def test_line_numbers_follow_the_file_across_blank_lines_and_multiline_cells() -> None:
    text = 'ПІБ,Примітки\n\nНехір Олександр,"два\nрядки"\n,\nКоваленко Марія,\n'
    rows = list(read_csv(text.encode()))
    assert [(line, row["ПІБ"]) for line, row in rows] == [
        (3, "Нехір Олександр"),
        (6, "Коваленко Марія"),
    ]
    assert rows[0][1]["Примітки"] == "два\nрядки"


def test_short_rows_are_padded_and_trailing_empty_cells_tolerated() -> None:
    rows = list(read_csv(b"a,b,c,\n1\n2,3,4,\n"))
    assert rows == [(2, {"a": "1", "b": "", "c": ""}), (3, {"a": "2", "b": "3", "c": "4"})]


def test_duplicate_headers_name_the_columns() -> None:
    with pytest.raises(TabularError, match=r"columns A \(no\. 1\) and C \(no\. 3\)") as caught:
        list(read_csv("ПІБ,Стать,пІб\n".encode(), name="dup.csv"))
    assert caught.value.line == 1
    assert str(caught.value).startswith("dup.csv, line 1:")


def test_a_value_under_an_empty_header_is_an_error() -> None:
    with pytest.raises(TabularError, match=r"column B \(no\. 2\) has no header") as caught:
        list(read_csv(b"a,,c\n1,2,3\n"))
    assert caught.value.line == 2


def test_a_value_beyond_the_header_is_an_error() -> None:
    with pytest.raises(TabularError, match="beyond the 2 columns"):
        list(read_csv(b"a,b\n1,2,3\n"))


def test_a_huge_cell_is_refused_with_the_line() -> None:
    data = b'a,b\n1,"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(TabularError) as caught:
        list(read_csv(data))
    assert caught.value.line is not None


def test_read_mapping_in_cp1251(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "map.csv", "Прізв.,family_name\nЖетон,service_number\n".encode("cp1251")
    )
    assert read_mapping(path) == {"Прізв.": "family_name", "Жетон": "service_number"}


def test_hashes_agree(tmp_path: Path) -> None:
    data = _csv_text(UA_ROWS).encode()
    path = _write(tmp_path, "a.csv", data)
    assert content_hash(data) == file_hash(path)
    assert len(content_hash(data)) == 64


# --- XLSX -----------------------------------------------------------------------------


def _workbook(tmp_path: Path, name: str = "list.xlsx") -> tuple[openpyxl.Workbook, Path]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Список"
    sheet.append(["ПІБ", "Дата народження", "Особистий номер", "Жетон", "Вік", "Тяжкопоранений"])
    sheet.append(["Нехір Олександр Іванович", dt.datetime(1987, 5, 23), 1234567, 123, 37.5, True])
    sheet["D2"].number_format = "000000"
    sheet.append([None] * 6)
    sheet.append(["Коваленко Марія", dt.date(1990, 1, 2), 12345678901.0, None, None, False])
    return workbook, tmp_path / name


def test_xlsx_dates_numbers_and_blank_rows(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.save(path)
    rows = list(read_table(path))
    assert [line for line, _ in rows] == [2, 4]
    first, second = rows[0][1], rows[1][1]
    assert first["Дата народження"] == "1987-05-23"
    assert first["Особистий номер"] == "1234567"
    assert first["Жетон"] == "000123"
    assert first["Вік"] == "37.5"
    assert first["Тяжкопоранений"] == "true"
    assert second["Особистий номер"] == "12345678901"
    assert second["Жетон"] == ""


def test_xlsx_rows_normalise(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.save(path)
    rows = list(read_table(path))
    plan = plan_headers(list(rows[0][1]), ignore_unknown=True)
    assert isinstance(plan, HeaderPlan)
    result = normalise_row(rows[0][1], line=rows[0][0], plan=plan)
    assert isinstance(result, NormalisedRow)
    assert result.fields.date_of_birth.iso() == "1987-05-23"
    assert result.fields.seriously_wounded is True


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    other = workbook.create_sheet("Інший")
    other.append(["Фамилия"])
    other.append(["Ковалёв"])
    workbook.save(path)
    assert list(read_xlsx(path.read_bytes(), sheet="Інший")) == [(2, {"Фамилия": "Ковалёв"})]
    with pytest.raises(TabularError, match=r"no sheet named 'Нема'.*Список, Інший"):
        read_xlsx(path.read_bytes(), sheet="Нема")


def test_xlsx_found_by_content_even_if_named_csv(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path, "list.csv")
    workbook.save(path)
    assert len(list(read_table(path))) == 2


def test_xlsx_formula_without_saved_value_is_flagged(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.active["C4"] = "=C2+1"
    workbook.save(path)
    with pytest.raises(TabularError, match="cell C4 holds a formula with no saved value") as caught:
        read_table(path)
    assert caught.value.line == 4


def test_xlsx_formula_with_saved_value_gives_the_value(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.active["C4"] = "=C2+1"
    workbook.save(path)
    _save_cached_value(path, "<f>C2+1</f>", "1234568")
    rows = list(read_table(path))
    assert rows[1][1]["Особистий номер"] == "1234568"


def _save_cached_value(path: Path, formula_xml: str, value: str) -> None:
    """Do what Excel does on save: store the formula's result beside it."""
    _rewrite_sheet(path, formula_xml, f"{formula_xml}<v>{value}</v>")


def _rewrite_sheet(path: Path, old: str, new: str) -> None:
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts[member].decode()
    assert old in sheet
    parts[member] = sheet.replace(old, new).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_xlsx_with_a_wrong_stored_size_is_read_whole(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.save(path)
    _rewrite_sheet(path, '<dimension ref="A1:F4" />', '<dimension ref="A1:B2" />')
    rows = list(read_table(path))
    assert [line for line, _ in rows] == [2, 4]
    assert rows[1][1]["Тяжкопоранений"] == "false"


def test_xlsx_merged_cells_are_refused(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.active.merge_cells("A2:A4")
    workbook.save(path)
    with pytest.raises(TabularError, match="cells A2:A4 are merged"):
        read_table(path)


def test_xlsx_duplicate_headers(tmp_path: Path) -> None:
    workbook, path = _workbook(tmp_path)
    workbook.active["F1"] = "ПІБ"
    workbook.save(path)
    with pytest.raises(TabularError, match=r"columns A \(no\. 1\) and F \(no\. 6\)"):
        read_table(path)


def test_not_an_xlsx(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.xlsx", b"\xd0\xcf\x11\xe0 this is an old .xls")
    with pytest.raises(TabularError, match=r"old \.xls must be saved as \.xlsx"):
        read_table(path)


# --- fuzzing ------------------------------------------------------------------------------

_cell = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_csv_reader_on_any_bytes_raises_only_our_error(data: bytes) -> None:
    try:
        for line, row in read_csv(data):
            assert line >= 2
            assert all(isinstance(v, str) for v in row.values())
    except TabularError:
        pass


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=6),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_csv_round_trips_what_csv_writes(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    header = ["ПІБ", "Стать", "Примітки"]
    data = _csv_text([header, *rows], delimiter).encode(encoding)
    try:
        got = [row for _, row in read_csv(data, delimiter=delimiter)]
    except TabularError:
        return  # e.g. a cell holding a stray NUL or lone CR
    expected = [dict(zip(header, r, strict=True)) for r in rows if any(c.strip() for c in r)]
    assert got == expected
