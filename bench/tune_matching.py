"""Tune the match model in process on the independent *dev* split (never the test split).

    python bench/tune_matching.py [--size small|full] [--population v1|v2|both]

Builds the search index over the dev registry, resolves every dev list entry through it, and
prints right / wrong / absent-resolved at several probability thresholds, with recall@1, so a
threshold or a level can be tried in seconds. `make eval-matching` (bench/eval_matching.py)
gives the figures that count, through the CLI, on the frozen test split.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = (
    Path(__import__("os").environ.get("HOMECOMING_EVAL_DATA", ROOT / "bench" / ".independent-data"))
    / "dev"
)
THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


def _entries(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _query(row: dict[str, str]) -> object:
    from homecoming.domain.dates import PartialDate
    from homecoming.search.index import Query

    name = row.get("full_name") or " ".join(
        row[k] for k in ("family_name", "given_name", "patronymic") if row.get(k)
    )
    born = PartialDate.parse(row.get("date_of_birth", ""))
    return Query(
        text=name,
        born=born,
        sex=row.get("sex") or None,
        unit=row.get("unit", ""),
        service_number=row.get("service_number", ""),
    )


def evaluate(folder: Path) -> None:
    """Print the list figures of one population's dev data."""
    from homecoming.domain.dates import PartialDate
    from homecoming.search.index import Entry, PersonIndex

    truth = json.loads((folder / "truth.json").read_text("utf-8"))
    registry = _entries(folder / "registry_link.csv")
    person_of = truth["registry"]
    ids = {row["id"]: n for n, row in enumerate(registry, 1)}
    started = time.perf_counter()
    index = PersonIndex.build(
        Entry(
            record_id=ids[row["id"]],
            person_id=ids[row["id"]],
            name=" ".join(row[k] for k in ("family_name", "given_name", "patronymic") if row[k]),
            date_of_birth=PartialDate.parse(row["date_of_birth"]),
            sex=row["sex"] or None,
            unit=row["unit"],
            service_number=row["service_number"],
        )
        for row in registry
    )
    pid_of = {n: person_of[row["id"]] for row, n in zip(registry, ids.values(), strict=True)}
    expected = {e["id"]: e["pid"] for e in truth["list"]}
    best: list[tuple[str | None, str | None, float]] = []
    for row in _entries(folder / "list_link.csv"):
        hits = index.search(_query(row), limit=2)  # type: ignore[arg-type]
        top = hits[0] if hits else None
        best.append(
            (expected[row["id"]], pid_of[top.person_id] if top else None, top.score if top else 0)
        )
    seconds = time.perf_counter() - started
    present = [b for b in best if b[0] is not None]
    absent = [b for b in best if b[0] is None]
    at1 = sum(1 for want, got, _ in present if want == got) / len(present)
    print(f"  {folder.name}: {len(present)} present, {len(absent)} absent, recall@1 {at1:.3f}")
    for t in THRESHOLDS:
        right = sum(1 for want, got, p in present if p >= t and want == got) / len(present)
        wrong = sum(1 for want, got, p in present if p >= t and want != got) / len(present)
        out = sum(1 for _, _, p in absent if p >= t) / max(len(absent), 1)
        print(f"    p >= {t:<4}  right {right:.3f}  wrong {wrong:.3f}  absent resolved {out:.3f}")
    print(f"    ({seconds:.1f} s)")
    calibration(best)


def calibration(best: list[tuple[str | None, str | None, float]]) -> None:
    """Of the top hits in each probability band, how many were the right person."""
    bands = ((0.0, 0.1), (0.1, 0.5), (0.5, 0.9), (0.9, 0.99), (0.99, 1.01))
    cells = []
    for low, high in bands:
        inside = [(want, got) for want, got, p in best if low <= p < high]
        right = sum(1 for want, got in inside if want is not None and want == got)
        share = f"{right / len(inside):.2f}" if inside else "-"
        cells.append(f"[{low:g}, {min(high, 1):g}): {share} of {len(inside)}")
    print("    calibration, top hit right: " + "; ".join(cells))


def blocking(folder: Path) -> None:
    """Each blocking key's candidate pairs and recall on the dev registry and list together."""
    import pyarrow as pa

    from homecoming.linkage.blocking import ALL_KEYS, LINK_KEYS, measure_blocking
    from homecoming.linkage.features import features_table, narrow_common_keys
    from homecoming.linkage.inputs import read_records

    truth = json.loads((folder / "truth.json").read_text("utf-8"))
    records = read_records(folder / "registry_link.csv") + read_records(folder / "list_link.csv")
    person = dict(truth["registry"]) | {e["id"]: e["pid"] or e["id"] for e in truth["list"]}
    (features,) = narrow_common_keys([features_table(records)])
    ids = features.column("unique_id").to_pylist()
    truth_table = pa.table({"id": ids, "truth_id": [person[i] for i in ids]})
    print(f"    blocking over {len(ids)} records (registry and list together, as dedupe):")
    for m in measure_blocking(features, truth_table, ALL_KEYS):
        print(
            f"      {m.column:22} candidates {m.candidates:>9,}  recall {m.recall:.3f}"
            f"  new true pairs {m.new_true_pairs}"
        )
    listed = {e["id"] for e in truth["list"]}
    sides = truth_table.append_column("side", pa.array([i in listed for i in ids]))
    print("    blocking of the list against the registry, as `link` does it:")
    measures = measure_blocking(features, sides, LINK_KEYS)
    for m in measures:
        print(
            f"      {m.column:22} candidates {m.candidates:>9,}  recall {m.recall:.3f}"
            f"  new true pairs {m.new_true_pairs}"
        )
    found = sum(m.new_true_pairs for m in measures)
    print(f"      every key together: recall {found / max(measures[0].true_pairs, 1):.3f}")


def main() -> int:
    """Evaluate the dev split in process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--population", choices=("v1", "v2", "both"), default="both")
    args = parser.parse_args()
    populations = ("v1", "v2") if args.population == "both" else (args.population,)
    for population in populations:
        folder = DATA / args.size / population
        if not folder.is_dir():
            print(f"{folder}: no dev data; run bench/eval_matching.py --split dev first")
            return 1
        evaluate(folder)
        blocking(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
