"""Blocking keys measured on data with known truth: candidates, recall, what each key adds."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from homecoming.linkage.blocking import FAMILY, GIVEN_FAMILY_END, NAMES, measure_blocking
from homecoming.linkage.features import features_table
from homecoming.linkage.inputs import read_records


def _features(tmp_path: Path) -> tuple[pa.Table, list[str]]:
    path = tmp_path / "records.csv"
    path.write_text(
        "id,full_name\n"
        "r1,Закіров Ільдус Віталійович\n"  # the registry
        "r2,Закіров Ільдус Петрович\n"  # his namesake, another man
        "r3,Шевченко Тарас Григорович\n"
        "l1,Zskirov Ildus\n"  # the list: r1 with a slip near the start of his family name
        "l2,Шевченко Тарас\n",  # r3
        encoding="utf-8",
    )
    table = features_table(read_records(path))
    return table, table.column("unique_id").to_pylist()


def test_each_key_is_measured_across_a_list_and_a_registry(tmp_path: Path) -> None:
    """Across sides only: the registry's two namesakes share their names, but `link` never
    compares two registry rows, so that pair is no candidate."""
    features, ids = _features(tmp_path)
    person = {"r1": "A", "r2": "B", "r3": "C", "l1": "A", "l2": "C"}
    truth = pa.table(
        {
            "id": ids,
            "truth_id": [person[i] for i in ids],
            "side": [i.startswith("l") for i in ids],
        }
    )
    names, family, end = measure_blocking(features, truth, (NAMES, FAMILY, GIVEN_FAMILY_END))
    assert names.true_pairs == 2  # r1-l1, r3-l2
    assert (names.candidates, names.true_pairs_found) == (1, 1)  # Шевченко Тарас only
    assert family.new_true_pairs == 0  # Zskirov shares no family key with Закіров
    assert (end.true_pairs_found, end.new_true_pairs) == (2, 1)  # "irov" with Ildus: r1 and r2
    assert end.candidates == 3  # l1 with r1 and r2, l2 with r3


def test_without_sides_every_pair_counts(tmp_path: Path) -> None:
    features, ids = _features(tmp_path)
    person = {"r1": "A", "r2": "B", "r3": "C", "l1": "A", "l2": "C"}
    truth = pa.table({"id": ids, "truth_id": [person[i] for i in ids]})
    (names,) = measure_blocking(features, truth, (NAMES,))
    assert names.candidates == 2  # r1-r2 (two name parts agree) and r3-l2
