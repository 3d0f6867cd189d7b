"""An import's re-match leaves unscored the pairs that cannot reach a lead whatever their names
(`leads.matching.SKIP_HOPELESS`), and writes the same leads as scoring every pair, on both
databases."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import fresh_database

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


def _request(person: Person) -> inquiries.InquiryRequest:
    name = person.name_uk
    return inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=name.family,
            given_names=name.given,
            patronymic=name.patronymic,
            sex=person.sex,
            date_of_birth=PartialDate.from_date(person.date_of_birth),
            unit=f"{person.unit.number} бригада" if person.unit else "",
            fate=Fate.MISSING,
        ),
        inquirer=Contact(name="(generated)", phone="+380000000000"),
        consent=True,
        scope=SharingScope.ICRC,
        party="UA",
    )


def _scenario(db: Database, skip: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Open inquiries about 150 generated people; a list of 400 (half of them sought, noisy)
    lands and is re-matched as in a registry of a million records (the prior at which most
    pairs cannot lead). Every lead written, in order, without its time."""
    monkeypatch.setattr(matching, "SKIP_HOPELESS", skip)
    monkeypatch.setattr(matching, "registry_size", lambda session, **_: 1_000_000)
    made: list[matching._Scored] = []  # every set of scores (before the write, or in it)
    now = matching._Scored.now

    def counted(session: Any, search: Any) -> matching._Scored:
        found = now(session, search)
        made.append(found)
        return found

    monkeypatch.setattr(matching._Scored, "now", counted)
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    people = list(generate_people(550, seed=23))
    sought, others = people[:150], people[150:]
    with db.transaction() as session:
        source = Source(
            kind=str(SourceKind.FAMILY_INQUIRY),
            name="families",
            party_code="UA",
            received_at=dt.datetime.now(dt.UTC),
            created_by="test",
        )
        session.add(source)
        session.flush()
        requests = [_request(p) for p in sought]
        rows = [
            Evidence(line=n, raw={"n": str(n)}, fields=r.sought, contact=r.inquirer)
            for n, r in enumerate(requests, 2)
        ]
        record_ids = registry.add_evidence(session, source_id=source.id, evidence=rows, actor="t")
        inquiries.open_cases(session, list(zip(record_ids, requests, strict=True)), actor="t")
    leads.subscribe(db, SearchService(db))
    rng = random.Random(23)
    draw = RenderingMix(0.2, 0.4, 0.2, 0.2).sampler()
    listed = sought[:100] + others[:300]
    rng.shuffle(listed)
    rows = []
    for n, person in enumerate(listed, 2):
        fields, _ = render_record(person, rng, rendering=draw(rng), noise=NoiseProfile())
        rows.append(Evidence(line=n, raw={"n": str(n)}, fields=fields))
    source_info = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="RU list", party="RU")
    registry.import_evidence(db, source=source_info, rows=rows, actor="registrar")
    db.unsubscribe("tracing")
    assert made and (sum(found.skipped for found in made) > 0) == skip
    with db.reading() as session:
        return [tuple(row) for row in session.execute(select(*_columns()).order_by(Lead.id))]


def _columns() -> list[Any]:
    return [c for c in Lead.__table__.columns if c.name != "created_at"]


def test_the_pairs_left_unscored_change_no_lead(
    db: Database, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    every = _scenario(db, False, monkeypatch)
    assert len(every) > 50
    scores = sorted(row[_columns().index(Lead.__table__.c.score)] for row in every)
    assert scores[0] < 0.9  # leads near the threshold: a bound a few bits short loses them
    assert _scenario(fresh_database(db, request, tmp_path), True, monkeypatch) == every
