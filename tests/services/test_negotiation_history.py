"""A person's path through negotiations, on both databases: offered, answered by the other
side's reply list (all or nothing, line-numbered), placed in a stage, handed over; and what a
negotiator of a party may see of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from homecoming.errors import AlreadyImported, Forbidden, InvalidInput, NotFound
from homecoming.exchange.reconciliation import Outcome
from homecoming.exchange.replies import Answer, read_answer
from homecoming.services import audit, exchange_lists, handovers, negotiation, replies, stages
from homecoming.services.exchange_lists import Direction
from homecoming.services.scope import Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry
from homecoming.store.negotiation_models import ReplyAnswer

from ..exchange.world import HELD_BY_RU, build_world, evidence

UA = Scope(party="UA")
RU = Scope(party="RU")


def _rows(*cells: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [(i + 2, c) for i, c in enumerate(cells)]


def _validated(db: Database, agreement_id: int) -> dict[str, exchange_lists.ValidationReport]:
    search = SearchService(db)
    return {
        v.party: exchange_lists.validate_version(db, search, version_id=v.id, actor="t")
        for v in exchange_lists.list_versions(db, agreement_id=agreement_id)
    }


def test_answers_read_in_three_languages() -> None:
    assert read_answer("Відмовлено") is Answer.REFUSED
    assert read_answer("под следствием") is Answer.UNDER_PROSECUTION
    assert read_answer("struck off") is Answer.STRUCK_OFF
    assert read_answer("maybe") is None


def test_a_request_refused_then_a_person_offered_placed_and_handed_over(db: Database) -> None:
    agreement_id = build_world(db)
    # UA asks for two of its people back; RU answers in a reply list.
    request = exchange_lists.import_version(
        db,
        agreement_id=agreement_id,
        party="UA",
        direction=Direction.REQUEST,
        rows=evidence([HELD_BY_RU[1], HELD_BY_RU[4]]),
        file_name="ua-request-1.csv",
        content_hash="ua-request-1",
        actor="t",
        received_from="UA coordination HQ",
        received_at=dt.datetime(2025, 5, 20, 11, tzinfo=dt.UTC),
    )
    reports = _validated(db, agreement_id)
    bad = _rows(
        {"line": "2", "answer": "refused"},  # no reason
        {"line": "9", "answer": "accepted"},  # no such line
        {"line": "3", "answer": "perhaps"},
        {"Рядок": "3", "Відповідь": "прийнято", "номер": "X-1"},  # wrong service number
    )
    with pytest.raises(InvalidInput) as caught:
        replies.import_reply(
            db,
            list_version_id=request.id,
            rows=bad,
            file_name="ru-reply.csv",
            content_hash="h1",
            actor="t",
        )
    where = sorted((p.line, p.field) for p in caught.value.problems)
    assert where == [(2, "reason"), (3, "line"), (4, "answer"), (5, "service_number")]
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ReplyAnswer)) == 0
    with pytest.raises(Forbidden):  # a reply to UA's list is UA's to import
        replies.import_reply(
            db,
            list_version_id=request.id,
            rows=_rows({"line": "2", "answer": "accepted"}),
            file_name="x.csv",
            content_hash="x",
            actor="t",
            scope=RU,
        )
    good = _rows(
        {"line": "2", "answer": "відмовлено", "reason": "під слідством у справі 12/2024"},
        {"line": "3", "answer": "accepted", "name": "Мельник Василь"},
    )
    reply = replies.import_reply(
        db,
        list_version_id=request.id,
        rows=good,
        file_name="ru-reply.csv",
        content_hash="h2",
        actor="t",
        received_from="RU delegation",
        received_at=dt.datetime(2025, 5, 21, 9, tzinfo=dt.UTC),
        scope=UA,
    )
    assert reply.party == "RU" and reply.answers == {"accepted": 1, "refused": 1}
    with pytest.raises(AlreadyImported):
        replies.import_reply(
            db,
            list_version_id=request.id,
            rows=good,
            file_name="again.csv",
            content_hash="h2",
            actor="t",
        )

    # RU offers its soldiers; one is placed in stage 1 and handed over.
    stages.plan(db, agreement_id=agreement_id, actor="t")
    shown = stages.show(db, agreement_id=agreement_id, number=1)
    nekhir = next(
        m.person_id for m in shown.members if m.party == "RU" and m.category == "soldiers"
    )
    assert nekhir in {line.person_id for line in reports["RU"].lines}
    handovers.record_handover(
        db,
        SearchService(db),
        agreement_id=agreement_id,
        number=1,
        party="RU",
        person_id=nekhir,
        outcome=Outcome.DELIVERED,
        actor="operator",
    )
    story = negotiation.history(db, nekhir)
    assert [e.kind for e in story if e.kind in ("offered", "placed", "handed_over")] == [
        "offered",
        "placed",
        "handed_over",
    ]
    offered, placed, handed = (
        next(e for e in story if e.kind == kind) for kind in ("offered", "placed", "handed_over")
    )
    assert offered.details["list"] == "RU offer v1" and offered.party == "RU"
    assert placed.details["stage"] == 1 and handed.details["stage"] == 1

    koval = next(line for line in request_report(db, request.id).lines if line.entry.line == 2)
    assert koval.person_id is not None
    story = negotiation.history(db, koval.person_id)
    assert [e.kind for e in story if e.kind != "offered"][:2] == ["requested", "refused"]
    refused = next(e for e in story if e.kind == "refused")
    assert refused.party == "RU" and refused.details["reason"].startswith("під слідством")
    assert "refused" in refused.describe()
    with db.reading() as session:
        assert replies.prosecution_of(session, [koval.person_id]) == {}
    # A later reply says the other requested man is under prosecution: eligibility reads it.
    melnyk = next(line for line in request_report(db, request.id).lines if line.entry.line == 3)
    assert melnyk.person_id is not None
    replies.import_reply(
        db,
        list_version_id=request.id,
        rows=_rows({"line": "3", "answer": "под следствием", "reason": "ст. 110"}),
        file_name="ru-reply-2.csv",
        content_hash="h3",
        actor="t",
    )
    with db.reading() as session:
        said = replies.prosecution_of(session, [koval.person_id, melnyk.person_id])
        assert said == {melnyk.person_id: "under_prosecution"}
        action = select(func.count()).where(AuditEntry.action == "reply_list.imported")
        assert session.scalar(action) == 2  # two replies landed; the refused files did not
    assert audit.verify(db).ok


def request_report(db: Database, version_id: int) -> exchange_lists.ValidationReport:
    return exchange_lists.validation_report(db, version_id=version_id)


def test_a_negotiator_sees_only_their_agreements_and_persons(db: Database) -> None:
    agreement_id = build_world(db)
    reports = _validated(db, agreement_id)
    nekhir = next(line for line in reports["RU"].lines if line.entry.line == 2).person_id
    ivanov = next(line for line in reports["UA"].lines if line.entry.line == 2).person_id
    assert nekhir is not None and ivanov is not None
    # Nekhir has records of both parties' sources (the ICRC visit held by RU, RU's offer).
    assert [e.kind for e in negotiation.history(db, nekhir, scope=RU)] == ["offered"]
    # Ivanov's records are all of UA's sources: RU's negotiator gets no such person.
    with pytest.raises(NotFound):
        negotiation.history(db, ivanov, scope=RU)
    # Listed twice on UA's offer (lines 2 and 6): two steps.
    seen = negotiation.history(db, ivanov, scope=UA)
    assert [(e.kind, e.details["line"]) for e in seen] == [("offered", 2), ("offered", 6)]
    with pytest.raises(NotFound):
        negotiation.history(db, 99_999)
