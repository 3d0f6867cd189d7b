"""On PostgreSQL a re-match reads, scores and writes in one transaction
(`leads.matching._rematch_at_once`), each read made once: the leads and the `leads.found`
audit entries are the ones the two phases (scored before the write transaction, read again
in it, as on SQLite) write, for the records of a list and for handovers' records."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import fresh_database
from tests.services.test_rematch_skip import _columns, _request

from homecoming.domain.record import Evidence, SourceKind
from homecoming.generate.noise import NoiseProfile
from homecoming.generate.people import generate_people
from homecoming.generate.records import render_record
from homecoming.generate.renderings import RenderingMix
from homecoming.services import inquiries, leads, registry
from homecoming.services.leads import matching
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry
from homecoming.store.tracing_models import Lead


def _scenario(
    db: Database, at_once: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Open inquiries about 60 generated people; three lists land one after another (each
    re-matched on its own, the later ones against the leads of the earlier). Every lead written
    (without its time), every `leads.found` entry's subject and details, and how many times
    the pairs were scored before a write transaction."""
    monkeypatch.setattr(matching, "AT_ONCE_ON_POSTGRESQL", at_once)
    before: list[int] = []
    scores = matching._scores

    def counted(*args: Any) -> Any:
        before.append(1)
        return scores(*args)

    monkeypatch.setattr(matching, "_scores", counted)
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    people = list(generate_people(200, seed=7))
    sought, others = people[:60], people[60:]
    for person in sought:
        inquiries.register(db, request=_request(person), actor="t")
    leads.subscribe(db, SearchService(db))
    rng = random.Random(7)
    draw = RenderingMix(0.2, 0.4, 0.2, 0.2).sampler()
    for part in range(3):
        listed = sought[part * 20 : part * 20 + 40] + others[part * 40 : part * 40 + 40]
        rng.shuffle(listed)
        rows = []
        for n, person in enumerate(listed, 2):
            fields, _ = render_record(person, rng, rendering=draw(rng), noise=NoiseProfile())
            rows.append(Evidence(line=n, raw={"n": str(n)}, fields=fields))
        source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=f"RU {part}", party="RU")
        registry.import_evidence(db, source=source, rows=rows, actor="registrar")
    db.unsubscribe("tracing")
    with db.reading() as session:
        written = [tuple(row) for row in session.execute(select(*_columns()).order_by(Lead.id))]
        found = [
            tuple(row)
            for row in session.execute(
                select(AuditEntry.subject, AuditEntry.details)
                .where(AuditEntry.action == "leads.found")
                .order_by(AuditEntry.id)
            )
        ]
    return written, found, len(before)


def test_at_once_writes_the_leads_the_two_phases_write(
    db: Database, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite always scores before its write lock")
    two_phases, entries, scored_before = _scenario(db, False, monkeypatch)
    assert len(two_phases) > 20 and len(entries) >= 3 and scored_before >= 3
    again = fresh_database(db, request, tmp_path)
    at_once, entries_at_once, scored_before = _scenario(again, True, monkeypatch)
    assert scored_before == 0  # every read made once, in the write transaction
    assert at_once == two_phases
    assert entries_at_once == entries
