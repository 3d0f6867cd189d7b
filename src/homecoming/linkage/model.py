"""The Homecoming linkage model on Splink: settings, training, prediction and explanations.

The same settings run on every engine: the one match model's comparisons (match/levels.py) with
its shipped m and u (match/model.py), but for the u of a shared place of birth or unit, which is
the batch's own rate (`frequencies.shared_counts`), and the prior fixed by the sizes.
Refinement is optional: m by expectation maximisation on the batch, and m from human "same"
judgements.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any, Literal

from homecoming.linkage import frequencies
from homecoming.linkage.blocking import (
    PREDICTION_KEYS,
    TRAINING_COLUMNS,
    BlockingKey,
    keys_for,
)
from homecoming.linkage.comparisons import AGREE_UDF, NAME_UDF, PATRONYMIC_UDF, comparisons
from homecoming.linkage.engine import DuckDBEngine, LinkageEngine, SparkEngine
from homecoming.linkage.explain import model_for_dialect, waterfall_bars
from homecoming.linkage.judgements import PairJudgement
from homecoming.match.model import MatchModel, default_model

LinkType = Literal["dedupe_only", "link_only"]
DATASETS = ("left", "right")


def prior_for(link_type: LinkType, sizes: Sequence[int]) -> float:
    """Chance that two random records are one person, before any comparison.

    Linking a list to a registry, each entry of the smaller side is at most one record of the
    larger: 1 / size of the larger. Deduplicating, each record has about one other record of
    its person among N: 1 / N. Fixed by the sizes, not estimated, so that three rows and a
    million are scored by the same evidence rules and the same input gives the same output.
    Never certainty: a file of one or two rows is scored as one of three (an even chance).
    """
    if link_type == "link_only":
        return 1.0 / max([*sizes, 2])
    return 1.0 / (max([*sizes, 3]) - 1)


def settings(
    link_type: LinkType,
    *,
    keys: Sequence[BlockingKey] = PREDICTION_KEYS,
    model: MatchModel | None = None,
    prior: float = 1e-4,
) -> Any:
    """Splink settings shared by every engine: the one match model's comparisons and weights."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(model if model is not None else default_model()),
        blocking_rules_to_generate_predictions=[key.rule() for key in keys],
        probability_two_random_records_match=prior,
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
        keys: Sequence[BlockingKey] | None = None,
        log_level: int = logging.WARNING,
        trained: dict[str, Any] | None = None,
    ) -> None:
        """Scores with the shipped match model, or with `trained` (a saved model, any engine)."""
        from splink import Linker

        self.engine = engine
        self.link_type: LinkType = "dedupe_only" if len(tables) == 1 else "link_only"
        self.tables = list(tables)  # the feature tables, as explanations need them
        self.frequencies = frequencies.lookup(self.tables)
        # On DuckDB, prediction leaves out pairs that cannot reach its floor (`linkage.bounds`),
        # which reads each record's name frequency at blocking.
        self._prunes = not isinstance(engine, SparkEngine)
        inputs = (
            [_with_frequency(table, self.frequencies) for table in tables]
            if self._prunes
            else self.tables
        )
        self._frames = [
            engine.register(table, f"homecoming_{name}")
            for table, name in zip(inputs, DATASETS, strict=False)
        ]
        self._sizes = [int(table.num_rows) for table in tables]
        self.prior = prior_for(self.link_type, self._sizes)
        if keys is None:
            keys = keys_for(self.link_type, self._sizes)
        # The model it scores with: a saved one as it is (None here), else the shipped one with
        # the u of a shared place or unit at this batch's rate (match.model.SHARED_FIELDS).
        self.match_model: MatchModel | None = None
        self.settings: Any
        if trained is not None:
            dialect = "spark" if isinstance(engine, SparkEngine) else "duckdb"
            self.settings = model_for_dialect(trained, dialect) | {"link_type": self.link_type}
        else:
            shared = frequencies.shared_counts(self.tables)
            self.match_model = default_model().with_shared_rates(shared)
            self.settings = settings(
                self.link_type, keys=keys, prior=self.prior, model=self.match_model
            )
        self.trained = trained is not None
        self.linker = Linker(self._frames, self.settings, log_level=log_level)
        self._log_level = log_level
        frequencies.register(self.linker, engine, self.frequencies)
        self._levels: dict[str, dict[int, tuple[str, float]]] | None = None
        # The levels of disagreement whose weight EM would have moved towards a match
        # ("comparison: level"), held at the shipped model's (`_hold_disagreement`).
        self.em_held: list[str] = []

    # -- training ---------------------------------------------------------------------------

    def train(
        self,
        *,
        judgements: Sequence[PairJudgement] = (),
        em: bool = False,
        em_max_pairs: float = 1e6,
    ) -> None:
        """Refine the shipped model: m by EM on this data (`em`), m from "same" judgements.

        u stays the run's (the shipped model's, but for a shared place or unit, counted on the
        batch: match.model.SHARED_FIELDS); with neither, the run's model scores as it is. After
        EM, each level of disagreement keeps the shipped m (`_hold_disagreement`): namesakes
        taken for one person must not make "date of birth differs" weigh less.
        """
        from splink import block_on

        if em:
            shipped = _m_by_level(self.linker._settings_obj.comparisons)
            with self.engine.repeatable():
                for columns in TRAINING_COLUMNS:
                    self.linker.training.estimate_parameters_using_expectation_maximisation(
                        block_on(*columns),
                        estimate_without_term_frequencies=True,
                        fix_u_probabilities=True,
                        max_pairs=em_max_pairs,
                    )
            # (EM's sessions leave the linker new comparison objects: read them again.)
            self.em_held = _hold_disagreement(self.linker._settings_obj.comparisons, shipped)
        same = [j for j in judgements if j.same]
        if same:
            self._train_from_judgements(same)
        self._levels = None

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
        from homecoming.linkage.pregrading import graded_ahead

        linker, candidates, bound = self._predicting(threshold)
        ahead = (
            graded_ahead(self.engine.connection, candidates.physical_name)
            if candidates is not None and isinstance(self.engine, DuckDBEngine)
            else nullcontext()
        )
        with ahead as graded:
            if graded is not None and bound is not None:
                frame = self._predict_graded(linker, candidates, graded, bound, threshold)
            else:
                frame = linker.inference.predict(
                    threshold_match_probability=threshold, warning_mode="never"
                )
            return self.engine.to_arrow(frame)

    def _predicting(self, threshold: float) -> tuple[Any, Any, Any]:
        """The linker that predicts: on DuckDB, one whose blocking also requires that a pair
        may reach `threshold` whatever its names (`linkage.bounds`; the same pairs out); a
        deduplication's candidate pairs when they are made here, and their bound (else
        None)."""
        from splink import Linker

        from homecoming.linkage import bounds

        bound = bounds.bound(self.linker._settings_obj, threshold) if self._prunes else None
        if bound is None or threshold <= 0:
            return self.linker, None, None
        model = self.model_json()
        rules = model["blocking_rules_to_generate_predictions"]
        keys = _plain_keys(rules) if self.link_type == "dedupe_only" else None
        if keys is None:
            model["blocking_rules_to_generate_predictions"] = bounds.guarded_rules(
                rules, bound.condition()
            )
        linker = Linker(self._frames, model, log_level=self._log_level)
        frequencies.register(linker, self.engine, self.frequencies)
        if keys is not None:
            # The candidate pairs made here, each pair's bound tested once (not once per key
            # it shares), and handed to Splink to score: the same pairs its rules would find.
            made = self._candidate_pairs(keys, bound)
            _score_these(linker, self.engine, made.physical_name)
            return linker, made, bound
        return linker, None, None

    def _candidate_pairs(self, keys: Sequence[BlockingKey], bound: Any) -> Any:
        """The deduplicated table's candidate pairs that may reach the floor, as Splink's
        blocked pairs with what grading reads (`bounds.candidate_pairs_sql`), materialised in
        the engine."""
        from splink.internals.pipeline import CTEPipeline

        from homecoming.linkage import bounds
        from homecoming.linkage.pregrading import CANDIDATE_COLUMNS

        pipeline = CTEPipeline()
        sql = bounds.candidate_pairs_sql(
            keys, self._frames[0].physical_name, bound, CANDIDATE_COLUMNS
        )
        pipeline.enqueue_sql(sql, "homecoming_candidate_pairs")
        return self.engine.db_api.sql_pipeline_to_splink_dataframe(pipeline)

    def _predict_graded(
        self, linker: Any, candidates: Any, graded: Any, bound: Any, threshold: float
    ) -> Any:
        """Splink's prediction of the candidate pairs whose names were graded ahead (`graded`,
        `pregrading.graded_ahead`), reading their levels from that table.

        Only the pairs that may still reach the floor now that their names' levels are known
        are scored (`pregrading.reachable_pairs_sql`: at 1,000,000 generated records, about half
        of them cannot). The pipeline is Splink's own (`LinkerInference.predict` of pairs
        handed to it): the pairs with their records' columns, the comparison vectors, the
        weights. Between the first two, the graded levels are joined to the pairs, and the
        comparisons read them before calling the names' functions (`comparisons.reading_graded`):
        a million pairs' levels read in SQL rather than looked up from Python."""
        from splink.internals.comparison_vector_values import (
            compute_comparison_vector_values_from_id_pairs_sqls,
        )
        from splink.internals.pipeline import CTEPipeline
        from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
        from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

        from homecoming.linkage.comparisons import GRADED_COLUMNS, reading_graded
        from homecoming.linkage.pregrading import reachable_pairs_sql

        engine = self.engine
        assert isinstance(engine, DuckDBEngine)  # graded ahead only on DuckDB
        view = "homecoming_graded_names"
        engine.connection.register(view, graded)
        try:
            reachable = CTEPipeline()
            reachable.enqueue_sql(
                reachable_pairs_sql(candidates.physical_name, view, bound),
                "homecoming_reachable_pairs",
            )
            kept = engine.db_api.sql_pipeline_to_splink_dataframe(reachable)
            pairs = _score_these(linker, engine, kept.physical_name)
            settings = linker._settings_obj
            pipeline = CTEPipeline([pairs])
            enqueue_df_concat_with_tf(linker, pipeline)
            columns = {  # graded table's column -> the column the comparisons read
                "name_level": GRADED_COLUMNS[NAME_UDF],
                "patronymic_level": GRADED_COLUMNS[PATRONYMIC_UDF],
                "agree": GRADED_COLUMNS[AGREE_UDF],
            }
            for step in compute_comparison_vector_values_from_id_pairs_sqls(
                settings._columns_to_select_for_blocking,
                settings._columns_to_select_for_comparison_vector_values,
                input_tablename_l="__splink__df_concat_with_tf",
                input_tablename_r="__splink__df_concat_with_tf",
                source_dataset_input_column=settings.column_info_settings.source_dataset_input_column,
                unique_id_input_column=settings.column_info_settings.unique_id_input_column,
                link_type=settings._link_type,
                sql_dialect_str=linker._sql_dialect_str,
            ):
                if step["output_table_name"] == _WITH_COLUMNS:
                    pipeline.enqueue_sql(step["sql"], "homecoming_pairs_with_columns")
                    pipeline.enqueue_sql(
                        "select p.*, "
                        + ", ".join(f"g.{level} as {column}" for level, column in columns.items())
                        + f" from homecoming_pairs_with_columns as p left join {view} as g"
                        " on g.name_text_l = p.name_text_l and g.name_text_r = p.name_text_r",
                        _WITH_COLUMNS,
                    )
                else:
                    pipeline.enqueue_sql(reading_graded(step["sql"]), step["output_table_name"])
            pipeline.enqueue_list_of_sqls(
                predict_from_comparison_vectors_sqls_using_settings(settings, threshold, None)
            )
            return engine.db_api.sql_pipeline_to_splink_dataframe(pipeline)
        finally:
            engine.connection.unregister(view)

    # -- explanations -----------------------------------------------------------------------

    def model_json(self) -> dict[str, Any]:
        """The trained model as Splink's settings dict (m and u of every level), without the
        random name Splink gives each linker: the same model is the same bytes."""
        found = dict(self.linker.misc.save_model_to_json())
        found.pop("linker_uid", None)
        return found

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
        model["additional_columns_to_retain"] = [frequencies.COLUMN]
        model["blocking_rules_to_generate_predictions"] = []
        explainer = Linker(self._frames, model, log_level=logging.WARNING)
        frequencies.register(explainer, self.engine, self.frequencies)
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


