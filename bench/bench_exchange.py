"""Exchange benchmark: validating a 1,000-entry list against a registry, and composing a round.

Run: .venv/bin/python bench/bench_exchange.py [--records 100000] [--entries 1000]
Targets (issue 5): validating a 1,000-entry list against 1,000,000 records <= 2 s; composing a
1,000-per-side round in three stages with four categories <= 5 s.

The registry is generated (several records per person, in both alphabets and every standard),
imported into an embedded SQLite file as ICRC visit reports, and its records are joined into
their true persons (as linkage would). The list is one other record of each of 1,000 persons,
written as a party writes it. Validation is timed once the search index is built (the server
keeps it warm); the index build is reported beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import bindparam, update

from homecoming.domain.record import Category, Evidence, SourceKind
from homecoming.exchange.agreement import (
    Agreement,
    CategorySpec,
    Eligibility,
    ParityRule,
    StagePlan,
)
from homecoming.exchange.parity import Severity
from homecoming.exchange.planning import Candidate, plan_stages
from homecoming.generate.records import GeneratedRecord, generate_dataset
from homecoming.services import agreements, exchange_lists, registry
from homecoming.services.exchange_lists import Direction
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import RECORDS

ACTOR = "bench"


def _agreement() -> Agreement:
    """1,000 per side in three stages, four categories (one of them outside parity)."""
    return Agreement(
        name="bench round",
        parties=("UA", "RU"),
        per_side=1000,
        categories=(
            CategorySpec(
                "soldiers",
                "soldiers",
                Eligibility(Category.SERVICEMAN, seriously_wounded=False),
                total=780,
            ),
            CategorySpec(
                "young",
                "soldiers aged 18-25",
                Eligibility(Category.SERVICEMAN, min_age=18, max_age=25),
                total=100,
            ),
            CategorySpec("civilians", "civilians", Eligibility(Category.CIVILIAN), total=120),
            CategorySpec(
                "wounded",
                "seriously wounded",
                Eligibility(seriously_wounded=True),
                ParityRule.NONE,
            ),
        ),
        stages=(
            StagePlan(1, dt.date(2025, 5, 23), {"soldiers": 170, "young": 100, "civilians": 120}),
            StagePlan(2, dt.date(2025, 5, 24), {"soldiers": 307}),
            StagePlan(3, dt.date(2025, 5, 25), {"soldiers": 303}),
        ),
        agreed_on=dt.date(2025, 5, 16),
        place="Istanbul",
    )


def _evidence(records: list[GeneratedRecord]) -> Iterator[Evidence]:
    for line, record in enumerate(records, 2):
        yield Evidence(line=line, raw={"name": record.fields.display_name()}, fields=record.fields)


def _registry(db: Database, records: list[GeneratedRecord]) -> dict[str, int]:
    """Import the records, join each into its true person (what linkage would do): truth -> id."""
    source = registry.SourceInfo(kind=SourceKind.ICRC_VISIT, name="bench registry")
    result = registry.import_evidence(db, source=source, rows=_evidence(records), actor=ACTOR)
    assert result.source_id is not None
    ids = registry.record_ids_of(db, result.source_id)
    first: dict[str, int] = {}
    moves = []
    for record_id, record in zip(ids, records, strict=True):
        person = first.setdefault(record.truth_person_id, record_id)
        moves.append({"rid": record_id, "pid": person})
    statement = (
        update(RECORDS).where(RECORDS.c.id == bindparam("rid")).values(person_id=bindparam("pid"))
    )
    with db.transaction() as session:
        session.connection().execute(statement, moves)
    return first


def _list_rows(records: list[GeneratedRecord], entries: int) -> list[GeneratedRecord]:
    """One record of each of `entries` persons with two or more; the rest stay in the registry."""
    by_person: dict[str, list[GeneratedRecord]] = {}
    for record in records:
        by_person.setdefault(record.truth_person_id, []).append(record)
    several = [rows for rows in by_person.values() if len(rows) > 1]
    chosen = random.Random(5).sample(several, min(entries, len(several)))
    return [rows[-1] for rows in chosen]


def _candidates(per_side: int) -> list[Candidate]:
    rng = random.Random(7)
    mix = [("soldiers", 0.70), ("young", 0.12), ("civilians", 0.14), ("wounded", 0.04)]
    people = []
    for party in ("UA", "RU"):
        for _ in range(int(per_side * 1.3)):
            category = rng.choices([c for c, _ in mix], [w for _, w in mix])[0]
            people.append(
                Candidate(
                    key=len(people) + 1,
                    party=party,
                    category=category,
                    seriously_wounded=category == "wounded",
                    captivity_days=rng.randint(10, 1100),
                    age=rng.randint(18, 65) if category != "young" else rng.randint(18, 25),
                )
            )
    return people


def bench_validation(records: int, entries: int) -> None:
    print(f"generating {records:,} registry records ...", flush=True)
    generated = list(generate_dataset(records, seed=2025))
    listed = _list_rows(generated, entries)
    listed_ids = {id(r) for r in listed}
    in_registry = [r for r in generated if id(r) not in listed_ids]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        db.upgrade()
        for code, name in (("UA", "Ukraine"), ("RU", "Russian Federation")):
            registry.ensure_party(db, code=code, name=name, actor=ACTOR)
        started = time.perf_counter()
        person_of = _registry(db, in_registry)
        print(f"registry: {len(in_registry):,} records in {time.perf_counter() - started:.1f} s")
        agreement = agreements.create_agreement(db, agreement=_agreement(), actor=ACTOR)
        payload = "\n".join(r.fields.display_name() for r in listed).encode()
        version = exchange_lists.import_version(
            db,
            agreement_id=agreement.id,
            party="RU",
            direction=Direction.OFFER,
            rows=list(_evidence(listed)),
            file_name="offer.csv",
            content_hash=hashlib.sha256(payload).hexdigest(),
            actor=ACTOR,
        )
        search = SearchService(db)
        started = time.perf_counter()
        search.index().warm()
        print(f"search index built and warmed: {time.perf_counter() - started:.1f} s")
        times = []
        for _ in range(3):
            started = time.perf_counter()
            report = exchange_lists.validate_version(db, search, version_id=version.id, actor=ACTOR)
            times.append(time.perf_counter() - started)
        print(
            f"validate {len(listed):,} entries against {len(in_registry):,} records: "
            f"best {min(times):.2f} s, runs {', '.join(f'{t:.2f}' for t in times)} "
            f"(target <= 2 s at 1,000,000 records: {min(times) / 2:.2f}x the budget)"
        )
        kinds = Counter(f.kind for line in report.lines for f in line.findings)
        resolved = sum(1 for line in report.lines if line.person_id is not None)
        right = sum(
            1
            for line in report.lines
            if line.person_id == person_of.get(listed[line.entry.line - 2].truth_person_id)
        )
        print(
            f"  resolved {resolved:,} of {len(report.lines):,}, {right:,} to the right person; "
            f"findings {dict(kinds)}"
        )
        db.dispose()


def bench_planning(per_side: int) -> None:
    candidates = _candidates(per_side)
    started = time.perf_counter()
    plan = plan_stages(_agreement(), candidates)
    seconds = time.perf_counter() - started
    placed = sum(len(keys) for parties in plan.members.values() for keys in parties.values())
    breaches = [f for f in plan.findings if f.severity is Severity.BREACH]
    print(
        f"compose {per_side:,} per side, 3 stages, 4 categories from {len(candidates):,} "
        f"candidates: {seconds:.2f} s ({plan.solver_status}), {placed:,} placed, "
        f"{len(breaches)} parity breaches (target <= 5 s: {seconds / 5:.2f}x the budget)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000)
    args = parser.parse_args()
    bench_planning(1_000)
    bench_validation(args.records, args.entries)


if __name__ == "__main__":
    main()
