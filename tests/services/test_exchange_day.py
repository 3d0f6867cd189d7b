"""Exchange day on SQLite and PostgreSQL: after a stage's handovers, the leads resting on them
are verified as a batch, and a second person approves their messages as a batch (the preparer
cannot; a batch lands whole or not at all). "Phoned home himself" closes a message unsent."""

from __future__ import annotations

import pytest

from homecoming.domain.record import Contact, RecordFields
from homecoming.errors import Conflict, InvalidInput
from homecoming.exchange.reconciliation import Outcome
from homecoming.notify import OutgoingMessage
from homecoming.services import (
    exchange_day,
    handovers,
    inquiries,
    leads,
    notifications,
    push,
    stages,
)
from homecoming.services.persons import record_fields
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.tracing.lead_rules import Decision

from ..web.conftest import build_exchange, seed


def handed_over_with_inquiries(
    db: Database, settings: Settings, families: int = 2, outcome: Outcome = Outcome.DELIVERED
) -> int:
    """The exchange world; stage 1's members handed over, each with a family looking for them.

    Returns the agreement's id. The first family left an e-mail, the others only a phone.
    """
    seed(db, settings, people=False)
    agreement_id = build_exchange(db)
    stage = stages.show(db, agreement_id=agreement_id, number=1)
    for i, member in enumerate(stage.members[:families]):
        with db.reading() as session:
            record = session.query(Record).filter(Record.person_id == member.person_id).first()
            assert record is not None
            fields = record_fields(record)
        contact = Contact(name="Родина", email=f"family{i}@example.org" if i == 0 else "")
        if i:
            contact = Contact(name="Родина", phone=f"+38050000000{i}")
        inquiries.register(
            db,
            request=inquiries.InquiryRequest(
                sought=RecordFields(
                    family_name=fields.family_name,
                    given_names=fields.given_names,
                    date_of_birth=fields.date_of_birth,
                ),
                inquirer=contact,
                consent=True,
            ),
            actor="liaison",
        )
    for member in stage.members[:families]:
        handovers.record_handover(
            db,
            None,
            agreement_id=agreement_id,
            number=1,
            party=member.party,
            person_id=member.person_id,
            outcome=outcome,
            actor="registrar",
        )
    return agreement_id


def test_the_day_verifies_and_a_second_person_approves_in_batches(
    db: Database, settings: Settings
) -> None:
    agreement_id = handed_over_with_inquiries(db, settings)
    day = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    assert len({r.inquiry_id for r in day}) == 2, day
    assert {r.outcome for r in day} == {"delivered"}
    lead_ids = [r.lead_id for r in day if r.lead_state == "pending"]
    with pytest.raises(InvalidInput):
        exchange_day.verify(db, agreement_id=agreement_id, number=1, lead_ids=[], actor="tracer")
    with pytest.raises(Conflict, match="not pending leads"):
        exchange_day.verify(
            db, agreement_id=agreement_id, number=1, lead_ids=[*lead_ids, 99999], actor="tracer"
        )
    verified = exchange_day.verify(
        db, agreement_id=agreement_id, number=1, lead_ids=lead_ids, actor="tracer"
    )
    assert len(verified.notifications) == 2
    day = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    assert {r.notification_state for r in day if r.notification_id} == {"prepared"}
    assert {r.template for r in day if r.notification_id} == {"released"}
    # The preparer cannot approve the batch: nothing of it lands.
    with pytest.raises(Conflict, match=r"nothing is approved; .*a second person must approve"):
        exchange_day.approve(
            db,
            agreement_id=agreement_id,
            number=1,
            notification_ids=verified.notifications,
            actor="tracer",
        )
    assert {notifications.show(db, n).state for n in verified.notifications} == {"prepared"}
    # Without SMS, the family that left only a phone cannot be written to: the batch is refused
    # whole, naming that message; with SMS both are approved by the second person.
    with pytest.raises(Conflict, match="no e-mail address"):
        exchange_day.approve(
            db,
            agreement_id=agreement_id,
            number=1,
            notification_ids=verified.notifications,
            actor="liaison",
        )
    assert {notifications.show(db, n).state for n in verified.notifications} == {"prepared"}
    approved = exchange_day.approve(
        db,
        agreement_id=agreement_id,
        number=1,
        notification_ids=verified.notifications,
        actor="liaison",
        sms=True,
    )
    assert approved == sorted(verified.notifications)
    shown = [notifications.show(db, n) for n in approved]
    assert {(v.state, v.approved_by) for v in shown} == {("approved", "liaison")}