# Splink's step that joins the pairs to their records' columns (`_predict_graded`).
_WITH_COLUMNS = "blocked_with_cols"


def _score_these(linker: Any, engine: Any, table: str) -> Any:
    """Make `table` (match_key, join_key_l, join_key_r) the pairs the linker scores; returns
    them as Splink's blocked pairs."""
    from splink.internals.chunking import _blocked_pairs_cache_key

    pairs = engine.db_api.table_to_splink_dataframe("__splink__blocked_id_pairs", table)
    linker._intermediate_table_cache[_blocked_pairs_cache_key()] = pairs
    return pairs


def _plain_keys(rules: Sequence[dict[str, Any]]) -> list[BlockingKey] | None:
    """The blocking keys of a model's rules when each rule is one key's equality
    (`BlockingKey.rule`), in their order; None for any other rule."""
    keys = []
    for rule in rules:
        exploded = list(rule.get("arrays_to_explode") or [])
        column = exploded[0] if exploded else None
        if column is None:
            found = _EQUALITY.fullmatch(str(rule.get("blocking_rule", "")))
            column = found.group(1) if found else None
        if column is None or rule.get("blocking_rule") != f'l."{column}" = r."{column}"':
            return None
        if len(exploded) > 1 or set(rule) - {"blocking_rule", "sql_dialect", "arrays_to_explode"}:
            return None
        keys.append(BlockingKey(column, column, array=bool(exploded)))
    return keys or None


