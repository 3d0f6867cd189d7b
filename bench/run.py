"""`make bench`: every benchmark in one run, each printing its figures and ratios.

Sizes: BENCH_SIZE=small (default, about 10 minutes on 2 cores) or BENCH_SIZE=large (1,000,000
records where a benchmark supports it). Each benchmark is a script in this folder that can
also be run alone with its own flags.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
LARGE = os.environ.get("BENCH_SIZE", "small") == "large"
# Large: the load benchmark runs on PostgreSQL with 1,000,000 generated records on top of the
# demo; the HTTP benchmark then measures the same database again (--keep), with the search
# index's snapshot the load benchmark's server left in the shared data directory.
BIG_DATA_DIR = tempfile.mkdtemp(prefix="bench-large-") if LARGE else ""
BIG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/homecoming_bench"
)

BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench_import.py", ["--rows", "1000000" if LARGE else "100000"]),
    ("bench_search.py", ["--records", "1000000" if LARGE else "100000"]),
    ("bench_linkage.py", ["--records", "100000", *(["--million"] if LARGE else [])]),
    ("bench_exchange.py", ["--records", "1000000" if LARGE else "100000"]),
    ("bench_tracing.py", ["--inquiries", "50000", "--list", "1000"]),
    # Issue 15: an import's re-match against the demo's open inquiries, hopeless pairs skipped
    # (about 2 minutes, most of it building the demo).
    ("bench_rematch.py", ["--rows", "50000" if LARGE else "10000", "--rounds", "1"]),
    # The independent generator's frozen test split, end to end through the CLI (issue 13/23).
    ("eval_matching.py", ["--split", "test20", *([] if LARGE else ["--small"])]),
    (
        "bench_load.py",
        ["--clients", "100", "--seconds", "60" if LARGE else "15"]
        + (["--records", "1000000", "--data-dir", BIG_DATA_DIR] if LARGE else []),
    ),
    # Issue 15: each HTTP target with wrk beside a bare-FastAPI floor (skipped without wrk).
    ("bench_http.py", ["--seconds", "10", "--rounds", "2" if LARGE else "1"]),
    *(
        [
            (
                "bench_http.py",
                [
                    *("--seconds", "10", "--workers", "2", "--keep"),
                    *("--database-url", BIG_URL, "--data-dir", BIG_DATA_DIR),
                ],
            )
        ]
        if LARGE
        else []
    ),
    *([("bench_spark.py", ["--records", "1000000"])] if LARGE else []),
]


def main() -> int:
    failed = []
    for script, args in BENCHMARKS:
        path = HERE / script
        if not path.exists():
            continue
        print(f"\n######## {script} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(path), *args])
        print(f"######## {script}: {time.perf_counter() - started:.0f} s, exit {code}", flush=True)
        if code:
            failed.append(script)
    if BIG_DATA_DIR:
        shutil.rmtree(BIG_DATA_DIR, ignore_errors=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
