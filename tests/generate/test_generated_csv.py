"""Generated records through CSV and back, with the csv module alone."""

from __future__ import annotations

import csv
from pathlib import Path

from homecoming.domain.dates import PartialDate
from homecoming.generate.csvfile import csv_columns, write_csv
from homecoming.generate.records import generate_dataset

LINKAGE_COLUMNS = (
    "id", "full_name", "family_name", "given_name", "patronymic", "date_of_birth", "sex",
    "place_of_birth", "service_number", "unit",
)  # fmt: skip


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_round_trip(tmp_path: Path) -> None:
    records = list(generate_dataset(2_000, seed=4))
    path = tmp_path / "records.csv"
    assert write_csv(records, path) == len(records)
    rows = _read(path)
    assert len(rows) == len(records)
    header = list(rows[0])
    assert header[:3] == ["id", "truth_person_id", "full_name"]
    assert set(LINKAGE_COLUMNS) <= set(header)
    for record, row in zip(records, rows, strict=True):
        f = record.fields
        assert row["id"] == record.record_id
        assert row["truth_person_id"] == record.truth_person_id
        assert (row["family_name"], row["given_name"], row["patronymic"], row["full_name"]) == (
            f.family_name, f.given_names, f.patronymic, f.full_name,
        )  # fmt: skip
        assert PartialDate.parse(row["date_of_birth"]) == f.date_of_birth
        assert row["sex"] == (f.sex.value if f.sex else "")
        assert row["unit"] == f.unit and row["service_number"] == f.service_number
        assert row["rendering"] == record.rendering.label
        assert row["noise"] == ";".join(record.noise)


def test_without_truth(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    write_csv(generate_dataset(50, seed=4), path, with_truth=False)
    header = list(_read(path)[0])
    assert header == list(csv_columns(with_truth=False))
    assert "truth_person_id" not in header and "noise" not in header
    assert header[: len(LINKAGE_COLUMNS)] == list(LINKAGE_COLUMNS)


def test_dates_are_iso_shaped(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    write_csv(generate_dataset(3_000, seed=8), path)
    lengths = {len(row["date_of_birth"]) for row in _read(path)}
    assert lengths == {0, 4, 7, 10}
