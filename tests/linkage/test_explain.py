"""Explanations from a saved model: per-comparison weights and Splink's waterfall agree."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from homecoming.linkage import pipeline
from homecoming.linkage.explain import duckdb_model, explain_pairs, waterfall
from homecoming.linkage.inputs import InputRecord, read_records


@pytest.fixture(scope="module")
def records(generated_csv: Callable[[int, int], Path]) -> list[InputRecord]:
    return read_records(generated_csv(1200, 13))


@pytest.fixture(scope="module")
def run(records: list[InputRecord]) -> pipeline.LinkageRun:
    return pipeline.dedupe(records)


def test_rescoring_from_the_saved_model_gives_the_runs_probabilities(
    run: pipeline.LinkageRun,
) -> None:
    pairs = sorted(run.pairs, key=lambda p: abs(p[2] - 0.5))[:40]
    model = json.loads(json.dumps(run.model.model_json()))  # as stored: plain JSON
    explained = explain_pairs(model, run.model.tables[0], [(a, b) for a, b, _ in pairs])
    assert set(explained) == {(a, b) for a, b, _ in pairs}
    prior = run.model.prior_weight()
    for left, right, probability in pairs:
        found = explained[(left, right)]
        assert found.probability == pytest.approx(probability, abs=1e-6)
        total = prior + sum(c.match_weight for c in found.comparisons)
        assert total == pytest.approx(found.match_weight, abs=1e-6)
        assert [c.comparison for c in found.comparisons][:3] == [
            "name",
            "patronymic",
            "date_of_birth",
        ]


def test_the_waterfall_is_splinks_from_the_saved_model(
    run: pipeline.LinkageRun, records: list[InputRecord]
) -> None:
    left_id, right_id, probability = max(run.links(), key=lambda p: p[2])
    by_id = {r.id: r for r in records}
    features = run.model.tables[0]
    lookup = dict(zip(*(c.to_pylist() for c in run.model.frequencies.columns), strict=True))
    family = dict(
        zip(
            features.column("unique_id").to_pylist(),
            features.column("family_primary").to_pylist(),
            strict=True,
        )
    )
    chart = waterfall(
        run.model.model_json(),
        by_id[left_id],
        by_id[right_id],
        family_tf=(lookup.get(family[left_id]), lookup.get(family[right_id])),
    )
    assert chart.probability == pytest.approx(probability, abs=1e-6)
    assert chart.bars[0]["column_name"] == "Prior"
    assert chart.bars[-1]["cumulative_probability"] == pytest.approx(probability, abs=1e-6)
    name_bar = next(b for b in chart.bars if b["column_name"] == "name")
    assert name_bar["value_l"] == by_id[left_id].full_name or by_id[left_id].family_name
    running = [b["cumulative_match_weight"] for b in chart.bars]
    assert running[-1] == pytest.approx(running[-2], abs=1e-6)  # the bars add up to the score
    assert chart.spec["data"]["values"]
    json.dumps(chart.spec, allow_nan=False)


def test_a_spark_model_is_reloaded_on_duckdb() -> None:
    model = {
        "sql_dialect": "spark",
        "comparisons": [{"sql_condition": "arrays_overlap(a_l, a_r)"}],
    }
    converted = duckdb_model(model)
    assert converted["sql_dialect"] == "duckdb"
    assert converted["comparisons"][0]["sql_condition"] == "list_has_any(a_l, a_r)"
    assert duckdb_model({"sql_dialect": "duckdb"}) == {"sql_dialect": "duckdb"}