def test_phoned_home_closes_the_message_unsent(db: Database, settings: Settings) -> None:
    agreement_id = handed_over_with_inquiries(db, settings, families=1)
    day = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    verified = exchange_day.verify(
        db,
        agreement_id=agreement_id,
        number=1,
        lead_ids=[r.lead_id for r in day if r.lead_state == "pending"],
        actor="tracer",
    )
    (notification_id,) = verified.notifications
    exchange_day.phoned_home(
        db,
        agreement_id=agreement_id,
        number=1,
        notification_id=notification_id,
        note="called his mother from the bus",
        actor="liaison",
    )
    view = notifications.show(db, notification_id)
    assert view.state == "cancelled" and view.outbox_state == ""
    with db.reading() as session:
        from homecoming.store.tracing_models import Notification

        row = session.get(Notification, notification_id)
        assert row is not None
        assert (
            row.cancel_reason == "the returnee phoned home himself: called his mother from the bus"
        )
    with pytest.raises(Conflict):
        exchange_day.approve(
            db,
            agreement_id=agreement_id,
            number=1,
            notification_ids=[notification_id],
            actor="registrar",
        )
    with pytest.raises(Conflict, match="not of stage 1"):
        exchange_day.phoned_home(
            db, agreement_id=agreement_id, number=1, notification_id=99999, actor="liaison"
        )


def test_a_death_is_never_approved_in_a_batch(db: Database, settings: Settings) -> None:
    agreement_id = handed_over_with_inquiries(db, settings, families=1, outcome=Outcome.DECEASED)
    day = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    assert {r.outcome for r in day} == {"deceased"}
    verified = exchange_day.verify(
        db,
        agreement_id=agreement_id,
        number=1,
        lead_ids=[r.lead_id for r in day if r.lead_state == "pending"],
        actor="tracer",
    )
    (notification_id,) = verified.notifications
    (row,) = [
        r for r in exchange_day.rows(db, agreement_id=agreement_id, number=1) if r.notification_id
    ]
    assert row.template == "deceased" and row.in_person
    with pytest.raises(Conflict, match="speak with them"):
        exchange_day.approve(
            db,
            agreement_id=agreement_id,
            number=1,
            notification_ids=[notification_id],
            actor="liaison",
        )
    assert notifications.show(db, notification_id).state == "prepared"


def test_a_lead_on_a_corrected_handover_is_never_verified(db: Database, settings: Settings) -> None:
    """A handover recorded as delivered, then corrected (not delivered after all): the lead its
    record gave ("released") no longer holds, and verifying it, from the leads queue as from the
    exchange day, is refused, naming both handovers. The correction's own lead can be verified;
    rejecting the old one works as for any lead."""
    agreement_id = handed_over_with_inquiries(db, settings, families=1)
    (first,) = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    assert (first.lead_state, first.outcome) == ("pending", "delivered")
    _not_delivered_after_all(db, agreement_id, first.person_id)
    with pytest.raises(Conflict, match=r"rests on the record of handover \d+, which handover \d+"):
        leads.decide(db, lead_id=first.lead_id, decision=Decision.VERIFY, reason="", actor="t")
    assert leads.show(db, first.lead_id).state == "pending"
    # The exchange day lists the stage's latest handovers' leads only: the old one is not there.
    assert first.lead_id not in {
        r.lead_id for r in exchange_day.rows(db, agreement_id=agreement_id, number=1)
    }
    correction = handovers.list_handovers(db, agreement_id=agreement_id, number=1, latest_only=True)
    (record_id,) = [h.record_id for h in correction if h.person_id == first.person_id]
    (newer,) = [
        lead
        for lead in leads.queue(db, inquiry=first.inquiry_id, state=None)
        if lead.record_id == record_id
    ]
    assert newer.fate == "detained"
    decided = leads.decide(
        db, lead_id=newer.id, decision=Decision.VERIFY, reason="corrected", actor="t"
    )
    assert decided.lead.state == "verified"
    rejected = leads.decide(
        db,
        lead_id=first.lead_id,
        decision=Decision.REJECT,
        reason="the handover was corrected",
        actor="t",
    )
    assert rejected.lead.state == "rejected"