_EQUALITY = re.compile(r'l\."([a-z_]+)" = r\."\1"')


def _m_by_level(comparisons: Sequence[Any]) -> dict[tuple[str, int], float]:
    """Each non-null level's current m, by (comparison, comparison vector value)."""
    return {
        (comparison.output_column_name, level.comparison_vector_value): float(level.m_probability)
        for comparison in comparisons
        for level in comparison.comparison_levels
        if not level.is_null_level
    }


def _hold_disagreement(
    comparisons: Sequence[Any], shipped: dict[tuple[str, int], float]
) -> list[str]:
    """After EM: how often one person's records disagree stays the shipped model's.

    EM's match class is whatever pairs of a training block look most alike, and where many
    different people share a name (Магомедов Магомед by the hundred), those are namesakes: EM
    raised m of "date of birth differs", "service number differs" and of every other level of
    disagreement until namesakes linked (dedupe precision 0.995 to 0.548 on 20,000 records of
    such a population, docs/linkage.md). So every level that speaks against a match in the
    shipped model (m below u) keeps its shipped m, and the levels of agreement share the rest
    of m in the proportions EM found: EM refines how a person's records agree, never how
    often they disagree. Returns the levels whose weight EM had moved towards a match.
    """
    held = []
    for comparison in comparisons:
        name = comparison.output_column_name
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        against = [
            level
            for level in levels
            if shipped[name, level.comparison_vector_value] < float(level.u_probability)
        ]
        towards = [level for level in levels if level not in against]
        learnt = sum(float(level.m_probability) for level in towards)
        rest = 1.0 - sum(shipped[name, level.comparison_vector_value] for level in against)
        for level in against:
            m = shipped[name, level.comparison_vector_value]
            if float(level.m_probability) > m:
                held.append(f"{name}: {level.label_for_charts}")
            level.m_probability = m
        for level in towards:
            level.m_probability = (
                float(level.m_probability) * rest / learnt
                if learnt > 0
                else shipped[name, level.comparison_vector_value]
            )
    return held


def _weight(m: float | None, u: float | None) -> float:
    if not m or not u:
        return 0.0
    return math.log2(m / u)


def _with_frequency(table: Any, lookup: Any) -> Any:
    """A feature table with each record's name frequency (`bounds.FREQUENCY_COLUMN`)."""
    import pyarrow.compute as pc

    from homecoming.linkage.bounds import FREQUENCY_COLUMN

    where = pc.index_in(table.column(frequencies.COLUMN), value_set=lookup.column(0))
    found = pc.take(lookup.column(1), where)
    return table.append_column(FREQUENCY_COLUMN, found)
