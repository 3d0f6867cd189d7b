"""Handovers under load and stage changes under random operations: tallies exact, parity kept.

The concurrency test runs 20 threads, each with its own connection, recording handovers for
one stage at once (every person is tried by two threads: exactly one wins).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Select, event, select, text

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.exchange.agreement import Agreement, CategorySpec, Eligibility, StagePlan
from homecoming.exchange.reconciliation import Outcome
from homecoming.services import agreements, audit, handovers, registry, stages
from homecoming.services.scope import Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import AgreementRow, Handover, StageMember
from homecoming.store.models import AuditEntry, Record, Source

from ..store.test_group_commit import commits, gathered, savepoints, writer_held

_names = itertools.count()


def _people(db: Database, party: str, n: int) -> list[int]:
    rows = [
        Evidence(
            line=i + 2,
            raw={},
            fields=RecordFields(
                family_name=f"Person{party}{i}",
                given_names="Test",
                date_of_birth=PartialDate(1980 + i % 20),
                category=Category.SERVICEMAN,
                fate=Fate.DETAINED,
            ),
        )
        for i in range(n)
    ]
    source = registry.SourceInfo(kind=SourceKind.ICRC_VISIT, name=f"held by {party}", party=party)
    result = registry.import_evidence(db, source=source, rows=rows, actor="t")
    with db.reading() as session:
        return [
            pid
            for pid in session.scalars(
                select(Record.person_id).where(Record.source_id == result.source_id)
            )
            if pid is not None
        ]


def _stage(db: Database, n: int) -> tuple[int, list[int], list[int]]:
    """An agreement of one stage of n soldiers per side, composed with n people per side."""
    registry.ensure_party(db, code="UA", name="Ukraine", actor="t")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="t")
    agreement = Agreement(
        name=f"{n} for {n} #{next(_names)}",
        parties=("UA", "RU"),
        per_side=n,
        categories=(
            CategorySpec("soldiers", "soldiers", Eligibility(Category.SERVICEMAN), total=n),
        ),
        stages=(StagePlan(1, dt.date(2025, 5, 23), {"soldiers": n}),),
    )
    view = agreements.create_agreement(db, agreement=agreement, actor="t")
    ua, ru = _people(db, "UA", n), _people(db, "RU", n)
    stages.change(
        db,
        agreement_id=view.id,
        number=1,
        actor="t",
        add=[stages.MemberChange("UA", p, "soldiers") for p in ua]
        + [stages.MemberChange("RU", p, "soldiers") for p in ru],
    )
    return view.id, ua, ru


def test_twenty_operators_at_once(db: Database) -> None:
    agreement_id, ua, ru = _stage(db, 10)
    targets = [("UA", p) for p in ua] + [("RU", p) for p in ru]  # 20 people
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def operator(index: int) -> None:
        own = Database(db.url)  # its own engine and connection
        try:
            start.wait()
            for party, person in (targets[index], targets[(index + 1) % 20]):
                try:
                    handovers.record_handover(
                        own,
                        None,
                        agreement_id=agreement_id,
                        number=1,
                        party=party,
                        person_id=person,
                        outcome=Outcome.DELIVERED,
                        actor=f"operator-{index}",
                    )
                    result = "ok"
                except Conflict:
                    result = "conflict"
                with lock:
                    outcomes.append(result)
        finally:
            own.dispose()

    threads = [threading.Thread(target=operator, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 20 and outcomes.count("conflict") == 20
    tally = handovers.tally(db, agreement_id=agreement_id, number=1)
    assert tally.counts == {
        "UA": {"soldiers": {"delivered": 10}},
        "RU": {"soldiers": {"delivered": 10}},
    }
    assert tally.pending == {"UA": {}, "RU": {}}
    with db.reading() as session:
        rows = session.scalars(select(Handover)).all()
    assert len(rows) == 20 and len({r.person_id for r in rows}) == 20
    assert all(r.record_id is not None for r in rows)
    view = stages.show(db, agreement_id=agreement_id, number=1)
    assert not [f for f in view.findings if f.severity == "breach"]


operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "remove", "swap", "override", "handover", "correct"]),
        st.sampled_from(["UA", "RU"]),
        st.integers(0, 5),
        st.sampled_from(list(Outcome)),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_no_sequence_breaks_parity_unrecorded_and_tallies_add_up(
    db: Database, ops: list[tuple[str, str, int, Outcome]]
) -> None:
    agreement_id, ua, ru = _stage(db, 3)
    spare = {"UA": _people(db, "UA", 6)[3:], "RU": _people(db, "RU", 6)[3:]}
    members = {"UA": list(ua), "RU": list(ru)}
    for op, party, pick, outcome in ops:
        pool = members[party]
        leaving = [stages.MemberChange(party, pool[pick % len(pool)])] if pool else []
        coming = [stages.MemberChange(party, spare[party][pick % 3], "soldiers")]
        overriding = op == "override"
        try:
            if op == "add" or (op in ("remove", "swap", "override") and pool):
                stages.change(  # a swap removes and adds; only an override may break parity
                    db,
                    agreement_id=agreement_id,
                    number=1,
                    actor="admin" if overriding else "neg",
                    add=coming if op in ("add", "swap") else [],
                    remove=leaving if op != "add" else [],
                    override_reason="agreed at the crossing" if overriding else None,
                    may_override=overriding,
                )
            elif op in ("handover", "correct") and pool:
                handovers.record_handover(
                    db,
                    None,
                    agreement_id=agreement_id,
                    number=1,
                    party=party,
                    person_id=pool[pick % len(pool)],
                    outcome=outcome,
                    actor="op",
                    evidence="ICRC interview",
                    correct=op == "correct",
                    substitute=(
                        handovers.Substitute("Інший", "Іван")
                        if outcome is Outcome.SUBSTITUTED
                        else None
                    ),
                )
        except (Conflict, LookupError) as refused:
            del refused
        except Exception as other:  # refusals with a message are fine; nothing else is
            assert type(other).__name__ in {"NotFound", "InvalidInput"}, other
        with db.reading() as session:
            current = stages.current_members(session, _stage_id(db, agreement_id))
            members = {p: [pid for (q, pid) in current if q == p] for p in ("UA", "RU")}
            overridden = session.scalars(
                select(StageMember).where(StageMember.override_reason.is_not(None))
            ).all()
        view = stages.show(db, agreement_id=agreement_id, number=1)
        if [f for f in view.findings if f.severity == "breach"]:
            assert overridden, "parity broken without a recorded override"
        tally = handovers.tally(db, agreement_id=agreement_id, number=1)
        latest = handovers.list_handovers(db, agreement_id=agreement_id, number=1, latest_only=True)
        assert sum(
            n for side in tally.counts.values() for cell in side.values() for n in cell.values()
        ) == len(latest)


def _stage_id(db: Database, agreement_id: int) -> int:
    with db.reading() as session:
        return agreements.stage_row(session, agreement_id, 1).id


def _recording(
    db: Database, agreement_id: int, party: str, person: int, *, correct: bool = False
) -> Callable[[], handovers.HandoverView]:
    return lambda: handovers.record_handover(
        db,
        None,
        agreement_id=agreement_id,
        number=1,
        party=party,
        person_id=person,
        outcome=Outcome.DELIVERED,
        actor=f"operator-{party}-{person}",
        correct=correct,
    )


def _handover_entries(db: Database) -> list[AuditEntry]:
    with db.reading() as session:
        query = select(AuditEntry).where(AuditEntry.action.like("handover.%"))
        return list(session.scalars(query.order_by(AuditEntry.id)))


def test_handovers_recorded_together_land_together_each_with_its_own_audit_entry(
    db: Database,
) -> None:
    agreement_id, ua, ru = _stage(db, 3)
    key = handovers.batch_key(agreement_id, 1)
    calls = [_recording(db, agreement_id, "UA", p) for p in ua[:2]]
    calls += [_recording(db, agreement_id, "RU", p) for p in ru[:2]]
    db.unsubscribe("tracing")  # no drain after the commit: its commits are not counted
    with savepoints(db) as opened, commits(db) as committed:
        views = gathered(db, key, calls)
    assert len(committed) == 1  # one shared transaction
    assert opened == []  # none refused: no savepoint
    assert all(isinstance(v, handovers.HandoverView) for v in views)
    assert sorted(v.person_id for v in views) == sorted(ua[:2] + ru[:2])
    entries = _handover_entries(db)
    assert [e.subject for e in entries] == [f"handover:{v.id}" for v in sorted(views, key=_id)]
    assert [e.actor for e in entries] == [v.recorded_by for v in sorted(views, key=_id)]
    assert audit.verify(db).ok
    with db.reading() as session:
        rows = session.scalars(select(Handover).order_by(Handover.id)).all()
        landed = session.scalars(select(Record).where(Record.fate == "released")).all()
    assert [r.id for r in rows] == sorted(v.id for v in views)
    assert sorted(r.id for r in landed) == sorted(v.record_id for v in views)


def test_a_refused_handover_among_others_fails_alone_and_leaves_nothing(db: Database) -> None:
    agreement_id, ua, ru = _stage(db, 3)
    _recording(db, agreement_id, "UA", ua[2])()  # recorded before: only a correction may follow
    before = len(_handover_entries(db))
    key = handovers.batch_key(agreement_id, 1)
    calls = [
        _recording(db, agreement_id, "UA", ua[0]),  # lands
        _recording(db, agreement_id, "UA", ua[2]),  # already recorded, not as a correction
        _recording(db, agreement_id, "UA", ru[1]),  # not on UA's side
        _recording(db, agreement_id, "RU", ru[1], correct=True),  # nothing to correct yet
        _recording(db, agreement_id, "UA", ua[0]),  # the first one of this batch, again
        _recording(db, agreement_id, "RU", ru[0]),  # lands
    ]
    outcomes = gathered(db, key, calls)
    assert isinstance(outcomes[1], Conflict) and f"person {ua[2]}" in str(outcomes[1])
    assert isinstance(outcomes[2], NotFound) and f"person {ru[1]}" in str(outcomes[2])
    assert isinstance(outcomes[3], InvalidInput) and "nothing to correct" in str(outcomes[3])
    # The same person twice in one batch: whichever ran first lands, the other is refused.
    twice = [outcomes[0], outcomes[4]]
    assert sum(isinstance(o, handovers.HandoverView) for o in twice) == 1
    assert sum(isinstance(o, Conflict) for o in twice) == 1
    assert isinstance(outcomes[5], handovers.HandoverView)
    landed = [o for o in outcomes if isinstance(o, handovers.HandoverView)]
    entries = _handover_entries(db)
    assert len(entries) == before + 2
    assert [e.subject for e in entries[before:]] == [
        f"handover:{v.id}" for v in sorted(landed, key=_id)
    ]
    assert audit.verify(db).ok
    with db.reading() as session:
        rows = session.scalars(select(Handover)).all()
        released = session.scalars(select(Record).where(Record.fate == "released")).all()
    assert sorted(r.person_id for r in rows) == sorted([ua[2], ua[0], ru[0]])
    assert len(released) == 3 and all(r.person_id in (ua[2], ua[0], ru[0]) for r in released)
    tally = handovers.tally(db, agreement_id=agreement_id, number=1)
    assert tally.counts == {
        "UA": {"soldiers": {"delivered": 2}},
        "RU": {"soldiers": {"delivered": 1}},
    }


def _id(view: handovers.HandoverView) -> int:
    return view.id


def _later(
    db: Database, agreement_id: int, party: str, person: int, *, correct: bool = False
) -> Future[handovers.HandoverView]:
    return handovers.record_handover_later(
        db,
        None,
        agreement_id=agreement_id,
        number=1,
        party=party,
        person_id=person,
        outcome=Outcome.DELIVERED,
        actor=f"operator-{party}-{person}",
        correct=correct,
    )


def test_handovers_queued_for_the_writer_land_together_and_a_refused_one_fails_alone(
    db: Database,
) -> None:
    agreement_id, ua, ru = _stage(db, 3)
    with savepoints(db) as opened:
        with writer_held(db):
            futures = [
                _later(db, agreement_id, "UA", ua[0]),
                _later(db, agreement_id, "UA", ru[1]),  # not on UA's side
                _later(db, agreement_id, "RU", ru[0], correct=True),  # nothing to correct
                _later(db, agreement_id, "RU", ru[1]),
            ]
        outcomes = [f.exception(60) or f.result() for f in futures]
    assert len(opened) == 4  # one refused: run again, a savepoint per recording
    assert isinstance(outcomes[1], NotFound) and f"person {ru[1]}" in str(outcomes[1])
    assert isinstance(outcomes[2], InvalidInput) and "nothing to correct" in str(outcomes[2])
    landed = [outcomes[0], outcomes[3]]
    assert all(isinstance(v, handovers.HandoverView) for v in landed)
    assert [e.subject for e in _handover_entries(db)] == [f"handover:{v.id}" for v in landed]
    assert audit.verify(db).ok


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent on connections taken from the pool while the block runs, however
    it is sent (SQLAlchemy's execution, sqlite3's or psycopg's own cursor, psycopg's pipeline)."""
    sent: list[str] = []
    traced: list[Any] = []

    class Counted(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **options: Any) -> Counted:
            sent.append(str(query))
            return super().execute(query, params, **options)

    def trace(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        traced.append(dbapi_connection)
        if db.dialect == "sqlite":
            dbapi_connection.set_trace_callback(sent.append)
        else:
            dbapi_connection.cursor_factory = Counted

    event.listen(db.engine, "checkout", trace)
    try:
        yield sent
    finally:
        event.remove(db.engine, "checkout", trace)
        for dbapi_connection in traced:
            if db.dialect == "sqlite":
                dbapi_connection.set_trace_callback(None)
            else:
                dbapi_connection.cursor_factory = psycopg.Cursor


def test_a_batch_of_recordings_reads_the_audit_head_and_its_sheet_once(db: Database) -> None:
    """A batch's recordings after the first neither lock the stage nor read the audit head or
    the handover sheet again (the transaction holds their locks and knows what it wrote); the
    batch reads every recording's member, latest handover and listed names in one query, and
    on PostgreSQL takes the ids of all its handovers and records in one statement (no
    `nextval` nor `RETURNING` per recording); the sheet's lines and the audit chain come out
    as one recording at a time leaves them."""
    agreement_id, ua, _ = _stage(db, 4)
    db.unsubscribe("tracing")
    with _statements(db) as sent:
        with writer_held(db):
            futures = [_later(db, agreement_id, "UA", p) for p in ua]
        views = [f.result(60) for f in futures]
    selects = [" ".join(s.split()) for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in selects if "FROM audit_head" in s]) == 1
    assert len([s for s in selects if "max(records.line_number)" in s]) == 1
    assert len([s for s in selects if "FROM exchange_stages WHERE id" in s]) <= 1  # PostgreSQL
    assert len([s for s in selects if "FROM stage_members" in s]) == 1
    assert not [s for s in selects if s.startswith("SELECT handovers.id")]  # no read of its own
    if db.dialect == "postgresql":
        assert len([s for s in selects if "nextval" in s]) == 1
        inserts = [" ".join(s.split()) for s in sent if "INSERT INTO handovers" in s]
        assert len(inserts) == len(ua) and not [s for s in inserts if "RETURNING" in s]
    with db.reading() as session:
        landed = session.execute(
            select(Record.line_number, Record.person_id, Source.row_count)
            .join(Source, Source.id == Record.source_id)
            .where(Source.kind == str(SourceKind.HANDOVER))
            .order_by(Record.line_number)
        ).all()
    assert [(line, person) for line, person, _ in landed] == list(zip(range(2, 6), ua, strict=True))
    assert {count for _, _, count in landed} == {len(ua)}
    assert [e.subject for e in _handover_entries(db)] == [f"handover:{v.id}" for v in views]
    assert audit.verify(db).ok


