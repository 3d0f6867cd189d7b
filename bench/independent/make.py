"""Write one split of the independent evaluation data.

    python bench/independent/make.py --split dev --out DIR

writes DIR/full/{v1,v2}/... (20,000 registry rows, 2,000 list entries, 2,000 inquiries, 1,000
name pairs per population) and DIR/small/{v1,v2}/... (4,000 / 400 / 400 / 200).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.independent.build import Sizes, build_population
from bench.independent.people import SPLITS

SIZES = {"full": Sizes(20_000, 2_000, 2_000, 1_000), "small": Sizes(4_000, 400, 400, 200)}


def make(
    split: str,
    out: Path,
    sizes: tuple[str, ...] = ("full", "small"),
    populations: tuple[str, ...] = ("v1", "v2"),
) -> None:
    for size in sizes:
        for population in populations:
            build_population(
                out / size,
                split,
                population,
                SIZES[size],
                SPLITS[split] + (0 if size == "full" else 1),
            )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", choices=sorted(SPLITS), required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--size", choices=["full", "small", "both"], default="both")
    args = ap.parse_args()
    sizes = ("full", "small") if args.size == "both" else (args.size,)
    make(args.split, args.out, sizes)
    print(f"{args.split} split written to {args.out}")


if __name__ == "__main__":
    main()
