"""Batch deduplication benchmark: Homecoming's linkage beside stock Splink on the same records.

Run: .venv/bin/python bench/bench_linkage.py [--records 100000] [--million] [--seed 7] [--before]
Generates cross-script records with ground truth (homecoming.generate) into a temporary
directory, deduplicates them with each system in a child process (so peak memory, ru_maxrss,
belongs to one system), and prints wall time, peak memory and pairwise precision / recall / F1,
then candidates and recall of each blocking key. Writes nothing into the repository.

Stock Splink gets the raw name fields (a full name alone is split on spaces, family name
first) with NameComparison, DateOfBirthComparison and exact matches: what a user of Splink
without our names engine would write.
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
# Issue 13: `dedupe` of 1,000,000 records in at most this many seconds.
TARGET_MILLION_SECONDS = 60.0
# Homecoming's clusters are also cut at these thresholds (from the same scored pairs).
OTHER_THRESHOLDS = (0.5, 0.99)


# -- evaluation ---------------------------------------------------------------------------


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise_scores(truth: dict[str, str], clusters: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering against the truth."""
    both = Counter((clusters[i], truth[i]) for i in truth)
    tp = _pairs(both)
    predicted = _pairs(Counter(clusters[i] for i in truth))
    actual = _pairs(Counter(truth.values()))
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _read_pairs(path: Path, key: str, value: str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle)}


# -- workers (child processes) ---------------------------------------------------------------


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_homecoming(source: Path, out: Path, *, before: bool = False) -> dict[str, Any]:
    """Dedupe `source`; `before`: as before the speed work (row reader, no key narrowing)."""
    from contextlib import contextmanager

    from homecoming.linkage import features, pipeline
    from homecoming.linkage.clustering import cluster
    from homecoming.linkage.inputs import read_records, read_table, record_ids

    if before:
        features.COMMON_KEY_RECORDS = 2**62

    stages: dict[str, float] = {}

    def cpu() -> float:
        times = os.times()  # children too: the names stage forks workers
        return times.user + times.system + times.children_user + times.children_system

    @contextmanager
    def stage(description: str, total: int | None) -> Any:
        started, used = time.perf_counter(), cpu()
        yield lambda done: None
        stages[description] = round(time.perf_counter() - started, 2)
        stages[f"{description} CPU"] = round(cpu() - used, 2)

    started = time.perf_counter()
    records = read_records(source) if before else read_table(source)
    stages["reading"] = round(time.perf_counter() - started, 2)
    run = pipeline.dedupe(records, threshold=THRESHOLD, stage=stage)
    seconds = time.perf_counter() - started
    _write_clusters(out, run.clusters)
    for threshold in OTHER_THRESHOLDS:
        ids = record_ids(records)
        _write_clusters(_at(out, threshold), cluster(ids, run.pairs, threshold=threshold))
    return {"seconds": seconds, "maxrss_mib": _maxrss_mib(), "stages": stages}


def _at(path: Path, threshold: float) -> Path:
    return path.with_name(f"{path.stem}-{threshold}{path.suffix}")


def _write_clusters(path: Path, clusters: dict[str, str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "cluster_id"))
        writer.writerows(clusters.items())


