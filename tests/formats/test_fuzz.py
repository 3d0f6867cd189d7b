"""Fuzzing the readers: whatever the bytes, they raise InvalidInput (or nothing), and fast.

Inputs are bounded (a few KiB) and every example has a deadline, so a hang or a blow-up in
time fails the test. Each target runs a few seconds.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.normalise import (
    HeaderPlan,
    NormalisedRow,
    header_key,
    normalise_row,
    plan_headers,
    split_full_name,
)
from homecoming.errors import InvalidInput
from homecoming.formats.pfif import parse_pfif
from homecoming.formats.tabular import read_csv, read_xlsx

FUZZ = settings(
    max_examples=400, deadline=2_000, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

CELL_ALPHABET = st.sampled_from(
    list("Нехір Олександр ІванОвич ʼ'’\"ёЁїЇєЄґ,;\t\r\n0123456789.-/ABCxyz\ufeff\x00\u200b=+№")
)
cells = st.text(CELL_ALPHABET, max_size=30)
HEADERS = ["ПІБ", "Дата народження", "Стать", "Особистий номер", "Звання", "Фамилия", "№"]


def _reads(rows: object) -> None:
    """Consume a reader's rows; only our InvalidInput may come out."""
    try:
        for line, row in rows:  # type: ignore[attr-defined]
            assert isinstance(line, int)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in row.items())
    except InvalidInput as error:
        assert error.message


@FUZZ
@given(st.binary(max_size=4096))
@example(b"\xef\xbb\xbf")
@example(b'"' * 3)
@example(b"\xff\xfe\x00")
def test_csv_reader_on_any_bytes(data: bytes) -> None:
    try:
        _reads(read_csv(data, name="fuzz.csv"))
    except InvalidInput as error:
        assert "fuzz.csv" in error.message


@FUZZ
@given(
    st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=20),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]),
)
def test_csv_reader_on_table_shaped_text(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    text = "\r\n".join(delimiter.join(row) for row in [HEADERS[:4], *rows])
    data = text.encode(encoding, errors="replace")
    try:
        _reads(read_csv(data, name="fuzz.csv"))
    except InvalidInput as error:
        assert "fuzz.csv" in error.message


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS[:3])
    sheet.append(["Нехір Олександр", "23.05.1987", "ч"])
    sheet.append(["Ковальов Петро", "1990", "ч"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx_bytes()
SHEET_XML = zipfile.ZipFile(io.BytesIO(XLSX)).read("xl/worksheets/sheet1.xml")


def _with_sheet(sheet_xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            out.writestr(item, sheet_xml if item.filename.endswith("sheet1.xml") else data)
    return buffer.getvalue()


@FUZZ
@given(st.binary(max_size=2048))
def test_xlsx_reader_on_any_bytes(data: bytes) -> None:
    try:
        _reads(read_xlsx(b"PK\x03\x04" + data, name="fuzz.xlsx"))
    except InvalidInput as error:
        assert "fuzz.xlsx" in error.message


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), max_size=8))
def test_xlsx_reader_on_damaged_workbooks(flips: list[tuple[int, int]]) -> None:
    data = bytearray(XLSX)
    for at, value in flips:
        data[at] = value
    try:
        _reads(read_xlsx(bytes(data), name="fuzz.xlsx"))
    except InvalidInput as error:
        assert "fuzz.xlsx" in error.message


@FUZZ
@given(st.integers(0, len(SHEET_XML)), st.binary(max_size=64))
def test_xlsx_reader_on_damaged_sheet_xml(at: int, junk: bytes) -> None:
    try:
        _reads(read_xlsx(_with_sheet(SHEET_XML[:at] + junk + SHEET_XML[at:]), name="fuzz.xlsx"))
    except InvalidInput as error:
        assert "fuzz.xlsx" in error.message