def test_a_recording_reads_the_agreement_as_stored_now_and_in_the_scope(db: Database) -> None:
    agreement_id, ua, _ = _stage(db, 3)
    first = _recording(db, agreement_id, "UA", ua[0])()
    # The stored agreement changes under the handle (a restore, say): the next recording of
    # this process must not go on with the agreement it read before.
    with db.transaction() as session:
        row = session.get(AgreementRow, agreement_id)
        assert row is not None
        row.definition = {**row.definition, "name": "renamed at the crossing"}
    second = _recording(db, agreement_id, "UA", ua[1])()
    with db.reading() as session:
        notes = {
            r.id: r.notes
            for r in session.scalars(
                select(Record).where(Record.id.in_([first.record_id, second.record_id]))
            )
        }
    assert notes[second.record_id].startswith("renamed at the crossing, stage 1")
    assert not notes[first.record_id].startswith("renamed")
    # A negotiator of a third party sees no such agreement, whatever this process read before.
    with pytest.raises(NotFound, match=f"no agreement {agreement_id}"):
        handovers.record_handover(
            db,
            None,
            agreement_id=agreement_id,
            number=1,
            party="UA",
            person_id=ua[2],
            outcome=Outcome.DELIVERED,
            actor="someone",
            scope=Scope(party="GE"),
        )
    with pytest.raises(NotFound, match=f"agreement {agreement_id} has no stage 2"):
        handovers.record_handover(
            db,
            None,
            agreement_id=agreement_id,
            number=2,
            party="UA",
            person_id=ua[2],
            outcome=Outcome.DELIVERED,
            actor="someone",
        )


