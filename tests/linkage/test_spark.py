"""The same settings on Spark (local mode): one small run, as Spark takes ~25 s to start."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from homecoming.linkage import pipeline
from homecoming.linkage.inputs import read_records

pytest.importorskip("pyspark")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (17 here)")
def test_dedupe_on_spark_agrees_with_duckdb(
    generated_csv: Callable[[int, int], Path],
    truth_of: Callable[[Path], dict[str, str]],
    tmp_path: Path,
) -> None:
    from homecoming.linkage.engine import SparkEngine

    source = generated_csv(300, 3)
    records = read_records(source)
    engine = SparkEngine(checkpoint_dir=str(tmp_path / "checkpoints"), shuffle_partitions=1)
    try:
        on_spark = pipeline.dedupe(records, engine=engine, u_max_pairs=5e4)
    finally:
        engine.close()
    on_duckdb = pipeline.dedupe(records, u_max_pairs=5e4)
    truth = truth_of(source)
    same_spark = {(a, b) for a, b, _ in on_spark.links()}
    same_duckdb = {(a, b) for a, b, _ in on_duckdb.links()}
    assert same_spark, "Spark found no links"
    overlap = len(same_spark & same_duckdb) / len(same_spark | same_duckdb)
    assert overlap >= 0.9
    assert sum(truth[a] == truth[b] for a, b in same_spark) >= 0.95 * len(same_spark)