PFIF = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n'
    "<pfif:person>\n"
    "<pfif:person_record_id>example.org/p1</pfif:person_record_id>\n"
    "<pfif:source_date>2025-05-23T10:00:00Z</pfif:source_date>\n"
    "<pfif:full_name>Олександр Нехір</pfif:full_name>\n"
    "<pfif:sex>male</pfif:sex>\n"
    "<pfif:date_of_birth>1987-05</pfif:date_of_birth>\n"
    "<pfif:note>\n"
    "<pfif:note_record_id>example.org/n1</pfif:note_record_id>\n"
    "<pfif:author_name>Марія</pfif:author_name>\n"
    "<pfif:source_date>2025-05-24T10:00:00Z</pfif:source_date>\n"
    "<pfif:status>believed_alive</pfif:status>\n"
    "<pfif:text>Бачили в Оленівці</pfif:text>\n"
    "</pfif:note>\n"
    "</pfif:person>\n"
    "</pfif:pfif>\n"
)


def _parses(data: bytes) -> None:
    try:
        document = parse_pfif(data, name="fuzz.xml")
    except InvalidInput as error:
        assert "fuzz.xml" in error.message
        return
    for problem in document.problems:
        assert problem.line >= 0


@FUZZ
@given(st.binary(max_size=4096))
@example(b"")
@example(b"<")
@example(b'<?xml version="1.0" encoding="klingon"?><a/>')
def test_pfif_reader_on_any_bytes(data: bytes) -> None:
    _parses(data)


@FUZZ
@given(st.integers(0, len(PFIF)), st.text(max_size=40))
@example(PFIF.index("1987-05"), "&#0;")
@example(PFIF.index("male"), "<!DOCTYPE x>")
def test_pfif_reader_on_damaged_documents(at: int, junk: str) -> None:
    _parses((PFIF[:at] + junk + PFIF[at:]).encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(st.sampled_from(["date_of_birth", "sex", "full_name", "status", "source_date"]), cells)
def test_pfif_reader_on_any_field_value(field: str, value: str) -> None:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;")
    start = PFIF.index(f"<pfif:{field}>") + len(f"<pfif:{field}>")
    end = PFIF.index(f"</pfif:{field}>")
    _parses((PFIF[:start] + escaped + PFIF[end:]).encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(st.text(max_size=40))
@example("31.02.1987")
@example("٢٠٢٠")
@example("99999999999999999999-1-1")
def test_date_parser_raises_only_date_errors(text: str) -> None:
    try:
        date = PartialDate.parse(text)
    except DateParseError as error:
        assert error.message
        return
    assert date.is_empty or 1800 <= (date.year or 0) <= 2200
    assert PartialDate.parse(date.iso()) == date


@FUZZ
@given(st.lists(st.text(max_size=20), max_size=8), st.dictionaries(st.text(max_size=10), cells))
def test_header_normaliser_never_crashes(headers: list[str], mapping: dict[str, str]) -> None:
    for header in headers:
        assert header_key(header) == header_key(header_key(header))
    try:
        plan = plan_headers(headers, mapping=mapping)
    except InvalidInput:
        return
    assert isinstance(plan, HeaderPlan | list)


PLAN = plan_headers(HEADERS)
assert isinstance(PLAN, HeaderPlan)


@FUZZ
@given(st.fixed_dictionaries({h: cells for h in HEADERS}))
def test_row_normaliser_gives_fields_or_problems(row: dict[str, str]) -> None:
    result = normalise_row(row, line=2, plan=PLAN)
    if isinstance(result, NormalisedRow):
        assert "\x00" not in result.fields.full_name
        assert len(result.fields.family_name) <= 200
    else:
        assert result and all(p.line == 2 for p in result)


@FUZZ
@given(st.text(max_size=200))
def test_name_splitter_never_crashes(text: str) -> None:
    parts = split_full_name(text)
    assert all(isinstance(p, str) for p in (parts.family_name, parts.given_names))


@pytest.mark.parametrize("size", [10_000, 100_000])
def test_a_long_line_of_quotes_is_quick(size: int) -> None:
    with pytest.raises(InvalidInput):
        list(read_csv("ПІБ\n".encode() + b'"' + b'""' * size, name="quotes.csv"))
