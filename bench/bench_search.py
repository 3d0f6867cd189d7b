"""Search benchmark: person search latency, recall, build time and memory at N generated records.

Run: .venv/bin/python bench/bench_search.py [--records 100000] [--queries 1000] [--splink]
Each query is another record of a generated person (another alphabet, standard, typo, partial
date): a hit is that person among the first 1 or 10 results.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from homecoming.domain.dates import PartialDate
from homecoming.generate.records import GeneratedRecord, generate_dataset
from homecoming.search.index import Entry, PersonIndex, Query

SPLINK_QUERIES = 20


def _entries(records: list[GeneratedRecord]) -> list[Entry]:
    return [
        Entry(
            record_id=number,
            person_id=int(r.truth_person_id.lstrip("P")),
            name=r.fields.display_name(),
            date_of_birth=r.fields.date_of_birth,
            sex=r.fields.sex.value if r.fields.sex else None,
            unit=r.fields.unit,
        )
        for number, r in enumerate(records, 1)
    ]


def _queries(records: list[GeneratedRecord], n: int) -> list[tuple[Query, int, int]]:
    """(query, its own record id, the person to find) from persons with two or more records."""
    by_person: dict[str, list[int]] = {}
    for number, r in enumerate(records, 1):
        by_person.setdefault(r.truth_person_id, []).append(number)
    several = [ids for ids in by_person.values() if len(ids) > 1]
    rng = random.Random(11)
    chosen = []
    for ids in rng.sample(several, min(n, len(several))):
        record = records[ids[0] - 1]
        chosen.append(
            (
                Query(record.fields.display_name(), born=_year_only(record.fields.date_of_birth)),
                ids[0],
                int(record.truth_person_id.lstrip("P")),
            )
        )
    return chosen


def _year_only(date: PartialDate) -> PartialDate:
    # Operators often know only the year.
    return PartialDate(date.year)


def _rss_mib() -> float:
    """Resident memory now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CACHE = Path(__file__).parent / ".cache"


def generated(records: int, queries: int, *, cache: bool) -> tuple[list[Entry], list[Any]]:
    """The index entries and the queries at this size, from bench/.cache when asked and there."""
    path = CACHE / f"search-{records}-{queries}.pickle"
    if cache and path.exists():
        started = time.perf_counter()
        with path.open("rb") as f:
            entries, sample = pickle.load(f)
        print(f"read {records:,} records from {path} in {time.perf_counter() - started:.1f} s")
        return entries, sample
    started = time.perf_counter()
    data = list(generate_dataset(records, seed=5))
    print(f"generated {records:,} records in {time.perf_counter() - started:.1f} s")
    entries, sample = _entries(data), _queries(data, queries)
    if cache:
        CACHE.mkdir(exist_ok=True)
        with path.open("wb") as f:
            pickle.dump((entries, sample), f, protocol=pickle.HIGHEST_PROTOCOL)
    return entries, sample