# The recordings of `test_a_batch_records_what_one_at_a_time_records`: (party, which member
# (-1: the other side's first), outcome, correct), in two batches: every one of the first lands
# (corrections of the batch's own recordings among them), the second mixes in refusals.
_LANDING = [
    ("UA", 0, Outcome.DELIVERED, False),
    ("RU", 0, Outcome.DELIVERED, False),
    ("UA", 1, Outcome.NOT_DELIVERED, False),
    ("UA", 0, Outcome.NOT_DELIVERED, True),  # a correction of this batch's first
    ("RU", 1, Outcome.DECEASED, False),
    ("UA", 2, Outcome.SUBSTITUTED, False),
    ("RU", 2, Outcome.DECLINED, False),
    ("UA", 0, Outcome.DELIVERED, True),  # and again
    ("UA", 1, Outcome.DELIVERED, True),
    ("RU", 3, Outcome.DELIVERED, False),
]
_REFUSING = [
    ("UA", 3, Outcome.DELIVERED, False),
    ("UA", 3, Outcome.DELIVERED, False),  # already recorded in this batch
    ("UA", -1, Outcome.DELIVERED, False),  # not on UA's side
    ("RU", 4, Outcome.DELIVERED, True),  # nothing to correct
    ("RU", 0, Outcome.NOT_DELIVERED, True),
    ("UA", 4, Outcome.DECEASED, False),
    ("RU", 0, Outcome.DELIVERED, False),  # recorded before: only a correction may follow
]


