"""Read the CSV files `link` and `dedupe` take; reject bad input with file, line and column."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.errors import InvalidInput, RowProblem

# Columns the linkage reads; any other column is ignored.
INPUT_COLUMNS: tuple[str, ...] = (
    "id",
    "full_name",
    "family_name",
    "given_name",
    "patronymic",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "service_number",
    "unit",
)
NAME_COLUMNS = ("full_name", "family_name", "given_name", "patronymic")


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One input row as the linkage sees it: the id, the cells it reads, the parsed birth date."""

    id: str
    full_name: str = ""
    family_name: str = ""
    given_name: str = ""
    patronymic: str = ""
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    sex: str = ""
    place_of_birth: str = ""
    service_number: str = ""
    unit: str = ""


_SEX = {
    "m": "male", "male": "male", "ч": "male", "чол": "male", "м": "male", "муж": "male",
    "f": "female", "female": "female", "ж": "female", "жін": "female", "жен": "female",
}  # fmt: skip


def record_from_cells(cells: Mapping[str, str], *, line: int, source: str) -> InputRecord:
    """Build one record from a row's cells; raise InvalidInput naming the file, line and column."""
    text = {c: (cells.get(c) or "").strip() for c in INPUT_COLUMNS}
    try:
        born = _parse_date(text["date_of_birth"])
    except DateParseError as error:
        raise _problem(source, line, "date_of_birth", str(error)) from error
    sex = _SEX.get(text["sex"].lower().rstrip("."), "") if text["sex"] else ""
    return InputRecord(
        id=text["id"],
        full_name=text["full_name"],
        family_name=text["family_name"],
        given_name=text["given_name"],
        patronymic=text["patronymic"],
        date_of_birth=born,
        sex=sex,
        place_of_birth=text["place_of_birth"],
        service_number=text["service_number"],
        unit=text["unit"],
    )


@lru_cache(maxsize=100_000)
def _parse_date(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _problem(source: str, line: int, column: str, reason: str) -> InvalidInput:
    return InvalidInput(
        f"{source}, line {line}, column {column!r}: {reason}",
        [RowProblem(line, column, reason)],
    )


def records_from_rows(rows: Iterable[Mapping[str, str]], *, source: str) -> list[InputRecord]:
    """Validate rows (line 2 is the first row after the header) into records."""
    records: list[InputRecord] = []
    first_line_of: dict[str, int] = {}
    for line, cells in enumerate(rows, start=2):
        record = record_from_cells(cells, line=line, source=source)
        if not record.id:
            raise _problem(source, line, "id", "the id is empty")
        if record.id in first_line_of:
            reason = f"id {record.id!r} already used on line {first_line_of[record.id]}"
            raise _problem(source, line, "id", reason)
        first_line_of[record.id] = line
        records.append(record)
    return records


def read_records(path: Path) -> list[InputRecord]:
    """Read a UTF-8 CSV with a header row that has an `id` column and any of the input columns."""
    source = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            if "id" not in header:
                raise _problem(source, 1, "id", "the header has no 'id' column")
            reader.fieldnames = header
            return records_from_rows(reader, source=source)
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise InvalidInput(f"{source}: not a CSV file ({error})") from error
