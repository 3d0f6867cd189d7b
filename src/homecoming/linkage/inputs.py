"""Read the CSV files `link` and `dedupe` take; reject bad input with file, line and column."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.normalise import EXTERNAL_ID, known_field
from homecoming.errors import InvalidInput, RowProblem
from homecoming.forgetting import forgettable

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
# Other names for the input columns, as other tools and Homecoming's own exports write them
# (`given_names` is the registry's field); matched case-insensitively, spaces as underscores.
COLUMN_ALIASES: dict[str, str] = {
    "given_names": "given_name",
    "first_name": "given_name",
    "forename": "given_name",
    "surname": "family_name",
    "last_name": "family_name",
    "middle_name": "patronymic",
    "name": "full_name",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
}


def input_header(header: Sequence[str], source: str) -> list[str]:
    """The header's cells as input column names (aliases read as the column they stand for);
    refused, line 1, without an `id` column.

    A header that is none of the input columns or their aliases is read as the import reads
    it (`Прізвище`, `Дата народження (дд.мм.рррр)`, `ФИО`, `Record ID`: `domain.normalise`'s
    header aliases), when no other column already gives that field.
    """
    folded = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    named = [COLUMN_ALIASES.get(h, h) if COLUMN_ALIASES.get(h) not in folded else h for h in folded]
    taken = {n for n in named if n in INPUT_COLUMNS}
    for at, (cell, name) in enumerate(zip(header, named, strict=True)):
        if name in INPUT_COLUMNS:
            continue
        known = known_field(cell)
        field = _IMPORT_FIELDS.get(known, known) if known else None
        if field in INPUT_COLUMNS and field not in taken:
            named[at] = field
            taken.add(field)
    if "id" not in named:
        raise _problem(source, 1, "id", "the header has no 'id' column")
    return named


# The import's fields (domain.normalise) whose input column has another name.
_IMPORT_FIELDS = {"given_names": "given_name", EXTERNAL_ID: "id"}


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


# A list of records, or a records table (TABLE_COLUMNS) from `read_table` / `records_table`.
Records = Sequence[InputRecord] | Any

_SEX = {
    "m": "male", "male": "male", "ч": "male", "чол": "male", "м": "male", "муж": "male",
    "f": "female", "female": "female", "ж": "female", "жін": "female", "жен": "female",
}  # fmt: skip


def record_from_cells(cells: Mapping[str, str], *, line: int, source: str) -> InputRecord:
    """Build one record from a row's cells; raise InvalidInput naming the file, line and column."""
    return _record([(cells.get(c) or "").strip() for c in INPUT_COLUMNS], line, source)


def _record(text: list[str], line: int, source: str) -> InputRecord:
    """A record from the stripped cells of INPUT_COLUMNS, in that order."""
    record_id, full, family, given, patronymic, born_text, sex, place, number, unit = text
    try:
        born = _parse_date(born_text)
    except DateParseError as error:
        raise _problem(source, line, "date_of_birth", str(error)) from error
    return InputRecord(
        id=record_id,
        full_name=full,
        family_name=family,
        given_name=given,
        patronymic=patronymic,
        date_of_birth=born,
        sex=_SEX.get(sex.lower().rstrip("."), "") if sex else "",
        place_of_birth=place,
        service_number=number,
        unit=unit,
    )