def _record_all(
    db: Database, batches: list[list[tuple[str, int, Outcome, bool]]], *, queued: bool
) -> tuple[list[Any], list[Any], list[Any]]:
    """Make these recordings on a fresh stage, one at a time or each batch queued for the
    writer at once; what they return, and what they leave (handovers with their records, and
    audit entries), with every id made relative (persons by side and place, handovers and
    records by the order they were written, the agreement by name) so two runs compare."""
    agreement_id, ua, ru = _stage(db, 5)
    members = {"UA": ua, "RU": ru}
    others = {"UA": ru[0], "RU": ua[0]}
    before = max([e.id for e in _handover_entries(db)], default=0)
    outcomes: list[Any] = []
    for batch in batches:

        def call(party: str, pick: int, outcome: Outcome, correct: bool) -> Any:
            return (handovers.record_handover_later if queued else handovers.record_handover)(
                db,
                None,
                agreement_id=agreement_id,
                number=1,
                party=party,
                person_id=members[party][pick] if pick >= 0 else others[party],
                outcome=outcome,
                actor=f"operator-{party}",
                evidence="ICRC interview" if outcome is Outcome.DECLINED else "",
                substitute=(
                    handovers.Substitute("Інший", "Іван")
                    if outcome is Outcome.SUBSTITUTED
                    else None
                ),
                correct=correct,
            )

        if queued:
            with writer_held(db):
                futures = [call(*recording) for recording in batch]
            outcomes += [f.exception(60) or f.result() for f in futures]
        else:
            for recording in batch:
                try:
                    outcomes.append(call(*recording))
                except (Conflict, NotFound, InvalidInput) as refused:
                    outcomes.append(refused)
    with db.reading() as session:
        stage_id = agreements.stage_row(session, agreement_id, 1).id
        rows = session.scalars(
            select(Handover).where(Handover.stage_id == stage_id).order_by(Handover.id)
        ).all()
        records = {
            r.id: r
            for r in session.scalars(
                select(Record).where(Record.id.in_([h.record_id for h in rows if h.record_id]))
            )
        }
        entries = [e for e in _handover_entries(db) if e.id > before]
    people = {p: (party, i) for party in ("UA", "RU") for i, p in enumerate(members[party])}
    handover_at = {h.id: i for i, h in enumerate(rows)}
    record_at = {h.record_id: i for i, h in enumerate(rows) if h.record_id}
    substitutes: dict[int, int] = {}

    def person(pid: int | None) -> Any:
        if pid is None or pid in people:
            return people.get(pid) if pid is not None else None
        return ("substitute", substitutes.setdefault(pid, len(substitutes)))

    def _relative(found: re.Match[str]) -> str:
        if found[1] == "handover":
            return f"handover @{handover_at[int(found[2])]}"
        return f"person {person(int(found[2]))}" if found[1] else "#"

    def record(rid: int | None) -> Any:
        if rid is None:
            return None
        r = records[rid]
        return (
            record_at[rid],
            person(r.person_id),
            r.fate,
            (r.fate_year, r.fate_month, r.fate_day),
            r.family_name,
            r.given_names,
            r.line_number,
            re.sub(r"#\d+|(handover|person) (\d+)", _relative, r.notes),
        )

    landed = [
        (
            h.party,
            person(h.person_id),
            h.category_code,
            h.outcome,
            person(h.substitute_person_id),
            h.substitute_name,
            h.evidence,
            record(h.record_id),
            handover_at.get(h.corrects_id) if h.corrects_id else None,
            h.recorded_by,
        )
        for h in rows
    ]
    audited = [
        (
            e.actor,
            e.action,
            handover_at[int(e.subject.split(":")[1])],
            {
                **e.details,
                "agreement": None,
                "person": person(e.details["person"]),
                "substitute_person": person(e.details["substitute_person"]),
                "record": record_at.get(e.details["record"]),
                "corrects": handover_at.get(e.details["corrects"]),
            },
        )
        for e in entries
    ]
    returned = [
        type(o).__name__
        if isinstance(o, Exception)
        else (handover_at[o.id], person(o.person_id), o.outcome, record_at.get(o.record_id))
        for o in outcomes
    ]
    return returned, landed, audited