def bench(
    records: int, queries: int, snapshot_dir: Path, *, splink: bool, cache: bool = False
) -> None:
    if splink:  # Splink reads the generated records themselves
        started = time.perf_counter()
        data = list(generate_dataset(records, seed=5))
        print(f"generated {records:,} records in {time.perf_counter() - started:.1f} s")
        entries, sample = _entries(data), _queries(data, queries)
        splink_ms: float | None = _splink_predict_between(data, sample[:SPLINK_QUERIES])
        del data
    else:
        entries, sample = generated(records, queries, cache=cache)
        splink_ms = None
    gc.collect()
    before = _rss_mib()
    started = time.perf_counter()
    index = PersonIndex.build(entries)
    build = time.perf_counter() - started
    del entries
    gc.collect()
    print(
        f"built the index in {build:.1f} s: {len(index.names):,} distinct names, "
        f"{len(index.key_hashes):,} keys, {len(index.key_names):,} postings; "
        f"resident memory {before:,.0f} -> {_rss_mib():,.0f} MiB (index and name caches)"
    )
    path = snapshot_dir / "index.npz"
    index.save(path, stamp=0)
    started = time.perf_counter()
    PersonIndex.load(path)
    print(
        f"snapshot {path.stat().st_size / 2**20:,.0f} MiB, loaded in "
        f"{time.perf_counter() - started:.2f} s"
    )
    started = time.perf_counter()
    index.warm()
    print(
        f"warmed (every name parsed once, as a running server does after start) in "
        f"{time.perf_counter() - started:.1f} s; resident memory {_rss_mib():,.0f} MiB"
    )
    # Saved again with the names parsed, as `homecoming serve` saves it before its workers
    # start; the queries then run on the index a worker loads and warms from it.
    started = time.perf_counter()
    index.save(path, stamp=0)
    saved = time.perf_counter() - started
    del index
    gc.collect()
    started = time.perf_counter()
    loaded = PersonIndex.load(path)
    assert loaded is not None
    index = loaded[0]
    load = time.perf_counter() - started
    started = time.perf_counter()
    index.warm()
    gc.freeze()  # as a server's worker does once warm (SearchService._warm_up)
    print(
        f"snapshot with the names parsed {path.stat().st_size / 2**20:,.0f} MiB, saved in "
        f"{saved:.1f} s, loaded in {load:.2f} s, warmed (names read back) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    latencies, top1, top10 = [], 0, 0
    for query, _own, person in sample:
        started = time.perf_counter()
        hits = index.search(query, limit=10)
        latencies.append(time.perf_counter() - started)
        found = [h.person_id for h in hits]
        top1 += bool(found) and found[0] == person
        top10 += person in found
    latencies.sort()
    p50 = statistics.median(latencies) * 1e3
    p95 = latencies[int(len(latencies) * 0.95)] * 1e3
    print(
        f"{len(sample)} queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"max {latencies[-1] * 1e3:.1f} ms; person first {top1 / len(sample):.3f}, "
        f"in top 10 {top10 / len(sample):.3f}"
    )
    if splink_ms is not None:
        print(
            f"Splink 5 predict_between, one record against all {records:,} (stock comparisons, "
            f"DuckDB): median {splink_ms:.0f} ms over {SPLINK_QUERIES} records; "
            f"ratio to our p50 {splink_ms / p50:,.0f}x, to our p95 {splink_ms / p95:,.0f}x"
        )


def _stock_table(records: list[GeneratedRecord]) -> Any:
    """The records as stock Splink reads them: lower-cased first name, surname, full dates."""
    import pyarrow as pa

    columns: dict[str, list[Any]] = {"unique_id": [], "first_name": [], "surname": [], "dob": []}
    for number, record in enumerate(records, 1):
        f = record.fields
        surname, first = f.family_name, f.given_names
        if not (surname or first):
            surname, first = [*f.full_name.split(), "", ""][:2]
        dob = f.date_of_birth.iso()
        columns["unique_id"].append(number)
        columns["first_name"].append(first.lower() or None)
        columns["surname"].append(surname.lower() or None)
        columns["dob"].append(dob if len(dob) == 10 else None)
    return pa.table(columns)


def _splink_predict_between(
    records: list[GeneratedRecord], sample: list[tuple[Query, int, int]]
) -> float:
    """Median ms of Splink 5's predict_between for one record against all the others."""
    import logging

    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    api = DuckDBAPI()
    existing = api.register(_stock_table(records), table_name="existing")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
        ],
    )
    linker = Linker(existing, settings, log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for column in ("first_name", "surname"):  # NameComparison adjusts for name frequency
        linker.table_management.compute_tf_table(column)
    times = []
    for n, (_query, own, _person) in enumerate(sample):
        row = _stock_table([records[own - 1]]).to_pylist()[0]
        row["unique_id"] = 10_000_000 + n
        new = api.register(pa.Table.from_pylist([row]), table_name=f"new_{n}")
        started = time.perf_counter()
        linker.inference.predict_between(existing, new, warning_mode="never").as_pyarrow_table()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--no-splink", action="store_true", help="skip the Splink peer")
    parser.add_argument(
        "--cache",
        action="store_true",
        help="keep the generated entries and queries in bench/.cache (without the Splink peer)",
    )
    args = parser.parse_args()
    print(f"== person search: {args.records:,} generated records ==")
    with tempfile.TemporaryDirectory() as tmp:
        bench(
            args.records,
            args.queries,
            Path(tmp),
            splink=not args.no_splink,
            cache=args.cache,
        )


if __name__ == "__main__":
    main()
