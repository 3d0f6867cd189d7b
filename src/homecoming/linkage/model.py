"""The Homecoming linkage model on Splink: settings, training, prediction and explanations.

The same settings run on every engine. Training: the prior from strict rules, u by random
sampling, m by expectation maximisation, then m refined from human "same" judgements.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any, Literal

from homecoming.linkage.blocking import (
    PREDICTION_KEYS,
    PRIOR_COLUMNS,
    PRIOR_RECALL,
    TRAINING_COLUMNS,
    BlockingKey,
)
from homecoming.linkage.comparisons import comparisons
from homecoming.linkage.engine import LinkageEngine, SparkEngine
from homecoming.linkage.explain import model_for_dialect, waterfall_bars
from homecoming.linkage.judgements import PairJudgement

LinkType = Literal["dedupe_only", "link_only"]
DATASETS = ("left", "right")
# Batches larger than this keep the prior of a batch this size (see LinkageModel._scale_prior).
REFERENCE_RECORDS = 100_000


def settings(
    link_type: LinkType,
    *,
    keys: Sequence[BlockingKey] = PREDICTION_KEYS,
) -> Any:
    """Splink settings shared by every engine."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=[key.rule() for key in keys],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,  # explanations rescore their pair
    )


class LinkageModel:
    """A Splink linker over feature tables (one to deduplicate, two to link)."""

    def __init__(
        self,
        engine: LinkageEngine,
        tables: Sequence[Any],
        *,
        keys: Sequence[BlockingKey] = PREDICTION_KEYS,
        log_level: int = logging.WARNING,
        trained: dict[str, Any] | None = None,
    ) -> None:
        """With `trained` (a saved model, from any engine) the linker scores with it as is."""
        from splink import Linker

        self.engine = engine
        self.link_type: LinkType = "dedupe_only" if len(tables) == 1 else "link_only"
        self.tables = list(tables)  # the feature tables, as explanations need them
        self._frames = [
            engine.register(table, f"homecoming_{name}")
            for table, name in zip(tables, DATASETS, strict=False)
        ]
        self.settings: Any = settings(self.link_type, keys=keys)
        if trained is not None:
            dialect = "spark" if isinstance(engine, SparkEngine) else "duckdb"
            self.settings = model_for_dialect(trained, dialect) | {"link_type": self.link_type}
        self.trained = trained is not None
        self.linker = Linker(self._frames, self.settings, log_level=log_level)
        self._levels: dict[str, dict[int, tuple[str, float]]] | None = None
        self._sizes = [int(table.num_rows) for table in tables]
        self.prior_scale = 1.0  # odds the prior was multiplied by (see _scale_prior)

    # -- training ---------------------------------------------------------------------------

    def train(
        self,
        *,
        judgements: Sequence[PairJudgement] = (),
        u_max_pairs: float = 1e6,
        em_max_pairs: float = 1e6,
        seed: int = 42,
    ) -> None:
        """Estimate the prior, u (random sampling), m (EM), then refine m from "same" judgements."""
        from splink import block_on

        training = self.linker.training
        training.estimate_probability_two_random_records_match(
            [block_on(*columns) for columns in PRIOR_COLUMNS], recall=PRIOR_RECALL
        )
        self._scale_prior()
        # Chunks let u estimation stop early on big inputs; on small ones they only cost jobs.
        chunks = 10 if u_max_pairs >= 1e6 else 1
        training.estimate_u_using_random_sampling(
            max_pairs=u_max_pairs, seed=seed, num_chunks=chunks
        )
        for columns in TRAINING_COLUMNS:
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns),
                estimate_without_term_frequencies=True,
                max_pairs=em_max_pairs,
            )
        same = [j for j in judgements if j.same]
        if same:
            self._train_from_judgements(same)
        self._levels = None

    def _scale_prior(self) -> None:
        """Above REFERENCE_RECORDS, hold the prior at what a batch of that size would have.

        Two random records match with a chance that falls as 1/N (each person has a few
        records), so at a fixed threshold the same evidence links less as the batch grows:
        at a million generated records 0.9 kept recall at 0.89 (F1 0.94) where 0.5 found
        0.96 (F1 0.97), while at 100,000 0.9 was best (F1 0.99). Fixing the
        prior's scale makes a threshold mean the same evidence at every size; probabilities
        above the reference size are "as if among REFERENCE_RECORDS records".
        """
        pairs = self._pairs(self._sizes)
        reference = self._pairs([REFERENCE_RECORDS] * len(self._sizes))
        if pairs <= reference:
            return
        settings = self.linker._settings_obj
        p = float(settings._probability_two_random_records_match)
        # Each record has a few matches whatever N: p falls as 1/N, i.e. as 1/sqrt(pairs).
        scaled = min(p * math.sqrt(pairs / reference), 0.5)
        settings._probability_two_random_records_match = scaled
        self.prior_scale = (scaled / (1 - scaled)) / (p / (1 - p))

    def scaled(self, probability: float) -> float:
        """A probability under the unscaled prior, as this model states it (same evidence)."""
        odds = probability / (1.0 - probability) * self.prior_scale
        return odds / (1.0 + odds)

    def _pairs(self, sizes: Sequence[int]) -> float:
        if self.link_type == "link_only":
            return float(sizes[0]) * float(sizes[-1])
        return sizes[0] * (sizes[0] - 1) / 2

    def _train_from_judgements(self, same: Sequence[PairJudgement]) -> None:
        import pyarrow as pa

        left, right = DATASETS if self.link_type == "link_only" else (DATASETS[0], DATASETS[0])
        labels = pa.table(
            {
                "source_dataset_l": [f"homecoming_{left}"] * len(same),
                "unique_id_l": [j.left_id for j in same],
                "source_dataset_r": [f"homecoming_{right}"] * len(same),
                "unique_id_r": [j.right_id for j in same],
            }
        )
        frame = self.engine.register(labels, "homecoming_labels")
        self.linker.training.estimate_m_from_pairwise_labels(frame)  # type: ignore[no-untyped-call]

    # -- prediction -------------------------------------------------------------------------

    def predict(self, *, threshold: float) -> Any:
        """Scored candidate pairs at or above the threshold, as an arrow table."""
        frame = self.linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        return self.engine.to_arrow(frame)

    # -- explanations -----------------------------------------------------------------------

    def model_json(self) -> dict[str, Any]:
        """The trained model as Splink's settings dict (m and u of every level)."""
        return dict(self.linker.misc.save_model_to_json())

    def _level_table(self) -> dict[str, dict[int, tuple[str, float]]]:
        if self._levels is None:
            self._levels = {}
            for comparison in self.linker._settings_obj.comparisons:
                levels = {}
                for level in comparison.comparison_levels:
                    weight = (
                        0.0
                        if level.is_null_level
                        else _weight(level.m_probability, level.u_probability)
                    )
                    levels[level.comparison_vector_value] = (level.label_for_charts, weight)
                self._levels[comparison.output_column_name] = levels
        return self._levels

    def prior_weight(self) -> float:
        """Match weight of two random records (the start of every explanation)."""
        p = float(self.linker._settings_obj._probability_two_random_records_match)
        return math.log2(p / (1.0 - p))

    def explain_levels(self, gammas: dict[str, int]) -> list[dict[str, Any]]:
        """Per comparison: the level a pair reached and its match weight."""
        table = self._level_table()
        found = []
        for name, gamma in gammas.items():
            label, weight = table[name][gamma]
            found.append({"comparison": name, "level": label, "match_weight": round(weight, 4)})
        return found

    def waterfall(self, left_id: str, right_id: str) -> list[dict[str, Any]]:
        """Splink's waterfall chart data for a pair: JSON-able bars, prior to final score."""
        from splink.internals.waterfall_chart import records_to_waterfall_data

        left = self._record(self._frames[0], left_id)
        right = self._record(self._frames[-1], right_id)
        records = self._scored_pair(left, right)
        settings = self.linker._settings_obj
        data = records_to_waterfall_data(records, settings, False)  # type: ignore[no-untyped-call]
        return waterfall_bars(data, left["name_text"], right["name_text"])

    def _scored_pair(self, left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, Any]]:
        from splink import Linker

        model = self.model_json()
        model["retain_intermediate_calculation_columns"] = True
        model["retain_matching_columns"] = True
        model["blocking_rules_to_generate_predictions"] = []
        explainer = Linker(self._frames, model, log_level=logging.WARNING)
        return list(explainer.inference.score_pair(left, right).as_record_list())

    def _record(self, frame: Any, record_id: str) -> dict[str, Any]:
        quoted = record_id.replace("'", "''")
        rows = frame.query_sql(
            f"select * from {frame.physical_name} where unique_id = '{quoted}'"
        ).as_record_list()
        if not rows:
            from homecoming.errors import NotFound

            raise NotFound(f"no record with id {record_id!r}")
        return dict(rows[0])


def _weight(m: float | None, u: float | None) -> float:
    if not m or not u:
        return 0.0
    return math.log2(m / u)
