"""Scale-out benchmark: the same batch linkage on Spark (local mode) and on DuckDB.

Run: .venv/bin/python bench/bench_spark.py [--records 1000000] [--seed 7] [--partitions 8]

Generates records with ground truth (homecoming.generate) into a temporary directory, then
deduplicates them with `homecoming.linkage.pipeline.dedupe` with the same settings, each run
in its own child process (so start-up and peak memory belong to one engine): on DuckDB
(training, and saving the trained model), on Spark (training on its own), and on Spark scoring
with DuckDB's saved model. Prints wall times and peak memory, each run's F1 against the truth,
and how far each Spark clustering agrees with DuckDB's (pairwise precision, recall and F1, and
whether the clusters are identical). Needs pyspark (`pip install '.[spark]'`) and Java 17.
`make bench` runs it only with BENCH_SIZE=large: at 1,000,000 records on two cores Spark takes
a long time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

THRESHOLD = 0.9


def pairwise(reference: dict[str, str], clusters: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of `clusters` against `reference` (same ids)."""

    def pairs(sizes: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in sizes.values())

    both = pairs(Counter((clusters[i], reference[i]) for i in reference))
    predicted = pairs(Counter(clusters[i] for i in reference))
    actual = pairs(Counter(reference.values()))
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def read_column(path: Path, value: str) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row[value] for row in csv.DictReader(handle)}


def worker(
    engine_name: str, source: Path, out: Path, partitions: int, model: Path | None
) -> dict[str, Any]:
    """One run; with `model`, score with that saved model (no training), else train and save
    the trained model beside `out`."""
    from homecoming.linkage import pipeline
    from homecoming.linkage.engine import DuckDBEngine, LinkageEngine, SparkEngine
    from homecoming.linkage.inputs import read_records

    started = time.perf_counter()
    engine: LinkageEngine = (
        SparkEngine(shuffle_partitions=partitions) if engine_name == "spark" else DuckDBEngine()
    )
    ready = time.perf_counter() - started
    try:
        records = read_records(source)
        trained = json.loads(model.read_text("utf-8")) if model else None
        run = pipeline.dedupe(records, engine=engine, threshold=THRESHOLD, trained=trained)
        if model is None:
            out.with_suffix(".model.json").write_text(json.dumps(run.model.model_json()), "utf-8")
    finally:
        engine.close()
    seconds = time.perf_counter() - started
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "cluster_id"))
        writer.writerows(run.clusters.items())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "start_seconds": ready, "maxrss_mib": rss}


def child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"worker {args[0]} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(records: int, seed: int, partitions: int) -> None:
    from homecoming.generate.csvfile import write_csv
    from homecoming.generate.records import generate_dataset

    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        source = Path(tmp) / "records.csv"
        write_csv(generate_dataset(records, seed=seed), source)
        truth = read_column(source, "truth_person_id")
        print(f"\n{records:,} records, threshold {THRESHOLD}, cores {os.cpu_count()}", flush=True)
        print(f"{'run':<20}{'seconds':>9}{'start s':>9}{'peak MiB':>10}{'F1 vs truth':>13}")
        clusters = {}
        duckdb_model = Path(tmp) / "duckdb.model.json"
        runs = [
            ("duckdb", "duckdb", None),
            ("spark", "spark", None),
            ("spark+duckdb model", "spark", duckdb_model),
        ]
        for label, name, model in runs:
            out = Path(tmp) / f"{label.replace(' ', '_')}.csv"
            args = [name, str(source), str(out), str(partitions), str(model or "")]
            result = child(*args)
            clusters[label] = read_column(out, "cluster_id")
            f1 = pairwise(truth, clusters[label])[2]
            print(
                f"{label:<20}{result['seconds']:>9.1f}{result['start_seconds']:>9.1f}"
                f"{result['maxrss_mib']:>10.0f}{f1:>13.4f}",
                flush=True,
            )
        for label in ("spark", "spark+duckdb model"):
            p, r, f1 = pairwise(clusters["duckdb"], clusters[label])
            identical = _partition(clusters["duckdb"]) == _partition(clusters[label])
            print(
                f"{label} against duckdb: precision {p:.4f}, recall {r:.4f}, F1 {f1:.4f};"
                f" clusters identical: {'yes' if identical else 'no'}"
            )


def _partition(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, cluster in clusters.items():
        groups.setdefault(cluster, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partitions", type=int, default=8, help="Spark shuffle partitions")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, source, out, partitions, model = args.worker
        result = worker(
            name, Path(source), Path(out), int(partitions), Path(model) if model else None
        )
        print(json.dumps(result))
        return
    bench(args.records, args.seed, args.partitions)


if __name__ == "__main__":
    main()
