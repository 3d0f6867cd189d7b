"""A re-match reads its pairs, open cases and earlier leads twice: before the write transaction
(to score outside SQLite's write lock) and in it. Rows read again unchanged are not built
into pairs and cases again (`leads.matching._Reread`); rows that changed in between are, and
the leads written follow them, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from tests.services.tracing_world import held_list, inquiry

from homecoming.services import leads, registry
from homecoming.services.leads import matching
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.store.tracing_models import Inquiry, InquiryKey, Lead


def _two_inquiries(db: Database) -> tuple[int, int]:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    leads.subscribe(db, SearchService(db))
    return inquiry(db, "Коваленко", "Петро", 1990), inquiry(db, "Шевчук", "Іван", 1979)


LANDED = [("KOVALENKO", "Petro", 1990), ("Shevchuk", "Ivan", 1979), ("Bondar", "Oleh", 1985)]


def _led(db: Database) -> list[tuple[int, int | None]]:
    with db.reading() as session:
        found = session.execute(
            select(Lead.inquiry_id, Lead.record_id).where(Lead.created_by == "registrar")
        )
        return sorted((i, r) for i, r in found)


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    calls: list[Any] = []
    original = getattr(matching, name)

    def counted(*args: Any, **options: Any) -> Any:
        calls.append(args)
        return original(*args, **options)

    monkeypatch.setattr(matching, name, counted)
    return calls


def test_rows_unchanged_under_the_lock_are_not_built_again(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _two_inquiries(db)
    keyed = _counting(monkeypatch, "evidence_keys")
    read = _counting(monkeypatch, "birth_years")
    held_list(db, "RU", LANDED, month=5, day=23)
    # Each landed record keyed once and each open case read once, not once more under the lock.
    assert len(keyed) == len(LANDED)
    assert len(read) == 2
    assert [i for i, _ in _led(db)] == [first, second]


def _close(db: Database, inquiry_id: int, record_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(Inquiry).where(Inquiry.id == inquiry_id).values(open=False))


def _unkey(db: Database, inquiry_id: int, record_id: int) -> None:
    with db.transaction() as session:
        session.execute(delete(InquiryKey).where(InquiryKey.inquiry_id == inquiry_id))


def _lead_before(db: Database, inquiry_id: int, record_id: int) -> None:
    with db.transaction() as session:
        record = session.get(Record, record_id)
        assert record is not None
        session.execute(
            insert(Lead).values(
                id=10_000,
                inquiry_id=inquiry_id,
                kind="record",
                record_id=record_id,
                person_id=record.person_id,
                score=0.99,
                name_score=1.0,
                reason="written in between",
                reasons=[],
                explanation={},
                state="pending",
                created_by="elsewhere",
            )
        )


@pytest.mark.parametrize("change", [_close, _unkey, _lead_before])
def test_a_change_between_reading_and_writing_is_followed(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Database, int, int], None],
) -> None:
    # The two phases (PostgreSQL reads, scores and writes at once unless told otherwise).
    monkeypatch.setattr(matching, "AT_ONCE_ON_POSTGRESQL", False)
    first, second = _two_inquiries(db)
    scores = matching._scores
    changed: list[int] = []

    def then_change(session: Any, pairs: Any, *args: Any) -> Any:
        found = scores(session, pairs, *args)
        if not changed:  # after the reads and scores, before the write transaction
            (record_id,) = pairs[first]  # the one landed record keyed as it is
            change(db, first, record_id)
            changed.append(record_id)
        return found

    monkeypatch.setattr(matching, "_scores", then_change)
    held_list(db, "RU", LANDED, month=5, day=23)
    assert changed
    # The first inquiry's lead is not written (closed, no longer keyed, or led to already);
    # the second's is.
    assert [i for i, _ in _led(db)] == [second]


def test_only_the_earlier_leads_to_the_landed_records_and_persons_are_read(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _two_inquiries(db)
    held_list(
        db, "RU", [("KOVALENKO", "Petro", 1990), ("Kovalenko", "Petr", 1990)], month=5, day=23
    )
    before = _led(db)
    assert [i for i, _ in before] == [first, first]
    earlier = matching._earlier_leads
    read: list[tuple[Any, set[tuple[int, int]]]] = []

    def watched(*args: Any) -> Any:
        best, records = earlier(*args)
        read.append((dict(best), set(records)))
        assert args[1]  # the inquiry met (a namesake born a year apart is scored)
        return best, records

    monkeypatch.setattr(matching, "_earlier_leads", watched)
    held_list(db, "RU", [("Kovalenko", "Ivan", 1991)], month=5, day=23)
    with db.reading() as session:
        (landed,) = session.scalars(select(Record.id).where(Record.given_names == "Ivan"))
        person = session.scalar(select(Record.person_id).where(Record.id == landed))
    assert read
    # The inquiry's two leads are to other records and persons: neither is read again.
    for best, records in read:
        assert {r for _, r in records} <= {landed}
        assert {p for _, p in best} <= {person}
    assert _led(db) == before  # a namesake born a year later: scored, under the threshold