def test_a_batch_records_what_one_at_a_time_records(db: Database) -> None:
    """The same recordings queued for the writer in two batches (the first lands whole, the
    second has refusals among them) and made one at a time leave the same handovers, records
    and audit entries, and each recording gets the same answer."""
    db.unsubscribe("tracing")
    alone = _record_all(db, [_LANDING, _REFUSING], queued=False)
    together = _record_all(db, [_LANDING, _REFUSING], queued=True)
    assert together == alone
    assert alone[0].count("Conflict") == 2 and "NotFound" in alone[0]
    assert len(alone[1]) == len(_LANDING) + 3
    assert audit.verify(db).ok


@pytest.mark.parametrize(
    "db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_write_the_database_refuses_in_a_batch_fails_alone_and_leaves_nothing(
    db: Database,
) -> None:
    """A recording whose writes PostgreSQL refuses only when they are sent (with the batch's
    others, before its commit: here a `recorded_by` longer than its column) fails alone; the
    others land whole, each with its record and audit entry, and the chain verifies."""
    agreement_id, ua, _ = _stage(db, 3)
    db.unsubscribe("tracing")

    def later(person: int, actor: str) -> Future[handovers.HandoverView]:
        return handovers.record_handover_later(
            db,
            None,
            agreement_id=agreement_id,
            number=1,
            party="UA",
            person_id=person,
            outcome=Outcome.DELIVERED,
            actor=actor,
        )

    with writer_held(db):
        futures = [later(ua[0], "first"), later(ua[1], "x" * 150), later(ua[2], "third")]
    outcomes = [f.exception(60) or f.result() for f in futures]
    assert not isinstance(outcomes[1], handovers.HandoverView)
    landed = [outcomes[0], outcomes[2]]
    assert all(isinstance(v, handovers.HandoverView) for v in landed)
    assert [e.subject for e in _handover_entries(db)] == [f"handover:{v.id}" for v in landed]
    assert audit.verify(db).ok
    with db.reading() as session:
        rows = session.scalars(select(Handover).order_by(Handover.id)).all()
        released = session.scalars(select(Record).where(Record.fate == "released")).all()
    assert [(r.person_id, r.recorded_by) for r in rows] == [(ua[0], "first"), (ua[2], "third")]
    assert sorted(r.id for r in released) == sorted(v.record_id for v in landed)


