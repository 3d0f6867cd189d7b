"""The import's re-match: records landing in a registry with open inquiries, before and after
pairs that cannot reach a lead are left unscored (`leads.matching.SKIP_HOPELESS`).

Run: .venv/bin/python bench/bench_rematch.py [--rows 50000] [--demo demo.sqlite3] [--rounds 2]
The demo registry (`homecoming demo`, built here unless --demo names one) with its open
inquiries receives N generated records through `registry.import_evidence`, left in the outbox;
then each round re-matches them (`rematch_for_records`) on a fresh copy of that database, once
scoring every pair and once skipping the hopeless ones, alternating which goes first
("before": this code with SKIP_HOPELESS off, or with --before-src the code of another
checkout's src folder as it is, hopeless pairs skipped, e.g. `git archive BASE src | tar -x -C
DIR`). With
--as-registry N both sides score with the prior of a registry of N records (tracing's prior
is one in the registry's records: the share of pairs that cannot lead grows with it). Prints
the pairs considered, skipped and scored, the seconds of each re-match, and whether the leads
written (every column but the time) are byte-for-byte the same. SQLite, under a temporary
directory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from homecoming.domain.record import Evidence, SourceKind
from homecoming.generate.records import generate_dataset
from homecoming.services import registry
from homecoming.services.leads import matching
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.store.tracing_models import Inquiry, Lead


def _demo(folder: Path) -> Path:
    path = folder / "demo.sqlite3"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "homecoming",
            "--database-url",
            f"sqlite:///{path}",
            "--data-dir",
            str(folder / "data"),
            "demo",
        ],
        check=True,
        capture_output=True,
    )
    print(f"demo registry built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _landed(base: Path, rows: int) -> list[int]:
    """Import `rows` generated records with nobody subscribed: they wait in the outbox."""
    db = Database(f"sqlite:///{base}")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="bench")
    evidence = (
        Evidence(line=n, raw={"n": str(n)}, fields=r.fields)
        for n, r in enumerate(generate_dataset(rows, seed=7), 2)
    )
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="bench: list", party="RU")
    started = time.perf_counter()
    result = registry.import_evidence(db, source=source, rows=evidence, actor="bench")
    with db.reading() as session:
        ids = list(session.scalars(select(Record.id).where(Record.source_id == result.source_id)))
        open_cases = len(list(session.scalars(select(Inquiry.id).where(Inquiry.open.is_(True)))))
    db.dispose()
    print(
        f"{len(ids):,} records imported in {time.perf_counter() - started:.0f} s; "
        f"{open_cases:,} open inquiries",
        flush=True,
    )
    return ids


def _leads(db: Database) -> bytes:
    columns = [c for c in Lead.__table__.columns if c.name != "created_at"]
    with db.reading() as session:
        rows = session.execute(select(*columns).order_by(Lead.id)).all()
    return "".join(f"{tuple(row)!r}\n" for row in rows).encode()


def _run(
    base: Path,
    folder: Path,
    ids: Path,
    skip: bool,
    as_registry: int,
    before_src: Path | None,
) -> tuple[float, float, int, int, bytes]:
    """One re-match in a process of its own (no name parsed or compared before: the names
    engine's caches start empty on both sides)."""
    path = folder / f"run-{'after' if skip else 'before'}.sqlite3"
    shutil.copy(base, path)
    env = dict(os.environ)
    if before_src is not None and not skip:
        env["PYTHONPATH"] = str(before_src.resolve())
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--one",
            str(path),
            str(ids),
            "after" if skip else "before" if before_src is None else "before-src",
        ]
        + (["--as-registry", str(as_registry)] if as_registry else []),
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    seconds, cpu, considered, skipped = done.stdout.split()
    db = Database(f"sqlite:///{path}")
    leads = _leads(db)
    db.dispose()
    path.unlink()
    return float(seconds), float(cpu), int(considered), int(skipped), leads


def _one(path: Path, ids: list[int], skip: bool, as_registry: int) -> None:
    """The re-match timed (the search index loaded first, as the drainer keeps it)."""
    if as_registry:  # the prior of a registry that size (tracing's prior: one in its records)
        matching.registry_size = lambda session, **_: as_registry
    db = Database(f"sqlite:///{path}")
    search = SearchService(db)
    search.index()
    found: list[Any] = []
    original = matching._scores

    def keeping(*args: Any) -> Any:
        scored = original(*args)
        found.append(scored)
        return scored

    matching.SKIP_HOPELESS = skip
    matching._scores = keeping  # type: ignore[assignment]
    started, cpu = time.perf_counter(), time.process_time()
    matching.rematch_for_records(db, ids, actor="bench", search=search)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.dispose()
    print(seconds, cpu, len(found[0].cache), getattr(found[0], "skipped", 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--demo", type=Path, help="a demo database to copy (else built)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--as-registry",
        type=int,
        default=0,
        help="score with the prior of a registry of this many records (both sides)",
    )
    parser.add_argument(
        "--before-src",
        type=Path,
        help="run 'before' with the code under this src folder (a checkout before the change)",
    )
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # database, ids, side
    args = parser.parse_args()
    if args.one:
        database, listed, side = args.one
        wanted = [int(i) for i in Path(listed).read_text().split()]
        # Another checkout's code runs as it is, skipping the hopeless pairs as it would.
        _one(Path(database), wanted, side in ("after", "before-src"), args.as_registry)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "base.sqlite3"
        shutil.copy(args.demo or _demo(folder), base)
        ids = folder / "ids.txt"
        ids.write_text(" ".join(map(str, _landed(base, args.rows))))
        seconds: dict[bool, list[float]] = {False: [], True: []}
        cpus: dict[bool, list[float]] = {False: [], True: []}
        dumps: dict[bool, bytes] = {}
        for round_ in range(args.rounds):
            for skip in (False, True) if round_ % 2 == 0 else (True, False):
                load = os.getloadavg()[0]
                took, cpu, considered, skipped, leads = _run(
                    base, folder, ids, skip, args.as_registry, args.before_src
                )
                seconds[skip].append(took)
                cpus[skip].append(cpu)
                print(
                    f"round {round_ + 1} {'after ' if skip else 'before'}: {took:7.1f} s "
                    f"(CPU {cpu:.1f} s, load {load:.1f}); pairs considered {considered:,}, "
                    f"skipped {skipped:,} ({skipped / max(considered, 1):.0%}), "
                    f"scored {considered - skipped:,}; leads {len(leads.splitlines()):,}",
                    flush=True,
                )
                if dumps.setdefault(skip, leads) != leads:
                    print("the same side wrote other leads in another round")
                    return 1
        same = dumps[False] == dumps[True]
        print(
            f"re-match, best of {args.rounds}: {min(seconds[False]):.1f} s -> "
            f"{min(seconds[True]):.1f} s (CPU {min(cpus[False]):.1f} s -> "
            f"{min(cpus[True]):.1f} s); leads byte-identical: {'yes' if same else 'NO'}"
        )
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
