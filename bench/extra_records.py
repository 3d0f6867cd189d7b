"""Generated records on top of the demo scenario, for the HTTP and load benchmarks at scale.

`add_records(env, n, tmp)` writes n generated rows (the same file as `bench_import.py --rows n`:
seed 7) and imports them through `homecoming import` as one list of party UA, the project's own
import (by COPY on PostgreSQL), into the database `env` names. The demo has about 24,000
records: `--records 1000000` gives a registry of about 1,024,000.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset

HOMECOMING = [sys.executable, "-m", "homecoming"]


def _homecoming(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*HOMECOMING, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"homecoming {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def add_records(env: dict[str, str], n: int, tmp: Path) -> None:
    """Import n generated records (one list of party UA) into the database `env` names."""
    if n <= 0:
        return
    path = tmp / f"generated-{n}.csv"
    started = time.perf_counter()
    write_csv(generate_dataset(n, seed=7), path, with_truth=False)
    print(f"{n:,} rows generated in {time.perf_counter() - started:.0f} s", flush=True)
    _homecoming(env, "parties", "add", "UA", "Ukraine")
    started = time.perf_counter()
    _homecoming(env, "import", str(path), "--party", "UA", "--name", f"generated {n}")
    print(f"{n:,} rows imported in {time.perf_counter() - started:.0f} s", flush=True)
    path.unlink()