def test_a_message_prepared_before_its_handover_was_corrected_is_never_sent(
    db: Database, settings: Settings
) -> None:
    """The lead was verified and its message ("released") prepared; then the handover was
    corrected. The second person's approval is refused, naming the correction (and the exchange
    day's batch no longer holds it); the message is cancelled once the family has been told in
    person."""
    agreement_id = handed_over_with_inquiries(db, settings, families=1)
    (first,) = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    verified = exchange_day.verify(
        db, agreement_id=agreement_id, number=1, lead_ids=[first.lead_id], actor="tracer"
    )
    (notification_id,) = verified.notifications
    _not_delivered_after_all(db, agreement_id, first.person_id)
    corrected = r"notification \d+ \(lead \d+\) rests on the record of handover \d+, which"
    with pytest.raises(Conflict, match=corrected):
        notifications.approve(db, notification_id=notification_id, actor="liaison", sms=True)
    # The exchange day lists the latest handovers' leads only: its batch does not hold it.
    with pytest.raises(Conflict, match="not of stage 1's handovers"):
        exchange_day.approve(
            db,
            agreement_id=agreement_id,
            number=1,
            notification_ids=[notification_id],
            actor="liaison",
            sms=True,
        )
    assert notifications.show(db, notification_id).state == "prepared"
    cancelled = notifications.cancel(
        db, notification_id=notification_id, reason="told in person", actor="liaison"
    )
    assert cancelled.state == "cancelled"


class _Kept:
    """A channel that keeps what it is given."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


def test_an_approved_message_whose_handover_is_then_corrected_is_held_back(
    db: Database, settings: Settings
) -> None:
    """Approved, waiting in the outbox (an e-mail; a text for the family that left a phone),
    then the handover is corrected: neither the e-mail nor the text goes out, each failing with
    the correction as its reason until the message is cancelled; cancelling cancels the text."""
    agreement_id = handed_over_with_inquiries(db, settings, families=2)
    day = exchange_day.rows(db, agreement_id=agreement_id, number=1)
    verified = exchange_day.verify(
        db, agreement_id=agreement_id, number=1, lead_ids=[r.lead_id for r in day], actor="tracer"
    )
    exchange_day.approve(
        db,
        agreement_id=agreement_id,
        number=1,
        notification_ids=verified.notifications,
        actor="liaison",
        sms=True,
    )
    for row in day:
        _not_delivered_after_all(db, agreement_id, row.person_id)
    email, sms = _Kept("email"), _Kept("sms")
    mailed = notifications.deliver(db, channel=email, actor="cli")
    texted = push.deliver(db, channel=sms, actor="cli")
    assert email.sent == [] and sms.sent == []
    assert len(mailed.failed) == 1 and len(texted.failed) == 1
    assert all(
        "corrected: it no longer holds" in e
        for e in [*mailed.failed.values(), *texted.failed.values()]
    )
    for notification_id in verified.notifications:
        notifications.cancel(
            db, notification_id=notification_id, reason="told in person", actor="liaison"
        )
    assert notifications.deliver(db, channel=email, actor="cli").failed == {}
    assert push.deliver(db, channel=sms, actor="cli").failed == {}
    assert email.sent == [] and sms.sent == []


def _not_delivered_after_all(db: Database, agreement_id: int, person_id: int) -> None:
    """The operator corrects the person's handover of stage 1: not delivered after all."""
    (party,) = {
        h.party
        for h in handovers.list_handovers(db, agreement_id=agreement_id, number=1)
        if h.person_id == person_id
    }
    handovers.record_handover(
        db,
        None,
        agreement_id=agreement_id,
        number=1,
        party=party,
        person_id=person_id,
        outcome=Outcome.NOT_DELIVERED,
        correct=True,
        actor="registrar",
    )
