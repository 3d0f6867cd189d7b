"""Search snapshot benchmark: what a server's worker waits for at N generated records.

Run: .venv/bin/python bench/bench_snapshot.py [--records 1000000] [--cache] [--dir DIR]

Builds the index as `homecoming serve` does before its workers start (with every name parsed
where the code can store them: `PersonIndex.parse_all`), saves the snapshot, then in a fresh
process (as a worker: no name cached) loads it and warms it (`PersonIndex.warm`: every name
parsed or read back, the commonest words' masks made), and times each step. Works on code
without `parse_all` too (the snapshot then holds no parsed names), for a before and after.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from homecoming.search.index import PersonIndex


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(records: int, path: Path, *, cache: bool) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_search import generated

    entries, _ = generated(records, 1_000, cache=cache)
    started = time.perf_counter()
    index = PersonIndex.build(entries)
    print(f"built the index in {time.perf_counter() - started:.1f} s: {len(index.names):,} names")
    del entries
    gc.collect()
    if hasattr(index, "parse_all"):
        started = time.perf_counter()
        index.parse_all()
        print(
            f"parsed every name (once, before the workers) in {time.perf_counter() - started:.1f} s"
        )
    started = time.perf_counter()
    index.save(path, stamp=1)
    print(
        f"saved the snapshot in {time.perf_counter() - started:.1f} s: "
        f"{path.stat().st_size / 2**20:,.0f} MiB"
    )


def worker(path: Path) -> None:
    """A worker's start, in a process of its own: load the snapshot, then warm the index."""
    started = time.perf_counter()
    loaded = PersonIndex.load(path)
    assert loaded is not None
    index = loaded[0]
    load = time.perf_counter() - started
    rss_loaded = _rss_mib()
    started = time.perf_counter()
    index.warm()
    warm = time.perf_counter() - started
    stored = getattr(index, "_stored", None)
    print(
        json.dumps(
            {
                "load_s": round(load, 2),
                "warm_s": round(warm, 2),
                "names": len(index.names),
                "stored_parsed": len(stored) if stored is not None else 0,
                "rss_loaded_mib": round(rss_loaded),
                "rss_warm_mib": round(_rss_mib()),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--cache", action="store_true", help="entries from/to bench/.cache")
    parser.add_argument("--dir", type=Path, help="keep the snapshot here (reused if there)")
    parser.add_argument("--workers", type=int, default=1, help="worker starts to time")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"search-index-{args.records}.npz"
        if not path.exists():
            build(args.records, path, cache=args.cache)
        for _ in range(args.workers):
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, __file__, "--worker", str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            figures["process_s"] = round(time.perf_counter() - started, 2)
            print(f"worker start to a warm index: {figures}")


if __name__ == "__main__":
    main()
