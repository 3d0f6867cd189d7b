"""The crossing as it really happens, and the seriously wounded from referral to repatriation,
on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, Fate, RecordFields
from homecoming.errors import Conflict, InvalidInput, RowProblem
from homecoming.exchange.reconciliation import Outcome
from homecoming.exchange.wounded import Consent, ExaminingBody, MedicalDecision, Referrer
from homecoming.services import (
    audit,
    crossing,
    exchange_lists,
    handovers,
    negotiation,
    persons,
    stages,
    wounded,
)
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Record

from ..exchange.world import build_world
from ..web.conftest import build_exchange


def _members(db: Database, agreement_id: int, party: str) -> list[stages.MemberView]:
    view = stages.show(db, agreement_id=agreement_id, number=1)
    return [m for m in view.members if m.party == party]


def test_an_arrival_on_no_list_is_evidence_with_its_identity_check(db: Database) -> None:
    agreement_id = build_exchange(db)
    search = SearchService(db)
    arrival = handovers.Substitute("Гончаренко", "Ігор", date_of_birth=PartialDate(1994, 2, 2))
    with pytest.raises(InvalidInput, match="how the identity was checked"):
        crossing.record_unlisted_arrival(
            db,
            search,
            agreement_id=agreement_id,
            number=1,
            party="RU",
            arrival=arrival,
            checked_by="Lt. Bondar",
            methods=[],
            actor="operator",
        )
    with pytest.raises(InvalidInput, match="not a way"):
        crossing.record_unlisted_arrival(
            db,
            search,
            agreement_id=agreement_id,
            number=1,
            party="RU",
            arrival=arrival,
            checked_by="Lt. Bondar",
            methods=["dna"],
            actor="operator",
        )
    view = crossing.record_unlisted_arrival(
        db,
        search,
        agreement_id=agreement_id,
        number=1,
        party="RU",
        arrival=arrival,
        checked_by="Lt. Bondar",
        methods=["photo", "documents"],
        actor="operator",
        notes="military ID 123",
    )
    assert view.kind == "arrived_unlisted" and view.check_methods == ["documents", "photo"]
    assert view.person_id is not None and view.record_id is not None
    person = persons.show(db, view.person_id)
    assert person.derived.status == "released"
    with db.reading() as session:
        record = session.get(Record, view.record_id)
        assert record is not None and "Lt. Bondar (documents, photo)" in record.notes
    story = negotiation.history(db, view.person_id)
    assert [e.kind for e in story] == ["arrived_unlisted"]
    assert story[0].details["methods"] == ["documents", "photo"]
    # A listed person is not "unlisted": their handover is recorded instead.
    listed = _members(db, agreement_id, "RU")[0]
    name = persons.show(db, listed.person_id).display_name.split()
    with pytest.raises(Conflict, match="record their handover"):
        crossing.record_unlisted_arrival(
            db,
            search,
            agreement_id=agreement_id,
            number=1,
            party="RU",
            arrival=handovers.Substitute(
                name[0],
                " ".join(name[1:]),
                date_of_birth=persons.show(db, listed.person_id).date_of_birth,
            ),
            checked_by="x",
            methods=["questions"],
            actor="operator",
        )
    assert audit.verify(db).ok


def test_taken_back_and_sent_back_keep_the_tally_exact(db: Database) -> None:
    agreement_id = build_exchange(db)
    one, two = _members(db, agreement_id, "UA")[:2]
    with pytest.raises(InvalidInput, match="say why"):
        crossing.record_taken_back(
            db,
            agreement_id=agreement_id,
            number=1,
            party="UA",
            person_id=one.person_id,
            reason=" ",
            actor="op",
        )
    taken = crossing.record_taken_back(
        db,
        agreement_id=agreement_id,
        number=1,
        party="UA",
        person_id=one.person_id,
        reason="escort ordered him back on the bridge",
        actor="op",
    )
    assert taken.kind == "taken_back" and taken.handover_id is not None
    with pytest.raises(Conflict, match="not recorded as handed over"):
        crossing.record_returned(
            db,
            agreement_id=agreement_id,
            number=1,
            party="UA",
            person_id=one.person_id,
            reason="x",
            actor="op",
        )
    handovers.record_handover(
        db,
        None,
        agreement_id=agreement_id,
        number=1,
        party="UA",
        person_id=two.person_id,
        outcome=Outcome.DELIVERED,
        actor="op",
    )
    with pytest.raises(Conflict, match="returned"):
        crossing.record_taken_back(
            db,
            agreement_id=agreement_id,
            number=1,
            party="UA",
            person_id=two.person_id,
            reason="x",
            actor="op",
        )
    crossing.record_returned(
        db,
        agreement_id=agreement_id,
        number=1,
        party="UA",
        person_id=two.person_id,
        reason="not the man agreed: a civilian of the same name",
        actor="op",
    )
    tally = handovers.tally(db, agreement_id=agreement_id, number=1)
    assert sum(n for cell in tally.counts["UA"].values() for n in cell.values()) == 2
    assert all(set(cell) == {"not_delivered"} for cell in tally.counts["UA"].values())
    assert persons.show(db, two.person_id).derived.status == "detained"
    kinds = [e.kind for e in negotiation.history(db, two.person_id)]
    assert kinds[-2:] == ["handed_over", "returned"]
    assert [e.kind for e in negotiation.history(db, one.person_id)][-1] == "taken_back"
    listed = crossing.list_events(db, agreement_id=agreement_id, number=1)
    assert [e.kind for e in listed] == ["taken_back", "returned"]


def test_a_list_received_at_the_crossing_that_differs_is_kept_with_the_diff(db: Database) -> None:
    agreement_id = build_exchange(db)
    agreed = _members(db, agreement_id, "RU")
    with db.reading() as session:
        rows = stages.listed_records(
            session, [_member_row(session, agreement_id, m) for m in agreed]
        )
    received = [persons.record_fields(rows[m.person_id]) for m in agreed][1:]  # one left out
    stranger = RecordFields(
        family_name="Чужий",
        given_names="Петро",
        category=Category.SERVICEMAN,
        fate=Fate.LISTED,
        date_of_birth=PartialDate(1990, 1, 1),
    )
    items = [Evidence(line=i + 2, raw={}, fields=f) for i, f in enumerate([*received, stranger])]
    result = crossing.check_received_list(
        db,
        agreement_id=agreement_id,
        number=1,
        party="RU",
        rows=items,
        file_name="ru-at-crossing.csv",
        content_hash="abc",
        actor="op",
    )
    assert result.event is not None
    assert [e["name"] for e in result.event.details["added"]] == ["Чужий Петро"]
    assert len(result.event.details["removed"]) == 1
    whole = [persons.record_fields(rows[m.person_id]) for m in agreed]
    as_agreed = [Evidence(line=i + 2, raw={}, fields=f) for i, f in enumerate(whole)]
    same = crossing.check_received_list(
        db,
        agreement_id=agreement_id,
        number=1,
        party="RU",
        rows=as_agreed,
        file_name="ru-same.csv",
        content_hash="same",
        actor="op",
    )
    assert same.event is None and same.agreed == same.received == len(agreed)
    assert [e.kind for e in crossing.list_events(db, agreement_id=agreement_id, number=1)] == [
        "list_differs"
    ]
    with pytest.raises(InvalidInput):
        crossing.check_received_list(
            db,
            agreement_id=agreement_id,
            number=1,
            party="RU",
            rows=[[RowProblem(3, "date_of_birth", "unreadable")]],
            file_name="bad.csv",
            content_hash="b",
            actor="op",
        )


def _member_row(session, agreement_id, member):  # type: ignore[no-untyped-def]
    from homecoming.services import agreements

    stage = agreements.stage_row(session, agreement_id, 1)
    row = stages.current_member(session, stage.id, member.party, member.person_id)
    assert row is not None
    return row


def test_seriously_wounded_from_referral_to_repatriation(db: Database) -> None:
    build_world(db)
    with db.reading() as session:
        person = session.scalar(
            select(func.min(Record.person_id)).where(Record.family_name == "Коваленко")
        )
    assert person is not None
    day = dt.date(2025, 4, 10)  # after the ICRC visit that saw him detained
    wounded.refer(
        db,
        person_id=person,
        referred_by=Referrer.ICRC,
        referrer="ICRC delegate",
        referred_on=day,
        examine_by=day + dt.timedelta(days=30),
        actor="t",
    )
    late = wounded.case(db, person, today=day + dt.timedelta(days=40))
    assert late.state == "referred" and late.overdue == ["examination"]
    with pytest.raises(InvalidInput, match="cannot come before"):
        wounded.examine(
            db,
            person_id=person,
            body=ExaminingBody.MIXED_MEDICAL_COMMISSION,
            examined_on=day - dt.timedelta(days=1),
            decision=MedicalDecision.REPATRIATE,
            actor="t",
        )
    wounded.examine(
        db,
        person_id=person,
        body=ExaminingBody.DETAINING_POWER_DOCTORS,
        examined_on=day + dt.timedelta(days=10),
        decision=MedicalDecision.REPATRIATE,
        repatriate_by=day + dt.timedelta(days=60),
        notes="amputation",
        actor="t",
    )
    with pytest.raises(Conflict, match="against his will"):
        wounded.repatriate(
            db, person_id=person, repatriated_on=day + dt.timedelta(days=20), actor="t"
        )
    wounded.consent(
        db,
        person_id=person,
        answer=Consent.REFUSED,
        given_on=day + dt.timedelta(days=11),
        witnessed_by="ICRC delegate",
        actor="t",
    )
    with pytest.raises(Conflict, match="has refused"):
        wounded.repatriate(
            db, person_id=person, repatriated_on=day + dt.timedelta(days=20), actor="t"
        )
    wounded.consent(
        db,
        person_id=person,
        answer=Consent.GIVEN,
        given_on=day + dt.timedelta(days=15),
        witnessed_by="ICRC delegate",
        actor="t",
    )
    assert wounded.case(db, person).state == "ready"
    done = wounded.repatriate(
        db,
        person_id=person,
        repatriated_on=day + dt.timedelta(days=20),
        place="Sumy region",
        actor="t",
    )
    assert done.state == "repatriated" and done.repatriation is not None
    assert persons.show(db, person).derived.status == "released"
    kinds = [e.kind for e in negotiation.history(db, person)]
    assert kinds[:5] == ["referred", "examined", "consent_refused", "consent_given", "repatriated"]
    examined = negotiation.history(db, person)[1]
    assert "notes" not in examined.details  # the diagnosis stays in the case, not the history
    with db.reading() as session:
        assert wounded.decided_seriously_wounded(session, [person]) == {person}
    assert audit.verify(db).ok


def test_the_wounded_category_reads_the_decision_not_the_flag(db: Database) -> None:
    agreement_id = build_world(db)
    search = SearchService(db)
    ua = exchange_lists.list_versions(db, agreement_id=agreement_id, party="UA")[0]
    report = exchange_lists.validate_version(db, search, version_id=ua.id, actor="t")
    volkov = next(line for line in report.lines if line.entry.line == 8)
    assert volkov.category == "wounded"  # examined: seriously wounded
    assert volkov.person_id is not None
    # A later examination finds him not seriously wounded: the next validation follows it.
    wounded.examine(
        db,
        person_id=volkov.person_id,
        body=ExaminingBody.MIXED_MEDICAL_COMMISSION,
        examined_on=dt.date(2025, 5, 1),
        decision=MedicalDecision.NOT_ELIGIBLE,
        actor="t",
    )
    again = exchange_lists.validate_version(db, search, version_id=ua.id, actor="t")
    volkov = next(line for line in again.lines if line.entry.line == 8)
    assert (
        volkov.category == "soldiers"
    )  # the list still flags him wounded: the flag does not count
