"""The frozen test split: SHA-256 of every generated test file, and the check against it.

python bench/independent/freeze.py --write    # once, when the generator is final
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

FROZEN = Path(__file__).with_name("frozen.json")


def digests(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def check(root: Path, size: str) -> list[str]:
    """Files of ``root/size`` that differ from the frozen digests (empty when all agree)."""
    frozen: dict[str, str] = json.loads(FROZEN.read_text())["files"]
    want = {k: v for k, v in frozen.items() if k.startswith(f"{size}/")}
    have = digests(root)
    have = {k: v for k, v in have.items() if k.startswith(f"{size}/")}
    bad = sorted(k for k in want if have.get(k) != want[k])
    bad += sorted(k for k in have if k not in want)
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help="generate the test split and freeze it")
    args = ap.parse_args()
    if not args.write:
        sys.exit("nothing to do: --write freezes the test split (once)")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.independent.make import make

    with tempfile.TemporaryDirectory() as tmp:
        make("test", Path(tmp))
        files = digests(Path(tmp))
    FROZEN.write_text(
        json.dumps(
            {
                "split": "test",
                "note": "SHA-256 of every file make.py writes for --split test",
                "files": files,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    print(f"froze {len(files)} test files in {FROZEN}")


if __name__ == "__main__":
    main()
