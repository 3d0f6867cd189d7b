"""Explanations of scored pairs from a saved model: per-comparison weights and Splink's waterfall.

A trained model is kept as Splink's settings dict (`LinkageModel.model_json`). Reloaded here
into a fresh Splink linker on an in-memory DuckDB, it rescores pairs with every intermediate
column kept: the comparison level each pair reached, its Bayes factor and match weight, and the
waterfall chart Splink draws from them (prior, one bar per comparison, final score).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from homecoming.linkage import frequencies
from homecoming.linkage.inputs import InputRecord

# Comparisons whose inputs are hashed forms: explanations show the names as written.
TEXT_SHOWN_FOR = frozenset({"name", "patronymic"})
_PAIR_KEY = "review_keys"


@dataclass(frozen=True, slots=True)
class ComparisonWeight:
    """What one comparison said about a pair."""

    comparison: str
    level: str
    gamma: int  # Splink's comparison vector value (-1: a value is missing)
    match_weight: float  # log2 of the level's Bayes factor (0 for a missing value)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "comparison": self.comparison,
            "level": self.level,
            "gamma": self.gamma,
            "match_weight": round(self.match_weight, 4),
        }


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """A pair's match probability and weight, and the weight each comparison added."""

    probability: float
    match_weight: float
    comparisons: tuple[ComparisonWeight, ...]


@dataclass(frozen=True, slots=True)
class Waterfall:
    """Splink's waterfall chart for one pair: its bars as data, and the Vega-Lite spec."""

    probability: float
    match_weight: float
    bars: list[dict[str, Any]]
    spec: dict[str, Any]


def model_for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A saved model's settings with its SQL spelled for `dialect` ("duckdb" or "spark").

    Our comparisons differ between the dialects only in how "arrays overlap" is written.
    """
    import json

    spellings = {"duckdb": "list_has_any(", "spark": "arrays_overlap("}
    text = json.dumps(model)
    for other, spelling in spellings.items():
        if other != dialect:
            text = text.replace(spelling, spellings[dialect])
    converted: dict[str, Any] = json.loads(text)
    converted["sql_dialect"] = dialect
    return converted


def duckdb_model(model: dict[str, Any]) -> dict[str, Any]:
    """The model's settings with its SQL spelled for DuckDB (a Spark run saves Spark SQL)."""
    return model_for_dialect(model, "duckdb")


def _linker(
    model: dict[str, Any], table: Any, frequency_table: Any, *, blocking: Sequence[Any] = ()
) -> Any:
    """A Splink linker over `table` (dedupe) from a saved model, keeping every column."""
    from splink import Linker

    from homecoming.linkage.engine import DuckDBEngine

    settings = duckdb_model(model)
    settings.update(
        link_type="dedupe_only",
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=[frequencies.COLUMN],  # the waterfall shows it
        blocking_rules_to_generate_predictions=list(blocking),
    )
    engine = DuckDBEngine(threads=1)
    frame = engine.register(table, "homecoming_explain")
    linker = Linker(frame, settings, log_level=logging.ERROR)
    frequencies.register(linker, engine, frequency_table)
    return linker, engine


def explain_pairs(
    model: dict[str, Any],
    features: Any,
    pairs: Sequence[tuple[str, str]],
    records: int | None = None,
) -> dict[tuple[str, str], PairExplanation]:
    """Rescore `pairs` (record ids in `features`, an arrow table) with the saved model.

    Family names are as common as among `features` (or among `records` records, when the run
    counted more: the two tables of a link).

    Each record gets the ids of the pairs it is in as one exploded blocking key, so Splink
    compares exactly these pairs and no others.
    """
    if not pairs:
        return {}
    import pyarrow as pa
    import pyarrow.compute as pc
    from splink import block_on

    keys: dict[str, list[int]] = {}
    for number, (left, right) in enumerate(pairs):
        keys.setdefault(left, []).append(number)
        keys.setdefault(right, []).append(number)
    ids = pa.array(sorted(keys), pa.string())
    rows = features.filter(pc.is_in(features.column("unique_id"), value_set=ids))
    order = rows.column("unique_id").to_pylist()
    rows = rows.append_column(_PAIR_KEY, pa.array([keys[i] for i in order], pa.list_(pa.int64())))
    linker, engine = _linker(
        model,
        rows,
        frequencies.lookup([features], records),
        blocking=[block_on(_PAIR_KEY, arrays_to_explode=[_PAIR_KEY])],
    )
    try:
        scored = linker.inference.predict().as_record_list()
        comparisons = linker._settings_obj.comparisons
        found = {}
        for record in scored:
            pair = (str(record["unique_id_l"]), str(record["unique_id_r"]))
            found[pair] = found[pair[::-1]] = _explanation(record, comparisons)
    finally:
        engine.close()
    return {pair: found[pair] for pair in pairs if pair in found}


