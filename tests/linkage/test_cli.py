"""`link` and `dedupe` through the CLI runner, on a Typer app with only these commands."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_dedupe_writes_a_cluster_for_every_row(
    app: typer.Typer, generated_csv: Callable[[int, int], Path], tmp_path: Path
) -> None:
    source, out = generated_csv(600, 5), tmp_path / "clusters.csv"
    result = CliRunner().invoke(
        app, ["dedupe", str(source), "--out", str(out), "--threshold", "0.9"]
    )
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert list(rows[0]) == ["id", "cluster_id"]
    assert [r["id"] for r in rows] == [r["id"] for r in _rows(source)]
    assert len({r["cluster_id"] for r in rows}) < len(rows)
    assert "clusters written" in result.stderr


def test_link_writes_pairs_above_the_threshold(
    app: typer.Typer, generated_csv: Callable[[int, int], Path], tmp_path: Path
) -> None:
    rows = _rows(generated_csv(600, 5))
    left, right, out = tmp_path / "left.csv", tmp_path / "right.csv", tmp_path / "links.csv"
    for path, part in ((left, rows[:300]), (right, rows[300:])):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
    args = [
        "link",
        str(left),
        str(right),
        "--out",
        str(out),
        "--threshold",
        "0.8",
        "--engine",
        "duckdb",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    links = _rows(out)
    assert links and list(links[0]) == ["left_id", "right_id", "probability"]
    assert all(float(r["probability"]) >= 0.8 for r in links)
    truth = {r["id"]: r["truth_person_id"] for r in rows}
    right_ids = {r["id"] for r in rows[300:]}
    assert all(r["right_id"] in right_ids for r in links)
    assert sum(truth[r["left_id"]] == truth[r["right_id"]] for r in links) >= 0.95 * len(links)


def test_bad_input_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "id,full_name,date_of_birth\na,Нехір Олександр,1987\nb,X,87-13-45\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["dedupe", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert f"{source}, line 3, column 'date_of_birth'" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.csv").exists()


def test_missing_id_column(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "noid.csv"
    source.write_text("full_name\nX\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["dedupe", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert "line 1, column 'id'" in result.stderr


def test_a_saved_model_scores_a_later_run_alike(
    app: typer.Typer, generated_csv: Callable[[int, int], Path], tmp_path: Path
) -> None:
    source, model = generated_csv(600, 6), tmp_path / "model.json"
    first, again = tmp_path / "first.csv", tmp_path / "again.csv"
    trained = CliRunner().invoke(
        app, ["dedupe", str(source), "--out", str(first), "--save-model", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    assert "trained model written" in trained.stderr
    reused = CliRunner().invoke(
        app, ["dedupe", str(source), "--out", str(again), "--model", str(model)]
    )
    assert reused.exit_code == 0, reused.output
    assert _rows(again) == _rows(first)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    refused = CliRunner().invoke(
        app, ["dedupe", str(source), "--out", str(again), "--model", str(broken)]
    )
    assert refused.exit_code == 1 and "not a saved model" in refused.stderr


def test_a_three_row_name_only_file_with_the_registrys_column_names(
    app: typer.Typer, tmp_path: Path
) -> None:
    """`given_names` (the registry's field) and `Given Names` are read as `given_name`: the
    column was ignored, so Нехір and Nekhir were two people in a three-row dedupe. Two runs
    write the same bytes."""
    source = tmp_path / "three.csv"
    source.write_text(
        "ID,Family Name,given_names\n1,Нехір,Олександр\n2,Nekhir,Oleksandr\n3,Шевченко,Тарас\n",
        encoding="utf-8",
    )
    outs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for out in outs:
        result = CliRunner().invoke(app, ["dedupe", str(source), "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    clusters = {r["id"]: r["cluster_id"] for r in _rows(outs[0])}
    assert clusters == {"1": "1", "2": "1", "3": "3"}


def test_a_name_only_list_links_a_mistyped_family_name_and_not_a_near_namesake(
    app: typer.Typer, tmp_path: Path
) -> None:
    """A list without dates: a family name one slip off links when the given name and the
    patronymic agree (never compared before: no key held it) or the family name starts or ends
    alike; two letters off is a near-namesake and stays unlinked."""
    left = tmp_path / "registry.csv"
    # Two hundred others beside them: the chance that two rows are one man is one in hundreds.
    others = [
        f"f{i}-{j},{family} {given} Іванович\n"
        for i, family in enumerate(FAMILIES)
        for j, given in enumerate(GIVEN)
    ]
    left.write_text(
        "id,full_name\n"
        "r1,Шухевич Валентин Давидович\n"
        "r2,Герасимчук Григорій Альбертович\n"
        "r3,Вакуленко Ілля Валентинович\n"
        "r4,Закіров Ільдус Віталійович\n"
        "r5,Ахмедханов Венедикт Нифонтович\n" + "".join(others),
        encoding="utf-8",
    )
    right = tmp_path / "list.csv"
    right.write_text(
        "id,full_name\n"
        "l1,Shukhebich Valentin Davydovich\n"  # a slip in the family name
        "l2,ГЕРАМИМЧУК ГРИГОРИЙ\n"  # a slip, no patronymic
        "l3,Вакунмленко Илья Валентинович\n"  # two letters off: another family
        "l4,Zskirov Ildus\n"  # a slip near the family name's start
        "l5,AKHMEDKHANOV VRNEDIKT\n",  # a slip in the given name, the order unmarked
        encoding="utf-8",
    )
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(app, ["link", str(left), str(right), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {(r["left_id"], r["right_id"]) for r in _rows(out)} == {
        ("r1", "l1"),
        ("r2", "l2"),
        ("r4", "l4"),
        ("r5", "l5"),
    }


FAMILIES = [
    *("Мельник", "Бондар", "Ткачук", "Кравець", "Олійник", "Шевчук", "Поліщук", "Коваль"),
    *("Савчук", "Руденко", "Марченко", "Лисенко", "Романюк", "Гуменюк", "Павлюк", "Кушнір"),
    *("Мороз", "Левченко", "Зінченко", "Дячук"),
]
GIVEN = [
    *("Петро", "Андрій", "Тарас", "Богдан", "Остап", "Юрій", "Назар", "Орест", "Степан"),
    "Мирон",
]


_TRAINED = """
import json, logging, sys
from pathlib import Path
from homecoming.linkage.engine import create_engine
from homecoming.linkage.inputs import read_table
from homecoming.linkage.model import LinkageModel
from homecoming.linkage.pipeline import _features, _silent, narrow_common_keys

features = narrow_common_keys([_features(read_table(Path(sys.argv[1])), "records", _silent)])
model = LinkageModel(create_engine("duckdb"), features, log_level=logging.ERROR)
model.train(em=True)
trained = model.model_json()  # without Splink's random linker name
print(json.dumps([features[0].column("name_key").to_pylist(), trained]))
"""


def test_em_learns_the_same_model_in_every_process(
    generated_csv: Callable[[int, int], Path],
) -> None:
    """EM blocks on each record's least hashed name key: with Python's `hash()`, salted per
    process, that was another key in every process, so EM trained on other pairs and learnt
    another model (16,415 to 16,443 clusters of one 20,000-row file, `dedupe --em`), and
    DuckDB's threads added EM's sums in another order each run. Two processes with different
    salts learn the same model, to the last digit."""
    import os
    import subprocess
    import sys

    source = generated_csv(2000, 11)
    learnt = []
    for salt in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", _TRAINED, str(source)],
            env={**os.environ, "PYTHONHASHSEED": salt},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        learnt.append(done.stdout)
    assert learnt[0] == learnt[1]


# One small list, as a bureau's office saves it: the same rows in each of these files.
_REGISTRY = [
    ("r1", "Кощенко", "Геннадій", "Фомич", "14.03.1979"),
    ("r2", "Ткаченко", "Андрій", "Петрович", "1985"),
    ("r3", "Нехір", "Олександр", "", "23.05.1987"),
]
_LIST = "id,full_name,dob\na,KOSHCHENKO HENNADII,1979-03-14\nc,Nehir Alexander,23/05/1987\n"


def _office_files(tmp_path: Path) -> dict[str, Path]:
    """The registry as UTF-8 with commas, cp1251 with semicolons (Excel's "CSV" in a
    Ukrainian locale), UTF-8 with tabs, and XLSX; headers as the office writes them."""
    import openpyxl

    header = ["ID запису", "Прізвище", "Ім'я", "По батькові", "Дата народження (дд.мм.рррр)"]
    files = {
        "comma": ("utf-8", ",", tmp_path / "registry.csv"),
        "semicolon": ("cp1251", ";", tmp_path / "registry_1251.csv"),
        "tab": ("utf-8", "\t", tmp_path / "registry.tsv"),
    }
    for encoding, delimiter, path in files.values():
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(_REGISTRY)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *_REGISTRY]:
        sheet.append(list(row))
    book.save(tmp_path / "registry.xlsx")
    return {kind: path for kind, (_, _, path) in files.items()} | {
        "xlsx": tmp_path / "registry.xlsx"
    }


def test_link_reads_a_list_in_any_encoding_delimiter_or_as_a_workbook(
    app: typer.Typer, tmp_path: Path
) -> None:
    """A semicolon-separated cp1251 file, a tab-separated one and a workbook, headed in
    Ukrainian with a hint in brackets, link exactly as the same rows in UTF-8 with commas: they
    were refused ("no 'id' column") or not read at all."""
    listed = tmp_path / "list.csv"
    listed.write_text(_LIST, encoding="utf-8")
    written = {}
    for kind, registry in _office_files(tmp_path).items():
        out = tmp_path / f"links_{kind}.csv"
        result = CliRunner().invoke(app, ["link", str(registry), str(listed), "--out", str(out)])
        assert result.exit_code == 0, (kind, result.output)
        written[kind] = out.read_bytes()
    assert {(r["left_id"], r["right_id"]) for r in _rows(tmp_path / "links_comma.csv")} == {
        ("r1", "a"),
        ("r3", "c"),
    }
    assert set(written.values()) == {written["comma"]}


def test_a_semicolon_file_says_which_line_is_wrong(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(
        "id;ПІБ;Дата народження\n\na;Нехір Олександр;1987\nb;X;31.02.1990\n".encode("cp1251")
    )
    result = CliRunner().invoke(app, ["dedupe", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert f"{source}, line 4, column 'date_of_birth'" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("rows", [1, 2])
def test_dedupe_of_one_or_two_rows(app: typer.Typer, tmp_path: Path, rows: int) -> None:
    """One or two rows made the prior a certainty and the bound's SQL `-inf`: DuckDB refused it."""
    source, out = tmp_path / "few.csv", tmp_path / "out.csv"
    lines = ["id,full_name", "1,Кощенко Геннадій", "2,Koshchenko Hennadii"][: rows + 1]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["dedupe", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["cluster_id"] for r in _rows(out)] == ["1"] * rows


def test_link_at_a_threshold_of_zero_writes_every_scored_pair(
    app: typer.Typer, tmp_path: Path
) -> None:
    """A floor of 0 has no match weight (log of 0): the bound stopped with a math error."""
    registry, listed, out = tmp_path / "registry.csv", tmp_path / "list.csv", tmp_path / "out.csv"
    registry.write_text(
        "id,family_name,given_name,patronymic,date_of_birth\n"
        + "".join(",".join(row) + "\n" for row in _REGISTRY),
        encoding="utf-8",
    )
    listed.write_text(_LIST, encoding="utf-8")
    args = ["link", str(registry), str(listed), "--out", str(out), "--threshold", "0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {("r1", "a"), ("r3", "c")} <= {(r["left_id"], r["right_id"]) for r in _rows(out)}
