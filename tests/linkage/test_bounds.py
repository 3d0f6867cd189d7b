"""Pairs that cannot reach the floor are left out before their names are graded, and nothing
else changes: the bound is at least Splink's own weight on every candidate pair."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb
import pytest
from splink import Linker
from splink.internals.misc import prob_to_match_weight

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset
from homecoming.linkage import bounds, comparisons, frequencies, pipeline
from homecoming.linkage.blocking import PREDICTION_KEYS
from homecoming.linkage.engine import create_engine
from homecoming.linkage.features import features_table, narrow_common_keys
from homecoming.linkage.inputs import InputRecord, read_table
from homecoming.linkage.model import LinkageModel, _plain_keys, _with_frequency
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
    rows = _beside_each_pair(features, model, scored, bound)
    assert len(rows) == scored.num_rows > 2_000
    assert all(most >= weight - 1e-9 for weight, most in rows)
    floor = prob_to_match_weight(REVIEW_FLOOR)
    below = sum(1 for _, most in rows if most < floor)
    assert below > 50  # the bound is tight enough to leave pairs out


def _beside_each_pair(
    features: Any, model: LinkageModel, scored: Any, most: str, *levels: str
) -> list[tuple[Any, ...]]:
    """Each scored pair's match weight, the prior plus `most` (SQL over the pair's records `l`
    and `r`, and `p`: the pair with its `levels` columns), and its first level column."""
    con = duckdb.connect()
    comparisons.register_duckdb(con)
    con.register("f", _with_frequency(features, model.frequencies))
    con.register("p", scored.select(["unique_id_l", "unique_id_r", "match_weight", *levels]))
    prior = prob_to_match_weight(model.prior)
    shown = "".join(f", p.{column}" for column in levels[:1])
    return con.execute(
        f"select p.match_weight, {prior!r} + {most}{shown} from p"
        " join f l on l.unique_id = p.unique_id_l join f r on r.unique_id = p.unique_id_r"
    ).fetchall()


def _blocked(linker: Any) -> list[tuple[str, str, str]]:
    frame = linker.inference.compute_blocked_pairs_for_predict()
    rows = frame.as_duckdbpyrelation().select("match_key, join_key_l, join_key_r").fetchall()
    return [tuple(row) for row in rows]


def test_the_distinct_pairs_are_the_pairs_splink_blocks(records_csv: Path) -> None:
    """Splink would find with the guarded rules exactly the candidate pairs made outside it
    (each once, with its first key's match key), and prediction scores those."""
    features = narrow_common_keys([features_table(read_table(records_csv))])
    model = LinkageModel(create_engine("duckdb"), features)
    bound = bounds.bound(model.linker._settings_obj, REVIEW_FLOOR)
    assert bound is not None
    condition = bound.condition()
    settings = model.model_json()
    rules = settings["blocking_rules_to_generate_predictions"]
    keys = _plain_keys(rules)
    assert keys is not None
    assert [key.column for key in keys] == [key.column for key in PREDICTION_KEYS]
    settings["blocking_rules_to_generate_predictions"] = bounds.guarded_rules(rules, condition)
    splink = Linker(model._frames, settings, log_level=logging.ERROR)
    frequencies.register(splink, model.engine, model.frequencies)
    expected = _blocked(splink)
    made = [
        tuple(row)
        for row in model._candidate_pairs(keys, bound)
        .as_duckdbpyrelation()
        .select("match_key, join_key_l, join_key_r")
        .fetchall()
    ]
    assert len(made) == len(set(made))  # no pair twice
    assert sorted(made) == sorted(expected)  # none dropped, none added, the same match key
    assert len({key for key, _, _ in made}) == 3 and len(made) > 2_000
    assert sorted(_blocked(model._predicting(REVIEW_FLOOR)[0])) == sorted(expected)


def test_only_one_key_equalities_are_blocked_outside_splink() -> None:
    plain = [key.rule().create_blocking_rule_dict("duckdb") for key in PREDICTION_KEYS]
    assert [key.column for key in _plain_keys(plain) or []] == [
        "bk_names",
        "bk_name_dob",
        "service_number",
    ]
    other = [
        *plain[:2],
        {"blocking_rule": 'l."dob_year" = r."dob_year" and l.sex = r.sex', "sql_dialect": "duckdb"},
    ]
    assert _plain_keys(other) is None
    assert _plain_keys([plain[0] | {"arrays_to_explode": ["bk_names", "bk_name_dob"]}]) is None


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


def test_the_bound_with_the_names_levels_is_each_pairs_weight_at_most(records_csv: Path) -> None:
    """Once a pair's names are graded, its names' comparisons weigh what Splink gives their
    levels (with the pair's name frequency) and the rest at most their bound: at least Splink's
    own weight on every candidate pair, and that weight itself where the rest is exact."""
    features = features_table(read_table(records_csv))
    model = LinkageModel(create_engine("duckdb"), [features])
    bound = bounds.bound(model.linker._settings_obj, REVIEW_FLOOR)
    assert bound is not None
    settings = model.model_json() | {"retain_matching_columns": True}
    linker = Linker(model._frames, settings, log_level=logging.ERROR)
    frequencies.register(linker, model.engine, model.frequencies)
    scored = model.engine.to_arrow(linker.inference.predict())  # every candidate pair
    levels = {"name": "p.gamma_name", "patronymic": "p.gamma_patronymic"}
    frequency = (f'l."{bounds.FREQUENCY_COLUMN}"', f'r."{bounds.FREQUENCY_COLUMN}"')
    most = bound.graded_weight(levels, f"({bound.rest})", frequency)
    rows = _beside_each_pair(features, model, scored, most, "gamma_name", "gamma_patronymic")
    assert len(rows) == scored.num_rows > 2_000
    assert all(most >= weight - 1e-9 for weight, most, _ in rows)
    exact = [gamma for weight, most, gamma in rows if abs(most - weight) < 1e-9]
    assert len(exact) > len(rows) // 2
    assert len(set(exact)) >= 6  # most of the name's levels, each weighed as Splink weighs it