@forgettable(maxsize=100_000)
def _parse_date(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _problem(source: str, line: int, column: str, reason: str) -> InvalidInput:
    return InvalidInput(
        f"{source}, line {line}, column {column!r}: {reason}",
        [RowProblem(line, column, reason)],
    )


def records_from_rows(rows: Iterable[Mapping[str, str]], *, source: str) -> list[InputRecord]:
    """Validate rows (line 2 is the first row after the header) into records."""
    found = (
        (record_from_cells(cells, line=line, source=source), line)
        for line, cells in enumerate(rows, start=2)
    )
    return _checked(found, source)


def records_from_lines(
    rows: Iterable[tuple[int, Mapping[str, str]]], *, source: str
) -> list[InputRecord]:
    """Validate rows numbered as a person sees the file (a reader of spreadsheets and of CSV in
    any encoding or delimiter yields them: header → cell, every row with every header) into
    records; an error names the row's own line."""
    found: list[tuple[InputRecord, int]] = []
    columns: dict[str, str] | None = None
    for line, cells in rows:
        if columns is None:
            headers = list(cells)
            columns = dict(zip(headers, input_header(headers, source), strict=True))
        wanted = {columns.get(header, ""): text for header, text in cells.items()}
        found.append((record_from_cells(wanted, line=line, source=source), line))
    return _checked(found, source)


def _checked(found: Iterable[tuple[InputRecord, int]], source: str) -> list[InputRecord]:
    records: list[InputRecord] = []
    first_line_of: dict[str, int] = {}
    for record, line in found:
        if not record.id:
            raise _problem(source, line, "id", "the id is empty")
        if record.id in first_line_of:
            reason = f"id {record.id!r} already used on line {first_line_of[record.id]}"
            raise _problem(source, line, "id", reason)
        first_line_of[record.id] = line
        records.append(record)
    return records


def _records_from_lists(
    rows: Iterable[list[str]], header: list[str], source: str
) -> list[InputRecord]:
    """As records_from_rows over csv.reader lists: no dict per row (a million rows, 2x faster)."""
    where = {name: i for i, name in enumerate(header)}  # repeated: the last, as csv.DictReader
    positions = [where.get(c, -1) for c in INPUT_COLUMNS]

    def cells(row: list[str]) -> list[str]:
        return [row[i].strip() if 0 <= i < len(row) else "" for i in positions]

    # csv.DictReader skips empty rows and counts the rest: so do we.
    kept = (row for row in rows if row)
    return _checked(
        ((_record(cells(row), line, source), line) for line, row in enumerate(kept, start=2)),
        source,
    )


def read_records(path: Path) -> list[InputRecord]:
    """Read a UTF-8 CSV with a header row that has an `id` column and any of the input columns."""
    source = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = input_header(next(reader, []), source)
            return _records_from_lists(reader, header, source)
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise InvalidInput(f"{source}: not a CSV file ({error})") from error


# -- columnar: the same files read straight into arrow (a million rows in a few seconds) -------

# The columns of a records table (`records_table`, `read_table`): what the features read.
TABLE_COLUMNS: tuple[str, ...] = (
    "row_number",
    "unique_id",
    "split",
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "dob_year",
    "dob_month",
    "dob_day",
    "sex",
    "service_number",
    "unit",
    "place",
)


def records_table(records: Sequence[InputRecord]) -> Any:
    """Records as a pyarrow table of TABLE_COLUMNS, in input order."""
    import pyarrow as pa

    split = [bool(r.family_name or r.given_name) for r in records]
    born = [r.date_of_birth for r in records]
    return pa.table(
        {
            "row_number": pa.array(range(len(records)), pa.int64()),
            "unique_id": pa.array([r.id for r in records], pa.string()),
            "split": pa.array(split, pa.bool_()),
            "family_name": pa.array([r.family_name for r in records], pa.string()),
            "given_name": pa.array([r.given_name for r in records], pa.string()),
            "patronymic": pa.array([r.patronymic for r in records], pa.string()),
            "full_name": pa.array([r.full_name for r in records], pa.string()),
            "dob_year": pa.array([b.year for b in born], pa.int32()),
            "dob_month": pa.array([b.month for b in born], pa.int32()),
            "dob_day": pa.array([b.day for b in born], pa.int32()),
            "sex": pa.array([r.sex or None for r in records], pa.string()),
            "service_number": pa.array([r.service_number for r in records], pa.string()),
            "unit": pa.array([r.unit for r in records], pa.string()),
            "place": pa.array([r.place_of_birth for r in records], pa.string()),
        }
    )


def as_table(records: Records) -> Any:
    """A records table, whichever form the records came in."""
    if isinstance(records, Sequence):
        return records_table(records)
    return records


def record_ids(records: Records) -> list[str]:
    """The ids, in input order."""
    if isinstance(records, Sequence):
        return [r.id for r in records]
    ids: list[str] = records.column("unique_id").to_pylist()
    return ids


def dates_of_birth(records: Records) -> Mapping[str, PartialDate]:
    """Each record's date of birth, for the records that give at least a year (a records
    table's as columns, `clustering.Births`)."""
    from homecoming.linkage.clustering import Births

    if isinstance(records, Sequence):
        return {r.id: r.date_of_birth for r in records if r.date_of_birth.year is not None}
    import pyarrow.compute as pc

    dated = records.filter(pc.is_valid(records.column("dob_year")))
    return Births.of_columns(
        dated.column("unique_id").combine_chunks(),
        *(dated.column(f"dob_{part}") for part in ("year", "month", "day")),
    )


# What pyarrow parses at a time: blocks are parsed in parallel.
BLOCK_BYTES = 1 << 24


def read_table(path: Path) -> Any:
    """As `read_records`, into a records table: same checks, same messages, columnar.

    pyarrow reads the file; dates and sexes are parsed once per distinct value. A file that
    pyarrow cannot read as a plain rectangle (ragged rows, cells spanning lines it refuses,
    bad UTF-8) goes through `read_records`, which says exactly what is wrong.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    source = str(path)
    header = _header(path, source)
    where = {name: i for i, name in enumerate(header)}
    names = [f"c{i}" for i in range(len(header))]
    wanted = {c: names[where[c]] for c in INPUT_COLUMNS if c in where}

    def read(newlines_in_values: bool) -> Any:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=BLOCK_BYTES, encoding="utf8"
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=newlines_in_values),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(wanted.values(), pa.string()),
                include_columns=sorted(set(wanted.values())),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        # Blocks cut at every line end are parsed on both cores; a cell spanning lines that a
        # cut falls in is an error pyarrow reports ("out of sync with chunker", or a row short
        # of cells), and the file is read again with cuts only between rows (serially).
        try:
            raw = read(newlines_in_values=False)
        except pa.ArrowInvalid:
            raw = read(newlines_in_values=True)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return records_table(read_records(path))
    return _validated(raw, wanted, source)


def _header(path: Path, source: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            cells = next(csv.reader(handle), [])
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise InvalidInput(f"{source}: not a CSV file ({error})") from error
    return input_header(cells, source)


def _validated(raw: Any, wanted: dict[str, str], source: str) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = raw.num_rows

    def cells(column: str) -> Any:
        if column not in wanted:
            return pa.array([""] * n, pa.string())
        return pc.utf8_trim_whitespace(raw.column(wanted[column]).combine_chunks())

    ids = cells("id")
    years, months, days, bad_date = _dates(cells("date_of_birth"), source)
    _check_ids(ids, bad_date, source)
    family, given = cells("family_name"), cells("given_name")
    split = pc.or_(pc.not_equal(family, ""), pc.not_equal(given, ""))
    return pa.table(
        {
            "row_number": pa.array(range(n), pa.int64()),
            "unique_id": ids,
            "split": split,
            "family_name": family,
            "given_name": given,
            "patronymic": cells("patronymic"),
            "full_name": cells("full_name"),
            "dob_year": years,
            "dob_month": months,
            "dob_day": days,
            "sex": _sexes(cells("sex")),
            "service_number": cells("service_number"),
            "unit": cells("unit"),
            "place": cells("place_of_birth"),
        }
    )


def _dates(texts: Any, source: str) -> tuple[Any, Any, Any, tuple[int, str] | None]:
    """Year, month and day arrays; and (row, reason) of the first unreadable date, if any."""
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pc.unique(texts)
    parsed: list[PartialDate | None] = []
    errors: dict[int, str] = {}
    for i, text in enumerate(distinct.to_pylist()):
        try:
            parsed.append(_parse_date(text))
        except DateParseError as error:
            parsed.append(None)
            errors[i] = str(error)
    positions = pc.index_in(texts, value_set=distinct)
    first_bad = None
    if errors:
        bad = pc.is_in(positions, value_set=pa.array(sorted(errors), pa.int32()))
        row = int(pc.index(bad, True).as_py())
        first_bad = (row, errors[int(positions[row].as_py())])

    def part(name: str) -> Any:
        values = [getattr(p, name) if p is not None else None for p in parsed]
        return pc.take(pa.array(values, pa.int32()), positions)

    return part("year"), part("month"), part("day"), first_bad


def _check_ids(ids: Any, bad_date: tuple[int, str] | None, source: str) -> None:
    """The first problem in line order, as `read_records` would report it."""
    import pyarrow.compute as pc

    problems: list[tuple[int, int, InvalidInput]] = []
    if bad_date is not None:
        row, reason = bad_date
        problems.append((row, 0, _problem(source, row + 2, "date_of_birth", reason)))
    empty = int(pc.index(pc.equal(ids, ""), True).as_py())
    if empty >= 0:
        problems.append((empty, 1, _problem(source, empty + 2, "id", "the id is empty")))
    counts = pc.value_counts(ids)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(repeated):
        rows = pc.indices_nonzero(pc.is_in(ids, value_set=repeated)).to_pylist()
        seen: dict[str, int] = {}
        for row in rows:
            value = ids[row].as_py()
            if value in seen and value != "":
                reason = f"id {value!r} already used on line {seen[value] + 2}"
                problems.append((row, 1, _problem(source, row + 2, "id", reason)))
                break
            seen.setdefault(value, row)
    if problems:
        raise min(problems, key=lambda p: (p[0], p[1]))[2]


def _sexes(texts: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pc.unique(texts)
    mapped = [_SEX.get(s.lower().rstrip("."), "") if s else "" for s in distinct.to_pylist()]
    found = pc.take(
        pa.array([m or None for m in mapped], pa.string()), pc.index_in(texts, value_set=distinct)
    )
    return found