def _explanation(record: dict[str, Any], comparisons: Iterable[Any]) -> PairExplanation:
    weights = []
    for comparison in comparisons:
        gamma = int(record[comparison._gamma_column_name])
        level = comparison._get_comparison_level_by_comparison_vector_value(gamma)
        weight = 0.0 if level.is_null_level else _log2(level._bayes_factor)
        if comparison._has_tf_adjustments:  # how common the family name is
            weight += float(record.get(comparison._mw_tf_adj_column_name) or 0.0)
        weights.append(
            ComparisonWeight(comparison.output_column_name, level.label_for_charts, gamma, weight)
        )
    return PairExplanation(
        probability=float(record["match_probability"]),
        match_weight=float(record["match_weight"]),
        comparisons=tuple(weights),
    )


def _log2(value: float | None) -> float:
    if not value or not math.isfinite(value):
        return 0.0
    return math.log2(value)


def waterfall(
    model: dict[str, Any],
    left: InputRecord,
    right: InputRecord,
    *,
    family_tf: tuple[float | None, float | None] = (None, None),
) -> Waterfall:
    """Splink's waterfall for two records under a saved model.

    `family_tf` is how common each record's family name was in the run that scored the pair
    (it depends on the whole batch, so the run keeps it beside the pair).
    """
    import pyarrow as pa
    from splink.internals.charts import WaterfallChart
    from splink.internals.waterfall_chart import records_to_waterfall_data

    from homecoming.linkage.features import features_table

    table = features_table([left, right], workers=1)
    known = {
        family: tf
        for family, tf in zip(table.column(frequencies.COLUMN).to_pylist(), family_tf, strict=True)
        if family is not None and tf is not None
    }
    lookup = pa.table(
        {frequencies.COLUMN: list(known), frequencies.TF_COLUMN: list(known.values())},
        schema=frequencies.schema(),
    )
    linker, engine = _linker(model, table, lookup)
    try:
        rows = table.to_pylist()
        scored = linker.inference.score_pair(rows[0], rows[1]).as_record_list()
        settings = linker._settings_obj
        data = records_to_waterfall_data(scored, settings, False)  # type: ignore[no-untyped-call]
    finally:
        engine.close()
    bars = waterfall_bars(data, rows[0]["name_text"], rows[1]["name_text"])
    _add_cumulative(bars)
    chart = WaterfallChart(bars, filter_nulls=True)
    spec = _json_safe(chart.chart_dict)
    return Waterfall(
        probability=float(scored[0]["match_probability"]),
        match_weight=float(scored[0]["match_weight"]),
        bars=bars,
        spec=spec,
    )


def _add_cumulative(bars: list[dict[str, Any]]) -> None:
    """Each bar's running match weight and probability (prior first, final score last)."""
    total = 0.0
    for bar in bars:
        weight = bar.get("log2_bayes_factor") or 0.0
        if bar.get("column_name") == "Final score":
            total = weight
        else:
            total += weight
        bar["cumulative_match_weight"] = round(total, 6)
        bar["cumulative_probability"] = round(_probability(total), 6)


def _probability(weight: float) -> float:
    odds = 2.0**weight if weight < 1000 else math.inf
    return 1.0 if math.isinf(odds) else odds / (1.0 + odds)


def waterfall_bars(data: Sequence[dict[str, Any]], left: str, right: str) -> list[dict[str, Any]]:
    """Splink's waterfall data made JSON-able, with the two names as written (`left`, `right`)."""
    bars = [_plain(bar) for bar in data]
    for bar in bars:  # forms are hashed: show the names as written instead
        if bar.get("column_name") in TEXT_SHOWN_FOR:
            bar["value_l"], bar["value_r"] = left, right
    return bars


def _plain(bar: dict[str, Any]) -> dict[str, Any]:
    """Numbers and strings only (JSON): infinities and NaN become None."""
    clean: dict[str, Any] = {}
    for key, value in bar.items():
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        clean[key] = value
    return clean


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
