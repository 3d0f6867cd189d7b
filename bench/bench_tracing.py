"""Tracing benchmark: re-matching open inquiries when a list lands.

Run: .venv/bin/python bench/bench_tracing.py [--inquiries 50000] [--list 1000]
     [--database-url postgresql+psycopg://...]
Families' inquiries about N generated people (in Ukrainian) are bulk-loaded as open cases;
then a party's list of M people lands through `registry.import_evidence` (the way every
import does), about people half of whom are sought, written in the other party's Russian or
in Latin with the usual noise. The figure is the time of the incremental re-match the import
triggers (only inquiries whose keys meet the list's keys are scored), beside the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, SourceKind
from homecoming.generate.noise import NoiseProfile
from homecoming.generate.people import Person, generate_people
from homecoming.generate.records import render_record
from homecoming.generate.renderings import RenderingMix
from homecoming.services import inquiries, leads, registry
from homecoming.services.leads import matching
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Source
from homecoming.store.tracing_models import Lead
from homecoming.tracing.inquiry import SharingScope

TARGET_SECONDS = 10.0


def _unit(person: Person) -> str:
    if person.unit is None:
        return ""
    return person.unit.kind.abbreviation.uk.format(n=person.unit.number)


def _inquiry(person: Person) -> inquiries.InquiryRequest:
    name = person.name_uk
    return inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=name.family,
            given_names=name.given,
            patronymic=name.patronymic,
            sex=person.sex,
            date_of_birth=PartialDate.from_date(person.date_of_birth),
            unit=_unit(person),
            fate=Fate.MISSING,
        ),
        inquirer=Contact(name="(generated)", phone="+380000000000"),
        consent=True,
        scope=SharingScope.ICRC,
        party="UA",
    )


def load_inquiries(db: Database, people: list[Person]) -> float:
    """Bulk-load open inquiries: the registry holds nothing else yet, so nothing to match."""
    started = time.perf_counter()
    requests = [_inquiry(p) for p in people]
    with db.transaction() as session:
        source = Source(
            kind=str(SourceKind.FAMILY_INQUIRY),
            name="bench: family inquiries",
            party_code="UA",
            received_at=dt.datetime.now(dt.UTC),
            created_by="bench",
        )
        session.add(source)
        session.flush()
        evidence = [
            Evidence(line=n, raw={"n": str(n)}, fields=r.sought, contact=r.inquirer)
            for n, r in enumerate(requests, 2)
        ]
        record_ids = registry.add_evidence(
            session, source_id=source.id, evidence=evidence, actor="bench"
        )
        inquiries.open_cases(session, list(zip(record_ids, requests, strict=True)), actor="bench")
    return time.perf_counter() - started


def party_list(sought: list[Person], others: list[Person], size: int) -> list[Evidence]:
    rng = random.Random(3)
    chosen = rng.sample(sought, size // 2) + others[: size - size // 2]
    rng.shuffle(chosen)
    draw = RenderingMix(0.0, 0.6, 0.2, 0.2).sampler()
    noise = NoiseProfile().scaled(0.6)
    rows = []
    for n, person in enumerate(chosen, 2):
        fields, _ = render_record(person, rng, rendering=draw(rng), noise=noise)
        rows.append(Evidence(line=n, raw={"n": str(n)}, fields=fields))
    return rows


def bench(db: Database, n_inquiries: int, list_size: int) -> float:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="bench")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="bench")
    people = list(generate_people(n_inquiries + list_size, seed=41))
    sought, others = people[:n_inquiries], people[n_inquiries:]
    print(f"loading {n_inquiries:,} open inquiries ...", flush=True)
    print(f"loaded in {load_inquiries(db, sought):.1f} s", flush=True)
    leads.subscribe(db, SearchService(db))  # as the app and the CLI do: the list re-matches
    rows = party_list(sought, others, list_size)
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="bench: RU list", party="RU")
    timings: list[float] = []
    original = matching.rematch_for_records

    def timed(db: Database, record_ids: list[int], *, actor: str, search: SearchService) -> int:
        started = time.perf_counter()
        created = original(db, record_ids, actor=actor, search=search)
        timings.append(time.perf_counter() - started)
        return created

    matching.rematch_for_records = timed  # type: ignore[assignment]
    started = time.perf_counter()
    registry.import_evidence(db, source=source, rows=rows, actor="bench")
    total = time.perf_counter() - started
    matching.rematch_for_records = original  # type: ignore[assignment]
    with db.reading() as session:
        found = session.scalar(select(func.count()).select_from(Lead)) or 0
        right = (
            session.scalar(select(func.count(func.distinct(Lead.inquiry_id))).select_from(Lead))
            or 0
        )
    rematch = timings[0]
    print(
        f"a {list_size:,}-person list landed: import + re-match {total:.2f} s, "
        f"re-matching {n_inquiries:,} open inquiries {rematch:.2f} s "
        f"(target <= {TARGET_SECONDS:.0f} s: {'ok' if rematch <= TARGET_SECONDS else 'MISSED'})"
    )
    print(f"leads: {found:,} for {right:,} inquiries ({list_size // 2:,} sought people listed)")
    return rematch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inquiries", type=int, default=50_000)
    parser.add_argument("--list", type=int, default=1_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        db = Database(url)
        if args.database_url:
            db.reset()
            db = Database(url)
        db.upgrade()
        print(f"database: {db.dialect}")
        seconds = bench(db, args.inquiries, args.list)
        db.dispose()
    return 0 if seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
