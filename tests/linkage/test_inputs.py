"""Input files: what `link` and `dedupe` accept, and how they say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.domain.dates import PartialDate
from homecoming.errors import InvalidInput
from homecoming.linkage.inputs import read_records


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_known_columns_and_ignores_others(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "\ufeffid,full_name,date_of_birth,sex,shoe_size\n"
        "a1,Нехір Олександр,1987-05,ч,44\n"
        "a2,Oleksandr Nekhir,,male,\n",
    )
    first, second = read_records(path)
    assert first.id == "a1" and first.full_name == "Нехір Олександр"
    assert first.date_of_birth == PartialDate(1987, 5) and first.sex == "male"
    assert second.date_of_birth.is_empty


# (file text, where the error must point)
BAD_INPUTS = [
    ("name,date_of_birth\nx,1990\n", "line 1, column 'id'"),
    ("id,full_name\na,X\nb,Y\na,Z\n", "line 4, column 'id'"),
    ("id,full_name\n,X\n", "line 2, column 'id'"),
    ("id,date_of_birth\na,1990\nb,31.02.1990\n", "line 3, column 'date_of_birth'"),
    ("id,date_of_birth\na,sometime\n", "line 2, column 'date_of_birth'"),
]


@pytest.mark.parametrize(("text", "where"), BAD_INPUTS)
def test_bad_input_names_file_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InvalidInput) as caught:
        read_records(path)
    assert str(path) in caught.value.message
    assert where in caught.value.message


def test_duplicate_id_says_where_it_was_first(tmp_path: Path) -> None:
    path = _write(tmp_path, "id\nr1\nr2\nr1\n")
    with pytest.raises(InvalidInput, match="already used on line 2"):
        read_records(path)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        *BAD_INPUTS,
        ("id,date_of_birth\na,1990\n,sometime\n", "line 3, column 'date_of_birth'"),
        ("id,date_of_birth\na,1990\na,2001\nb,never\n", "line 3, column 'id'"),
    ],
)
def test_the_columnar_reader_reports_as_the_row_reader(
    tmp_path: Path, text: str, where: str
) -> None:
    from homecoming.linkage.inputs import read_table

    path = _write(tmp_path, text)
    with pytest.raises(InvalidInput) as by_rows:
        read_records(path)
    with pytest.raises(InvalidInput) as by_columns:
        read_table(path)
    assert where in by_columns.value.message
    assert by_columns.value.message == by_rows.value.message


_CELLS = st.sampled_from(
    ["", " ", "Нехір", "Oleksandr Nekhir", "1987", "1987-05", "1987-05-23", "ч", "F.", "x,y", 'a"b']
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_CELLS, min_size=4, max_size=4), max_size=8))
def test_the_columnar_reader_reads_what_the_row_reader_reads(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    """Any file of these cells: the same table, or the same error."""
    import csv

    from homecoming.linkage.inputs import read_table, records_table

    path = tmp_path_factory.mktemp("cells") / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "full_name", "date_of_birth", "sex"])
        for number, (name, born, sex, extra) in enumerate(rows):
            writer.writerow([f"r{number % 5}{extra.strip()[:1]}", name, born, sex])
    try:
        expected = records_table(read_records(path))
    except InvalidInput as error:
        with pytest.raises(InvalidInput) as caught:
            read_table(path)
        assert caught.value.message == error.message
        return
    assert read_table(path).equals(expected)


def test_a_ragged_file_falls_back_to_the_row_reader(tmp_path: Path) -> None:
    from homecoming.linkage.inputs import read_table, records_table

    path = _write(tmp_path, "id,full_name,sex\na,Нехір\nb,Nekhir,male,extra\n")
    assert read_table(path).equals(records_table(read_records(path)))


def test_cells_spanning_lines_read_the_same_wherever_the_blocks_are_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's blocks cut at line ends first: a cut inside a cell of several lines (here
    every few hundred bytes) is found, and the file read again whole rows at a time."""
    import csv

    from homecoming.linkage import inputs

    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "full_name", "date_of_birth", "sex"])
        for number in range(400):
            name = f"Нехір\nОлександр {number}" if number % 7 == 0 else f"Oleksandr {number}"
            writer.writerow([f"r{number}", name if number % 11 else f"x\n,{number}", "1987", "m"])
    expected = inputs.records_table(read_records(path))
    monkeypatch.setattr(inputs, "BLOCK_BYTES", 300)
    assert inputs.read_table(path).equals(expected)
    assert "\n" in inputs.read_table(path).column("full_name")[0].as_py()
