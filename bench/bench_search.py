"""Search benchmark: person search latency, recall, build time and memory at N generated records.

Run: .venv/bin/python bench/bench_search.py [--records 100000] [--queries 1000] [--splink]
Each query is another record of a generated person (another alphabet, standard, typo, partial
date): a hit is that person among the first 1 or 10 results.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from homecoming.domain.dates import PartialDate
from homecoming.generate.records import GeneratedRecord, generate_dataset
from homecoming.search.index import Entry, PersonIndex, Query


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


def bench(records: int, queries: int, snapshot_dir: Path) -> None:
    started = time.perf_counter()
    data = list(generate_dataset(records, seed=5))
    print(f"generated {records:,} records in {time.perf_counter() - started:.1f} s")
    entries = _entries(data)
    sample = _queries(data, queries)
    del data
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
    for query, _, _ in sample[:50]:  # warm the per-word caches as a running server has them
        index.search(query)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    args = parser.parse_args()
    print(f"== person search: {args.records:,} generated records ==")
    with tempfile.TemporaryDirectory() as tmp:
        bench(args.records, args.queries, Path(tmp))


if __name__ == "__main__":
    main()
