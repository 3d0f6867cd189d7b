"""Exchange day: after a stage's handovers, the leads they answer and the messages they make.

A handover of a delivered person lands a `handover` record, and tracing turns it into leads
for the families looking for that person. On exchange day one screen lists those leads
(resting on a recorded handover of the stage), verifies them as a batch (each verification
prepares the family's message, as a single one does), and a second person approves those
messages as a batch: the four-eyes rule of `notifications.approve` holds for every one, and
the batch lands whole or not at all. A message that would tell of a death is never in a batch
(the liaison officer tells the family in person: the notifications page). When the returnee
phoned home himself, the note closes the message without sending one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, Forbidden, InvalidInput
from homecoming.services import agreements, handovers, leads, notifications
from homecoming.services.persons import record_fields
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.store.tracing_models import Inquiry, Lead, Notification
from homecoming.tracing.lead_rules import Decision, LeadState
from homecoming.tracing.templates import TemplateName

PHONED_HOME = "the returnee phoned home himself"


@dataclass(frozen=True, slots=True)
class DayRow:
    """One lead resting on a recorded handover, and the message its verification prepared."""

    lead_id: int
    inquiry_id: int
    reference: str
    name: str  # whom the family is looking for, as they told us
    person_id: int
    outcome: str  # the handover's outcome
    handed_over_at: dt.datetime
    lead_state: str
    score: float
    notification_id: int | None
    notification_state: str
    template: str
    prepared_by: str

    @property
    def in_person(self) -> bool:
        """A message about a death: told in person, never approved in a batch."""
        return self.template == TemplateName.DECEASED.value


def rows(
    db: Database, *, agreement_id: int, number: int, scope: Scope = EVERY_PARTY
) -> list[DayRow]:
    """The stage's handover leads, oldest handover first."""
    with db.reading() as session:
        return _rows(session, agreement_id, number, scope)


def _rows(session: Session, agreement_id: int, number: int, scope: Scope) -> list[DayRow]:
    scope.agreement(session, agreement_id)  # NotFound outside the scope
    stage = agreements.stage_row(session, agreement_id, number)
    landed = {
        row.record_id: row
        for row in handovers.latest_rows(session, stage.id)
        if row.record_id is not None
    }
    if not landed:
        return []
    found = session.execute(
        select(Lead, Inquiry.reference, Inquiry.record_id)
        .join(Inquiry, Inquiry.id == Lead.inquiry_id)
        .where(Lead.record_id.in_(list(landed)), Lead.state != LeadState.REJECTED.value)
        .order_by(Lead.id)
    ).all()
    messages: dict[int, Notification] = {}
    lead_ids = [lead.id for lead, _, _ in found]
    if lead_ids:
        for made in session.scalars(
            select(Notification).where(Notification.lead_id.in_(lead_ids)).order_by(Notification.id)
        ):
            messages[made.lead_id or 0] = made  # the newest per lead
    result = []
    for lead, reference, sought_id in found:
        handover = landed[lead.record_id or 0]
        sought = session.get(Record, sought_id)
        message = messages.get(lead.id)
        result.append(
            DayRow(
                lead_id=lead.id,
                inquiry_id=lead.inquiry_id,
                reference=reference,
                name=record_fields(sought).display_name() if sought else "",
                person_id=handover.person_id,
                outcome=handover.outcome,
                handed_over_at=handover.recorded_at,
                lead_state=lead.state,
                score=lead.score,
                notification_id=message.id if message else None,
                notification_state=message.state if message else "",
                template=message.template if message else "",
                prepared_by=message.prepared_by if message else "",
            )
        )
    result.sort(key=lambda r: (r.handed_over_at, r.lead_id))
    return result


@dataclass(frozen=True, slots=True)
class Verified:
    leads: list[int]
    notifications: list[int]  # the messages prepared, waiting for a second person


def verify(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    lead_ids: list[int],
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> Verified:
    """Verify these pending leads of the stage, all of them or none; each prepares its family's
    message (one per case whose status moves)."""
    if not lead_ids:
        raise InvalidInput("tick the leads to verify")
    wanted = sorted(set(lead_ids))
    reason = f"handed over at stage {number} of agreement {agreement_id} (exchange day)"
    prepared = []
    with db.transaction() as session:
        day = {row.lead_id: row for row in _rows(session, agreement_id, number, scope)}
        wrong = [i for i in wanted if i not in day or day[i].lead_state != LeadState.PENDING.value]
        if wrong:
            raise Conflict(
                f"lead(s) {', '.join(map(str, wrong))} are not pending leads of stage "
                f"{number}'s handovers: reload the exchange day page"
            )
        for lead_id in wanted:
            _, _, notification_id = leads.decide_in(
                session, lead_id=lead_id, decision=Decision.VERIFY, reason=reason, actor=actor
            )
            if notification_id is not None:
                prepared.append(notification_id)
    return Verified(wanted, prepared)


def approve(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    notification_ids: list[int],
    actor: str,
    sms: bool = False,
    scope: Scope = EVERY_PARTY,
) -> list[int]:
    """A second person approves the stage's prepared messages, all of them or none."""
    if not notification_ids:
        raise InvalidInput("tick the messages to approve")
    wanted = sorted(set(notification_ids))
    with db.transaction() as session:
        day = {
            row.notification_id: row
            for row in _rows(session, agreement_id, number, scope)
            if row.notification_id is not None
        }
        outside = [i for i in wanted if i not in day]
        if outside:
            raise Conflict(
                f"message(s) {', '.join(map(str, outside))} are not of stage {number}'s "
                "handovers: reload the exchange day page"
            )
        in_person = [i for i in wanted if day[i].in_person]
        if in_person:
            raise Conflict(
                f"message(s) {', '.join(map(str, in_person))} ask the family to let an officer "
                "speak with them: approve each on its own on the notifications page"
            )
        refused: list[str] = []
        for notification_id in wanted:
            try:  # refusals come before any write: the session stays usable, then rolls back
                notifications.approve_in(
                    session, notification_id=notification_id, actor=actor, sms=sms
                )
            except (Conflict, Forbidden) as error:
                refused.append(f"{notification_id}: {error}")
        if refused:
            raise Conflict("nothing is approved; " + "; ".join(refused))
    return wanted


def phoned_home(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    notification_id: int,
    actor: str,
    note: str = "",
    scope: Scope = EVERY_PARTY,
) -> None:
    """The returnee phoned home himself: close the message without sending one."""
    day = rows(db, agreement_id=agreement_id, number=number, scope=scope)
    if not any(row.notification_id == notification_id for row in day):
        raise Conflict(
            f"message {notification_id} is not of stage {number}'s handovers: reload the page"
        )
    reason = PHONED_HOME + (f": {note.strip()}" if note.strip() else "")
    notifications.cancel(db, notification_id=notification_id, reason=reason, actor=actor)