def _stock_rows(source: Path) -> Any:
    import pyarrow as pa

    columns: dict[str, list[Any]] = {
        k: [] for k in ("unique_id", "first_name", "surname", "dob", "sex", "place", "service")
    }
    with open(source, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            surname, first = row["family_name"], row["given_name"]
            if not (surname or first):
                words = row["full_name"].split()
                surname, first = [*words, "", ""][:2]
            dob = row["date_of_birth"]
            columns["unique_id"].append(row["id"])
            columns["first_name"].append(first.lower() or None)
            columns["surname"].append(surname.lower() or None)
            columns["dob"].append(dob if len(dob) == 10 else None)
            columns["sex"].append(row["sex"] or None)
            columns["place"].append(row["place_of_birth"] or None)
            columns["service"].append(row["service_number"] or None)
    return pa.table(columns)


def worker_stock(source: Path, out: Path) -> dict[str, Any]:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    api = DuckDBAPI()
    frame = api.register(_stock_rows(source), table_name="stock")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("place"),
            cl.ExactMatch("service"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("service"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(frame, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("dob"), block_on("surname", "first_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    table = clusters.as_pyarrow_table()  # type: ignore[no-untyped-call]
    seconds = time.perf_counter() - started
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "cluster_id"))
        ids = table.column("unique_id").to_pylist()
        writer.writerows(zip(ids, table.column("cluster_id").to_pylist(), strict=True))
    return {"seconds": seconds, "maxrss_mib": _maxrss_mib(), "stages": {}}


def worker_blocking(source: Path, with_name_year: bool) -> dict[str, Any]:
    import pyarrow as pa

    from homecoming.linkage.blocking import ALL_KEYS, PREDICTION_KEYS, measure_blocking
    from homecoming.linkage.features import features_table, narrow_common_keys
    from homecoming.linkage.inputs import read_records

    records = read_records(source)
    truth = _read_pairs(source, "id", "truth_person_id")
    features = narrow_common_keys([features_table(records)])[0]
    truth_table = pa.table(
        {"id": [r.id for r in records], "truth_id": [truth[r.id] for r in records]}
    )
    keys = ALL_KEYS if with_name_year else PREDICTION_KEYS
    measures = measure_blocking(features, truth_table, keys)
    return {
        "keys": [
            {
                "column": m.column,
                "candidates": m.candidates,
                "recall": m.recall,
                "new_true_pairs": m.new_true_pairs,
                "true_pairs": m.true_pairs,
            }
            for m in measures
        ]
    }


# -- driver -----------------------------------------------------------------------------------


def _child(*args: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"worker {args[0]} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(records: int, seed: int, *, stock: bool, blocking: bool, before: bool = False) -> None:
    from homecoming.generate.csvfile import write_csv
    from homecoming.generate.records import generate_dataset

    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as tmp:
        source = Path(tmp) / "records.csv"
        started = time.perf_counter()
        write_csv(generate_dataset(records, seed=seed), source)
        print(
            f"\n{records:,} records generated in {time.perf_counter() - started:.1f} s", flush=True
        )
        truth = _read_pairs(source, "id", "truth_person_id")
        systems = ["homecoming", "stock"] if stock else ["homecoming"]
        if before:
            systems.insert(0, "before")
        print(
            f"{'system':<12}{'seconds':>9}{'peak MiB':>10}{'precision':>11}{'recall':>9}{'F1':>8}"
        )
        measured: dict[str, tuple[float, float]] = {}  # system -> (seconds, F1)
        for system in systems:
            out = Path(tmp) / f"{system}.csv"
            result = _child(system, str(source), str(out))
            p, r, f1 = pairwise_scores(truth, _read_pairs(out, "id", "cluster_id"))
            measured[system] = (result["seconds"], f1)
            print(
                f"{system:<12}{result['seconds']:>9.1f}{result['maxrss_mib']:>10.0f}"
                f"{p:>11.4f}{r:>9.4f}{f1:>8.4f}",
                flush=True,
            )
            if system in ("homecoming", "before"):
                for threshold in OTHER_THRESHOLDS:
                    clusters = _read_pairs(_at(out, threshold), "id", "cluster_id")
                    p, r, f1 = pairwise_scores(truth, clusters)
                    label = f"  at {threshold}"
                    print(f"{label:<12}{'':>9}{'':>10}{p:>11.4f}{r:>9.4f}{f1:>8.4f}")
            if result["stages"]:
                print("  stages (s): " + ", ".join(f"{k} {v}" for k, v in result["stages"].items()))
        _compared(records, measured)
        if blocking:
            found = _child("blocking", str(source), "name_year" if records <= 200_000 else "")
            print(f"{'blocking key':<16}{'candidates':>12}{'recall':>9}{'new true pairs':>16}")
            for key in found["keys"]:
                print(
                    f"{key['column']:<16}{key['candidates']:>12,}{key['recall']:>9.4f}"
                    f"{key['new_true_pairs']:>16,}"
                )
            print(f"(true pairs: {found['keys'][0]['true_pairs']:,})")


def _compared(records: int, measured: dict[str, tuple[float, float]]) -> None:
    """Homecoming beside stock Splink, and beside issue 13's target at a million records."""
    seconds, f1 = measured["homecoming"]
    if "stock" in measured:
        stock_seconds, stock_f1 = measured["stock"]
        print(
            f"homecoming / stock Splink: {seconds / stock_seconds:.2f}x the time, "
            f"F1 {f1:.4f} against {stock_f1:.4f}"
        )
    if records == 1_000_000:
        verdict = "met" if seconds <= TARGET_MILLION_SECONDS else "not met"
        print(
            f"issue 13's target, dedupe of 1,000,000 records <= {TARGET_MILLION_SECONDS:.0f} s: "
            f"{seconds:.1f} s, {verdict} ({seconds / TARGET_MILLION_SECONDS:.2f}x the target)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, action="append", help="size (repeatable)")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 records")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-stock", action="store_true", help="skip the stock Splink run")
    parser.add_argument("--no-blocking", action="store_true", help="skip blocking measures")
    parser.add_argument(
        "--before",
        action="store_true",
        help="also run Homecoming as before the speed work (row reader, no key narrowing)",
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind in ("homecoming", "before"):
            result = worker_homecoming(Path(rest[0]), Path(rest[1]), before=kind == "before")
        elif kind == "stock":
            result = worker_stock(Path(rest[0]), Path(rest[1]))
        else:
            result = worker_blocking(Path(rest[0]), bool(rest[1:] and rest[1]))
        print(json.dumps(result))
        return
    sizes = args.records or [100_000]
    if args.million:
        sizes.append(1_000_000)
    print(f"cores: {os.cpu_count()}, threshold {THRESHOLD}, seed {args.seed}")
    for size in sizes:
        bench(
            size,
            args.seed,
            stock=not args.no_stock,
            blocking=not args.no_blocking,
            before=args.before,
        )


if __name__ == "__main__":
    main()
