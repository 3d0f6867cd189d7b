"""`make bench`: every benchmark in one run, each printing its figures and ratios.

Sizes: BENCH_SIZE=small (default, about 10 minutes on 2 cores) or BENCH_SIZE=large (1,000,000
records where a benchmark supports it). Each benchmark is a script in this folder that can
also be run alone with its own flags.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
LARGE = os.environ.get("BENCH_SIZE", "small") == "large"

BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench_import.py", ["--rows", "1000000" if LARGE else "100000"]),
    ("bench_search.py", ["--records", "1000000" if LARGE else "100000"]),
    ("bench_linkage.py", ["--records", "100000", *(["--million"] if LARGE else [])]),
    ("bench_exchange.py", ["--records", "1000000" if LARGE else "100000"]),
    ("bench_tracing.py", ["--inquiries", "50000", "--list", "1000"]),
    # The independent generator's frozen test split, end to end through the CLI (issue 13/23).
    ("eval_matching.py", ["--split", "test7", *([] if LARGE else ["--small"])]),
    ("bench_load.py", ["--clients", "100", "--seconds", "60" if LARGE else "15"]),
    # Issue 15: each HTTP target with wrk beside a bare-FastAPI floor (skipped without wrk).
    ("bench_http.py", ["--seconds", "10", "--rounds", "2" if LARGE else "1"]),
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
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
