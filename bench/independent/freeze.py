"""The frozen held-out splits: SHA-256 of every generated file, and the check against them.

python bench/independent/freeze.py --write test3    # once, when a new held-out split is made

``frozen.json`` keeps the first test split's digests under ``files`` (as frozen on 2026-12-02)
and every later held-out split's under ``splits``. A split once frozen is never written again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

FROZEN = Path(__file__).with_name("frozen.json")
HELD_OUT = (
    "test",
    "test3",
    "test4",
    "test5",
    "test6",
    "test7",
    "test8",
    "test9",
    "test10",
    "test11",
    "test12",
    "test13",
    "test14",
    "test15",
    "test16",
    "test17",
    "test18",
    "test19",
    "test20",
)


def digests(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FROZEN.read_text())
    return data


def frozen_files(split: str) -> dict[str, str] | None:
    """The frozen digests of ``split``, or None when it was never frozen."""
    data = _load()
    if split == data.get("split", "test") and "files" in data:
        files: dict[str, str] = data["files"]
        return files
    entry = data.get("splits", {}).get(split)
    return None if entry is None else dict(entry["files"])


def check(root: Path, size: str, split: str = "test") -> list[str]:
    """Files of ``root/size`` that differ from the frozen digests (empty when all agree)."""
    frozen = frozen_files(split)
    if frozen is None:
        return [f"{split} was never frozen"]
    want = {k: v for k, v in frozen.items() if k.startswith(f"{size}/")}
    have = digests(root)
    have = {k: v for k, v in have.items() if k.startswith(f"{size}/")}
    bad = sorted(k for k in want if have.get(k) != want[k])
    bad += sorted(k for k in have if k not in want)
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--write",
        metavar="SPLIT",
        choices=HELD_OUT,
        help="generate a held-out split and freeze it (refused when it is already frozen)",
    )
    args = ap.parse_args()
    if not args.write:
        sys.exit("nothing to do: --write SPLIT freezes a held-out split (once)")
    if frozen_files(args.write) is not None:
        sys.exit(f"{args.write} is already frozen in {FROZEN}; a frozen split is never rewritten")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.independent.make import make

    with tempfile.TemporaryDirectory() as tmp:
        make(args.write, Path(tmp))
        files = digests(Path(tmp))
    data = _load()
    data.setdefault("splits", {})[args.write] = {
        "note": f"SHA-256 of every file make.py writes for --split {args.write}",
        "files": files,
    }
    FROZEN.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"froze {len(files)} {args.write} files in {FROZEN}")


if __name__ == "__main__":
    main()
