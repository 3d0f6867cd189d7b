"""Person search, this code against an earlier revision's, interleaved on one index in one run.

Run: .venv/bin/python bench/ab_search.py --before REV [--records 100000] [--queries 1000]
The earlier revision's `homecoming/search/index.py` is loaded beside this one and searches the
same index object (only its search code differs), query by query in alternating order, so that
load from other jobs falls on both alike. Every query's hits must be equal (ids, scores, reasons,
explanations); any difference is printed and the run fails. `--profile-loops N` instead searches
the queries N times with this code only (for `py-spy record --idle off`). Generated entries and
queries are kept in bench/.cache (see bench_search.py).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from homecoming.search.index import Entry, PersonIndex, Query

sys.path.insert(0, str(Path(__file__).parent))
from bench_search import generated

ROOT = Path(__file__).resolve().parent.parent


def _before(revision: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:src/homecoming/search/index.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = ROOT / "bench" / ".cache" / "index_before.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("homecoming.search._index_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1e3
    p95 = ordered[int(len(ordered) * 0.95)] * 1e3
    p99 = ordered[int(len(ordered) * 0.99)] * 1e3
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms, max {ordered[-1] * 1e3:.1f} ms"


def _variants(sample: list[Any], entries: list[Entry]) -> list[Query]:
    """The bench's queries (year of birth only), then the same with the record's full date and
    sex, and as an indexed record is searched, so that every tier of candidates is exercised."""
    queries = [q for q, _own, _person in sample]
    full = [
        Query(q.text, born=entries[own - 1].date_of_birth, sex=entries[own - 1].sex)
        for q, own, _person in sample
    ]
    indexed = [Query(q.text, born=q.born, indexed_itself=True) for q in queries]
    return queries + full + indexed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="HEAD", help="the revision to compare with")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=1, help="times each query is timed")
    parser.add_argument("--profile-loops", type=int, default=0)
    parser.add_argument("--no-variants", action="store_true", help="the bench's queries only")
    args = parser.parse_args()
    entries, sample = generated(args.records, 1_000, cache=True)
    sample = sample[: args.queries]
    queries = [q for q, _o, _p in sample] if args.no_variants else _variants(sample, entries)
    started = time.perf_counter()
    index = PersonIndex.build(entries)
    del entries
    gc.collect()
    index.warm()
    print(f"built and warmed {len(index):,} records in {time.perf_counter() - started:.1f} s")
    if args.profile_loops:
        started = time.perf_counter()
        for _ in range(args.profile_loops):
            for query in queries:
                index.search(query, limit=10)
        spent = time.perf_counter() - started
        print(f"{args.profile_loops} x {len(queries)} searches in {spent:.1f} s")
        return
    before = _before(args.before)
    old = before.PersonIndex.__new__(before.PersonIndex)
    old.__dict__ = index.__dict__  # the same arrays and caches; only the search code differs
    for query in queries[:50]:  # first touches (lazy sorts, caches) out of the timings
        index.search(query, limit=10)
        old.search(before.Query(**_fields(query)), limit=10)
    times: dict[str, list[list[float]]] = {"before": [], "after": []}
    cpu: dict[str, list[list[float]]] = {"before": [], "after": []}
    differ = 0
    for n, query in enumerate(queries):
        old_query = before.Query(**_fields(query))
        spent: dict[str, list[float]] = {"before": [], "after": []}
        used: dict[str, list[float]] = {"before": [], "after": []}
        results: dict[str, Any] = {}
        for r in range(args.rounds):
            order = ("before", "after") if (n + r) % 2 == 0 else ("after", "before")
            for side in order:
                started, thread = time.perf_counter(), time.thread_time()
                hits = old.search(old_query) if side == "before" else index.search(query)
                spent[side].append(time.perf_counter() - started)
                used[side].append(time.thread_time() - thread)
                results[side] = hits
        for side in spent:
            times[side].append(spent[side])
            cpu[side].append(used[side])
        if [_plain(h) for h in results["before"]] != [_plain(h) for h in results["after"]]:
            differ += 1
            if differ <= 5:
                print(f"DIFFERENT for {query}:\n  {results['before']}\n  {results['after']}")
    groups = {"all": range(len(queries))}
    if not args.no_variants:
        third = len(queries) // 3
        groups = {
            "year only (the bench's)": range(third),
            "full date and sex": range(third, 2 * third),
            "indexed itself": range(2 * third, len(queries)),
        }
    print(
        f"{args.records:,} records, {len(queries)} queries x {args.rounds} rounds, "
        f"{args.before} vs working tree, interleaved:"
    )
    for label, span in groups.items():
        for side in ("before", "after"):
            flat = [t for i in span for t in times[side][i]]
            print(f"  {label:24} {side:6}: {_percentiles(flat)}")
    print("the same, CPU time of the searching thread (what other jobs' load does not add):")
    for label, span in groups.items():
        for side in ("before", "after"):
            flat = [t for i in span for t in cpu[side][i]]
            print(f"  {label:24} {side:6}: {_percentiles(flat)}")
    print(f"results: {len(queries) - differ} of {len(queries)} identical")
    if differ:
        sys.exit(1)


def _fields(query: Query) -> dict[str, Any]:
    return {name: getattr(query, name) for name in Query.__dataclass_fields__}


def _plain(hit: Any) -> tuple[Any, ...]:
    return (
        hit.person_id,
        hit.record_id,
        hit.name,
        hit.date_of_birth,
        repr(hit.score),
        repr(hit.name_score),
        hit.reasons,
        repr(hit.name_explanation),
    )


if __name__ == "__main__":
    main()
