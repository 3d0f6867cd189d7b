"""Generated records as CSV: the shape `homecoming link` and `dedupe` read (UTF-8, header row)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from homecoming.generate.records import GeneratedRecord
from homecoming.linkage.inputs import INPUT_COLUMNS

# The first columns are the linkage input; the truth columns come last and can be left out.
RECORD_COLUMNS: tuple[str, ...] = (
    *INPUT_COLUMNS,
    "category",
    "rank",
    "nationality",
    "event_date",
    "event_place",
    "place_of_detention",
    "seriously_wounded",
    "fate",
    "fate_date",
)
TRUTH_COLUMNS: tuple[str, ...] = ("truth_person_id", "rendering", "noise")


def csv_columns(*, with_truth: bool = True) -> tuple[str, ...]:
    """The header: id, truth_person_id (with truth), the record's fields, then rendering, noise."""
    if not with_truth:
        return RECORD_COLUMNS
    return ("id", "truth_person_id", *RECORD_COLUMNS[1:], "rendering", "noise")


def record_row(record: GeneratedRecord, *, with_truth: bool = True) -> tuple[str, ...]:
    """One record as CSV cells, in the order of `csv_columns`."""
    f = record.fields
    cells = (
        f.full_name,
        f.family_name,
        f.given_names,
        f.patronymic,
        f.date_of_birth.iso(),
        f.sex.value if f.sex else "",
        f.place_of_birth,
        f.service_number,
        f.unit,
        f.category.value if f.category else "",
        f.rank,
        f.nationality,
        f.event_date.iso(),
        f.event_place,
        f.place_of_detention,
        "true" if f.seriously_wounded else "false",
        f.fate.value if f.fate else "",
        f.fate_date.iso(),
    )
    if not with_truth:
        return (record.record_id, *cells)
    noise = ";".join(record.noise)
    return (record.record_id, record.truth_person_id, *cells, record.rendering.label, noise)


def write_csv(
    records: Iterable[GeneratedRecord], path: Path | str, *, with_truth: bool = True
) -> int:
    """Write the records to a UTF-8 CSV with a header row; return how many were written."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_columns(with_truth=with_truth))
        for record in records:
            writer.writerow(record_row(record, with_truth=with_truth))
            count += 1
    return count
