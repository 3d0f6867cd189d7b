"""Pairs that cannot reach the floor are left out before their names are graded, and nothing
else changes: the bound is at least Splink's own weight on every candidate pair."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from splink.internals.misc import prob_to_match_weight

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset
from homecoming.linkage import bounds, comparisons, pipeline
from homecoming.linkage.engine import create_engine
from homecoming.linkage.features import features_table
from homecoming.linkage.inputs import InputRecord, read_table
from homecoming.linkage.model import LinkageModel, _with_frequency
from homecoming.linkage.pipeline import REVIEW_FLOOR


@pytest.fixture(scope="module")
def records_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("bounds")) / "records.csv"
    write_csv(generate_dataset(3_000, seed=5), path)
    return path


@pytest.fixture(scope="module")
def halves(records_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The records as a registry and a list (every third row), for `link`."""
    header, *rows = records_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    folder = Path(tmp_path_factory.mktemp("halves"))
    left, right = folder / "registry.csv", folder / "list.csv"
    left.write_text(header + "".join(r for i, r in enumerate(rows) if i % 3), encoding="utf-8")
    right.write_text(header + "".join(rows[::3]), encoding="utf-8")
    return left, right


def _graded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Pairs of names graded in Python during a run."""
    graded: list[tuple[str, str]] = []
    original = comparisons.PairGrader._grade

    def counting(self: Any, left: str, right: str) -> Any:
        graded.append((left, right))
        return original(self, left, right)

    monkeypatch.setattr(comparisons.PairGrader, "_grade", counting)
    return graded


def _outcome(run: pipeline.LinkageRun) -> tuple[list[Any], list[Any]]:
    return sorted(run.pairs), sorted(run.clusters.items())


@pytest.mark.parametrize("em", [False, True])
def test_dedupe_finds_the_same_pairs_grading_fewer_names(
    records_csv: Path, monkeypatch: pytest.MonkeyPatch, em: bool
) -> None:
    graded = _graded(monkeypatch)
    pruned = pipeline.dedupe(read_table(records_csv), em=em)
    pruned_count = len(graded)
    monkeypatch.setattr(bounds, "FINGERPRINT", "not these comparisons")
    graded.clear()
    whole = pipeline.dedupe(read_table(records_csv), em=em)
    if em:  # EM's own sums differ in the last digits from run to run (DuckDB's threads)
        assert [p[:2] for p in sorted(pruned.pairs)] == [p[:2] for p in sorted(whole.pairs)]
        found = {p[:2]: p[2] for p in whole.pairs}
        assert all(abs(p[2] - found[p[:2]]) < 1e-9 for p in pruned.pairs)
    else:
        assert _outcome(pruned) == _outcome(whole)
    assert len(pruned.pairs) > 1_000
    if em:
        # EM grades its own training pairs first (each pair once a run), and its weights move
        # in the last digits from run to run: pruning may leave nothing more to skip, never more
        # to grade.
        assert pruned_count <= len(graded)
    else:
        assert pruned_count < len(graded)


def test_link_finds_the_same_pairs_grading_fewer_names(
    halves: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    left, right = halves
    graded = _graded(monkeypatch)
    pruned = pipeline.link(read_table(left), read_table(right))
    pruned_count = len(graded)
    monkeypatch.setattr(bounds, "FINGERPRINT", "not these comparisons")
    graded.clear()
    whole = pipeline.link(read_table(left), read_table(right))
    assert sorted(pruned.pairs) == sorted(whole.pairs)
    assert len(pruned.pairs) > 300
    assert pruned_count < len(graded)


def test_the_bound_is_at_least_the_weight_of_every_candidate_pair(records_csv: Path) -> None:
    features = features_table(read_table(records_csv))
    model = LinkageModel(create_engine("duckdb"), [features])
    settings = model.linker._settings_obj
    bound = bounds.bound_sql(settings)
    assert bound is not None
    scored = model.engine.to_arrow(model.linker.inference.predict())  # every candidate pair
    con = duckdb.connect()
    comparisons.register_duckdb(con)
    con.register("f", _with_frequency(features, model.frequencies))
    con.register("p", scored.select(["unique_id_l", "unique_id_r", "match_weight"]))
    prior = prob_to_match_weight(model.prior)
    rows = con.execute(
        f"select p.match_weight, {prior!r} + {bound} from p"
        " join f l on l.unique_id = p.unique_id_l join f r on r.unique_id = p.unique_id_r"
    ).fetchall()
    assert len(rows) == scored.num_rows > 2_000
    assert all(most >= weight - 1e-9 for weight, most in rows)
    floor = prob_to_match_weight(REVIEW_FLOOR)
    below = sum(1 for _, most in rows if most < floor)
    assert below > 50  # the bound is tight enough to leave pairs out


def test_a_model_with_other_comparisons_is_not_pruned() -> None:
    features = features_table(read_table_rows())
    model = LinkageModel(create_engine("duckdb"), [features])
    assert bounds.guard(model.linker._settings_obj, REVIEW_FLOOR) is not None
    changed = model.model_json()
    changed["comparisons"][3]["comparison_levels"][1]["sql_condition"] = "sex_l <> sex_r"
    other = LinkageModel(create_engine("duckdb"), [features], trained=changed)
    assert bounds.guard(other.linker._settings_obj, REVIEW_FLOOR) is None


def read_table_rows() -> list[InputRecord]:
    return [
        InputRecord("1", full_name="Олександр Нехір"),
        InputRecord("2", full_name="Oleksandr Nekhir"),
        InputRecord("3", full_name="Іван Петренко"),
    ]
