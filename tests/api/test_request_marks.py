"""Each request's audit marks: one read of the audit head, off the event loop, shared only
by requests that arrived before it was sent (`http/marks.py`); a person's page in one read."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, select
from tests.api.test_app import _client as admin_client

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.domain.roles import Role
from homecoming.http.marks import MarksReader
from homecoming.search.index import Query
from homecoming.services import audit, judgements, persons, registry, users
from homecoming.services.audit import Marks
from homecoming.services.judgements import Decision
from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import Person, Record


def _import(db: Database, name: str, rows: list[tuple[str, str]]) -> None:
    evidence = [
        Evidence(
            line=i + 2,
            raw={},
            fields=RecordFields(family_name=f, given_names=g, date_of_birth=PartialDate(1987)),
        )
        for i, (f, g) in enumerate(rows)
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=name, party="UA")
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    registry.import_evidence(db, rows=evidence, actor="registrar", source=source)


def test_marks_are_the_head_and_the_authentication_mark(db: Database) -> None:
    assert audit.marks(db) == Marks(head=(0, ""), authentication=(0, ""))
    _import(db, "UA list", [("Нехір", "Олександр")])
    users.add_user(
        db,
        username="olena",
        role=Role.REGISTRAR,
        password="correct horse battery staple",
        hasher=PasswordHasher(time_cost=1, memory_cost=8192),
        actor="admin",
    )
    _import(db, "UA list 2", [("Тарасов", "Олександр")])
    marks = audit.marks(db)
    assert marks == Marks(head=audit.head(db), authentication=audit.authentication_mark(db))
    assert marks.authentication[0] < marks.head[0]


def test_a_search_reads_the_audit_head_once(db: Database, settings: Settings) -> None:
    """The user's authentication mark and the search's head come from one read (two before)."""
    _import(db, "UA list", [("Нехір", "Олександр"), ("Тарасов", "Олександр")])
    client = admin_client(db, settings)
    app: Any = client.app
    assert client.get("/search", params={"q": "Nekhir"}).status_code == 200  # loads the index
    reads: list[str] = []
    read_one = app.state.db.read_one

    def counted(sql: str) -> Any:
        reads.append(sql)
        return read_one(sql)

    app.state.db.read_one = counted
    hits = client.get("/search", params={"q": "Oleksandr Nekhir"}).json()
    assert hits[0]["name"] == "Нехір Олександр"
    assert len([sql for sql in reads if "audit_head" in sql]) == 1
    _import(db, "UA list 2", [("Nekhir", "Oleksandr")])  # a write: the next search sees it
    hits = client.get("/search", params={"q": "Oleksandr Nekhir"}).json()
    assert len(hits) == 2


def _postgres_only(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite's marks are read inline: nothing is shared")


def test_requests_waiting_together_share_one_read(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(db)
    _import(db, "UA list", [("Нехір", "Олександр")])
    sent: list[int] = []
    real = audit.marks

    def counted(given: Database) -> Marks:
        sent.append(1)
        return real(given)

    monkeypatch.setattr(audit, "marks", counted)
    reader = MarksReader(db)

    async def many() -> list[Marks]:
        return await asyncio.gather(*(reader.read() for _ in range(20)))

    read = asyncio.run(many())
    reader.close()
    assert read == [real(db)] * 20
    # The first is sent at once; the 19 arriving while it flies share the next one.
    assert len(sent) == 2


def test_a_request_arriving_while_a_read_flies_waits_for_the_next(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read already on its way may have left before a write that ended before a request
    arrived: that request must not take its answer."""
    _postgres_only(db)
    _import(db, "UA list", [("Нехір", "Олександр")])
    real = audit.marks
    entered, release = threading.Event(), threading.Event()

    def held(given: Database) -> Marks:
        found = real(given)
        if not entered.is_set():
            entered.set()
            release.wait(10)
        return found

    monkeypatch.setattr(audit, "marks", held)
    reader = MarksReader(db)

    async def scenario() -> tuple[Marks, Marks]:
        loop = asyncio.get_running_loop()
        first = asyncio.ensure_future(reader.read())
        await loop.run_in_executor(None, entered.wait, 10)  # the first read has been made
        await loop.run_in_executor(None, _import, db, "UA list 2", [("Тарасов", "Олександр")])
        second = asyncio.ensure_future(reader.read())  # arrives after that write ended
        await asyncio.sleep(0.05)
        release.set()
        return await first, await second

    before, after = asyncio.run(scenario())
    reader.close()
    assert before.head[0] < after.head[0] == audit.head(db)[0]


def test_a_head_read_before_the_index_caught_up_further_rebuilds_nothing(
    db: Database, tmp_path: Path
) -> None:
    """Requests may bring heads read at different moments: an older one is no restore."""
    _import(db, "UA list", [("Нехір", "Олександр")])
    service = SearchService(db, snapshot=tmp_path / "index.npz")
    older = audit.head(db)
    index = service.index(head=older)
    _import(db, "UA list 2", [("Nekhir", "Oleksandr")])
    assert service.index() is index and len(index) == 2
    assert service.index(head=older) is index  # not built again
    assert len(service.search(Query("Oleksandr Nekhir"), head=older)) == 2


def test_a_person_page_is_one_read(db: Database) -> None:
    """Also for a person linkage left without records (two reads before)."""
    _import(db, "UA list", [("Нехір", "Олександр"), ("Nekhir", "Oleksandr")])
    judgements.judge(
        db, record_a=1, record_b=2, decision=Decision.SAME, reason="same man", actor="registrar"
    )
    with db.reading() as session:
        kept = session.scalar(select(Record.person_id).where(Record.id == 1))
        left = session.scalar(
            select(Person.id).where(~Person.records.any()).order_by(Person.id).limit(1)
        )
    assert kept is not None and left is not None
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert len(persons.show(db, kept).records) == 2
        assert len(statements) == 1
        statements.clear()
        empty = persons.show(db, left)
        assert empty.records == [] and empty.id == left
        assert len(statements) == 1
        statements.clear()
        with pytest.raises(Exception, match="no person"):
            persons.show(db, left + 1000)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
