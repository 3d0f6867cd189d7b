"""The same settings on Spark (local mode): one small run, as Spark takes ~25 s to start; and a
saved model scoring on any engine without training again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from homecoming.linkage import pipeline
from homecoming.linkage.inputs import read_records


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (17 here)")
def test_dedupe_on_spark_agrees_with_duckdb(
    generated_csv: Callable[[int, int], Path],
    truth_of: Callable[[Path], dict[str, str]],
    tmp_path: Path,
) -> None:
    pytest.importorskip("pyspark")
    from homecoming.linkage.engine import SparkEngine

    source = generated_csv(300, 3)
    records = read_records(source)
    on_duckdb = pipeline.dedupe(records)
    model = on_duckdb.model.model_json()
    runs = []
    for trained in (None, model):
        engine = SparkEngine(checkpoint_dir=str(tmp_path / "checkpoints"), shuffle_partitions=1)
        try:
            runs.append(pipeline.dedupe(records, engine=engine, trained=trained))
        finally:
            engine.close()
    # Trained on Spark, the parameters differ a little; given DuckDB's trained model, Spark
    # scores every pair alike: the same clusters.
    on_spark, scored_alike = runs
    assert _groups(scored_alike.clusters) == _groups(on_duckdb.clusters)
    truth = truth_of(source)
    same_spark = {(a, b) for a, b, _ in on_spark.links()}
    same_duckdb = {(a, b) for a, b, _ in on_duckdb.links()}
    assert same_spark, "Spark found no links"
    overlap = len(same_spark & same_duckdb) / len(same_spark | same_duckdb)
    assert overlap >= 0.9
    assert sum(truth[a] == truth[b] for a, b in same_spark) >= 0.95 * len(same_spark)


def _groups(clusters: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, set()).add(record)
    return {frozenset(group) for group in members.values()}


def test_a_saved_model_scores_without_training_again(
    generated_csv: Callable[[int, int], Path],
) -> None:
    records = read_records(generated_csv(300, 4))
    trained = pipeline.dedupe(records)
    again = pipeline.dedupe(records, trained=trained.model.model_json())
    assert again.model.trained and not trained.model.trained
    assert _groups(again.clusters) == _groups(trained.clusters)
    assert sorted(again.links()) == sorted(trained.links())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (17 here)")
def test_em_on_spark_sums_on_one_partition(tmp_path: Path) -> None:
    """Spark adds EM's sums per shuffle partition, then the partial sums: with eight
    partitions, `dedupe --engine spark --em` of one 4,000-row file twice gave the same clusters
    and m apart in its last digits (8 values); on one partition, the same model. EM runs so
    (`SparkEngine.repeatable`), and the session's settings come back after it."""
    pytest.importorskip("pyspark")
    from homecoming.linkage.engine import SparkEngine

    engine = SparkEngine(checkpoint_dir=str(tmp_path / "checkpoints"), shuffle_partitions=8)
    try:
        conf = engine.spark.conf
        with engine.repeatable():
            assert conf.get("spark.sql.shuffle.partitions") == "1"
            assert conf.get("spark.sql.adaptive.enabled") == "false"
        assert conf.get("spark.sql.shuffle.partitions") == "8"
    finally:
        engine.close()