def _round_trips(db: Database, tmp_path: Path, agreement_id: int, people: list[int]) -> int:
    """The round trips (libpq's trace: each Sync or simple Query the client sends waits for
    the server) of one batch recording these people, queued for the writer at once."""
    trace_path = tmp_path / f"trace-{len(people)}"
    traced: list[Any] = []
    with trace_path.open("w") as trace:

        def start(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            dbapi_connection.pgconn.trace(trace.fileno())
            traced.append(dbapi_connection)

        with writer_held(db):
            event.listen(db.engine, "checkout", start)
            futures = [_later(db, agreement_id, "UA", p) for p in people]
        try:
            for future in futures:
                future.result(60)
        finally:
            event.remove(db.engine, "checkout", start)
            for dbapi_connection in traced:
                dbapi_connection.pgconn.untrace()
    sent = [line.split("\t") for line in trace_path.read_text().splitlines()]
    return sum(1 for cells in sent if cells[1:2] == ["F"] and cells[3:4] in (["Sync"], ["Query"]))


@pytest.mark.parametrize(
    "db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_batch_sends_as_many_round_trips_whatever_its_size(db: Database, tmp_path: Path) -> None:
    """On PostgreSQL a batch reads all its persons in one query, takes all its ids in one
    statement and sends its writes together before the commit: a batch of nine recordings (of
    nine operators) costs the round trips of a batch of one."""
    agreement_id, ua, _ = _stage(db, 12)
    db.unsubscribe("tracing")
    _later(db, agreement_id, "UA", ua[11]).result(60)  # the sheet and the statements exist
    _round_trips(db, tmp_path, agreement_id, ua[10:11])  # psycopg prepares what runs often
    one = _round_trips(db, tmp_path, agreement_id, ua[9:10])
    nine = _round_trips(db, tmp_path, agreement_id, ua[:9])
    assert one > 0 and nine == one


@pytest.mark.parametrize(
    "db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_batch_reads_a_much_corrected_persons_latest_row_off_an_index(db: Database) -> None:
    """A recording reads its person's latest handover in the stage and first record (`max` and
    `min` of the id): PostgreSQL takes each off an index's end (migration 0016), not by
    visiting every earlier row of the person, however often they were corrected."""
    agreement_id, ua, _ = _stage(db, 2)
    db.unsubscribe("tracing")
    _later(db, agreement_id, "UA", ua[0]).result(60)
    for _ in range(30):
        _later(db, agreement_id, "UA", ua[0], correct=True).result(60)
    stage_id = _stage_id(db, agreement_id)
    with db.transaction() as session:
        connection = session.connection()
        connection.exec_driver_sql("ANALYZE handovers, records, stage_members")
        statement = cast(Select[Any], handovers._MEMBER_STATES_PG.statement)
        sql = str(statement.compile(dialect=connection.dialect))
        (plan,) = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + sql, {"stage": stage_id, "persons": ua}
        ).one()

    def in_subplans(node: dict[str, Any], within: bool = False) -> Iterator[dict[str, Any]]:
        within = within or "Subplan Name" in node  # the `max` and `min` of each member
        if within:
            yield node
        for child in node.get("Plans", ()):
            yield from in_subplans(child, within)

    scans = [n for n in in_subplans(plan[0]["Plan"]) if "Relation Name" in n]
    assert {n["Relation Name"] for n in scans} == {"handovers", "records"}
    # Each scan came on its row at once: none read past rows of the person's, nor others'.
    read = [
        (n.get("Index Name"), n["Actual Rows"] + n.get("Rows Removed by Filter", 0)) for n in scans
    ]
    assert max(rows for _, rows in read) <= 1, read


@pytest.mark.parametrize(
    "db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_batch_runs_its_statements_by_their_generic_plans(db: Database, tmp_path: Path) -> None:
    """On PostgreSQL a batch's transaction plans its prepared statements once (`SET LOCAL
    plan_cache_mode`, sent with the batch's read, no round trip more): PostgreSQL otherwise
    planned the persons' read afresh for each batch. The setting ends with the transaction."""
    agreement_id, ua, _ = _stage(db, 3)
    db.unsubscribe("tracing")
    _round_trips(db, tmp_path, agreement_id, ua[:2])
    trace = (tmp_path / "trace-2").read_text()
    assert "plan_cache_mode = force_generic_plan" in trace
    assert trace.index("plan_cache_mode") < trace.index("stage_members")  # before the read
    with db.reading() as session:
        assert session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
    with db.transaction() as session:
        assert session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
