"""`python -m homecoming.generate --records 100000 --out records.csv`: write a test data set.

Prints how long generation took, so that it doubles as the generator's benchmark.
"""

from __future__ import annotations

import argparse
import sys
import time

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset


def main(argv: list[str] | None = None) -> int:
    """Generate records to a CSV file and report the time taken."""
    parser = argparse.ArgumentParser(prog="python -m homecoming.generate", description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--per-person", type=float, default=2.5, help="mean records per person")
    parser.add_argument("--out", required=True, help="the CSV file to write")
    parser.add_argument("--no-truth", action="store_true", help="leave out the truth columns")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    records = generate_dataset(args.records, seed=args.seed, records_per_person=args.per_person)
    written = write_csv(records, args.out, with_truth=not args.no_truth)
    elapsed = time.perf_counter() - started
    print(f"{written} records to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
