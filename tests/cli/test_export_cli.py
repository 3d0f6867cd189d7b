"""Exports: persons and records to CSV, XLSX and PFIF; formula cells escaped; PFIF round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.formats.pfif import read_pfif
from homecoming.store.db import Database

from ..formats.pfif_rules import pfif_violations

runner = CliRunner()


def _run(db: Database, *args: str) -> None:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    assert result.exit_code == 0, (result.stderr, result.exception)


def _loaded(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "Прізвище,Ім'я,Дата народження,Примітки\n"
        'Нехір,Олександр,23.05.1987,=HYPERLINK("http://example.invalid")\n'
        "Тарасов,Олександр,1990,\n",
        encoding="utf-8",
    )
    _run(db, "parties", "add", "UA", "Ukraine")
    _run(db, "import", str(path), "--party", "UA")


def test_records_csv_escapes_formulas(db: Database, tmp_path: Path) -> None:
    _loaded(db, tmp_path)
    target = tmp_path / "records.csv"
    _run(db, "export", "records", "--out", str(target), "--plaintext")
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [r["family_name"] for r in rows] == ["Нехір", "Тарасов"]
    assert rows[0]["date_of_birth"] == "1987-05-23"
    assert rows[0]["notes"].startswith("'=HYPERLINK")


def test_persons_xlsx(db: Database, tmp_path: Path) -> None:
    _loaded(db, tmp_path)
    target = tmp_path / "persons.xlsx"
    _run(db, "export", "persons", "--out", str(target), "--plaintext")
    sheet = openpyxl.load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["id", "name", "date_of_birth"]
    assert values[1][1] == "Нехір Олександр"


def test_persons_pfif_round_trip(db: Database, tmp_path: Path) -> None:
    _loaded(db, tmp_path)
    target = tmp_path / "persons.xml"
    _run(db, "export", "persons", "--out", str(target), "--plaintext")
    assert pfif_violations(target.read_bytes()) == []
    document = read_pfif(target)
    assert not document.problems
    assert [p.fields.family_name for p in document.persons] == ["Нехір", "Тарасов"]
    assert document.persons[0].fields.date_of_birth.iso() == "1987-05-23"
    _run(db, "import", str(target), "--name", "PFIF feed back")


def test_families_inquiries_stay_out_unless_asked_for(db: Database, tmp_path: Path) -> None:
    _loaded(db, tmp_path)
    inquiry = tmp_path / "inquiry.csv"
    inquiry.write_text("Прізвище,Ім'я\nАстапенко,Оксана\n", encoding="utf-8")
    _run(db, "import", str(inquiry), "--kind", "family_inquiry")
    for what, column in (("records", "family_name"), ("persons", "name")):
        target = tmp_path / f"{what}.csv"
        _run(db, "export", what, "--out", str(target), "--plaintext")
        names = [r[column] for r in csv.DictReader(io.StringIO(target.read_text("utf-8-sig")))]
        assert not any("Астапенко" in name for name in names), what
        _run(db, "export", what, "--out", str(target), "--include-inquiries", "--plaintext")
        names = [r[column] for r in csv.DictReader(io.StringIO(target.read_text("utf-8-sig")))]
        assert any("Астапенко" in name for name in names), what


def test_records_carry_the_id_they_were_imported_with(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "id,Прізвище,Ім'я,Дата народження\nA-17,Нехір,Олександр,23.05.1987\n,Тарасов,Олег,1990\n",
        encoding="utf-8",
    )
    _run(db, "parties", "add", "UA", "Ukraine")
    _run(db, "import", str(path), "--party", "UA")
    target = tmp_path / "records.csv"
    _run(db, "export", "records", "--out", str(target), "--plaintext")
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [(r["external_id"], r["family_name"]) for r in rows] == [
        ("A-17", "Нехір"),
        ("", "Тарасов"),
    ]
