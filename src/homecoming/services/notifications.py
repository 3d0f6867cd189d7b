"""Messages to families: prepared from a template, approved by a second person, then delivered.

Approval puts the message in the outbox; `deliver` hands pending messages to a channel (SMTP).
The family's address is read only at delivery, through `contacts.read_contacts`, which audits
the read; neither the address nor the body goes into the audit log or the logs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecoming.notify import Channel, DeliveryError, OutgoingMessage
from homecoming.services import audit, contacts, disclosures, handovers, inquiries
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.family_models import Nudge
from homecoming.store.models import Contact, Record
from homecoming.store.tracing_models import Inquiry, Notification, OutboxMessage
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.templates import TEMPLATE_FOR_STATUS, TemplateName, render

log = logging.getLogger(__name__)


class NotificationState(StrEnum):
    PREPARED = "prepared"  # waiting for a second person
    APPROVED = "approved"  # in the outbox
    SENT = "sent"
    FAILED = "failed"  # the channel refused it; the outbox keeps trying
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    inquiry_id: int
    reference: str
    lead_id: int | None
    template: str
    language: str
    subject: str
    body: str
    state: str
    prepared_by: str
    prepared_at: str
    approved_by: str
    approved_at: str
    outbox_state: str
    attempts: int
    last_error: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def prepare(
    db: Database,
    *,
    inquiry: int | str,
    actor: str,
    template: TemplateName | None = None,
    language: str | None = None,
    lead_id: int | None = None,
) -> NotificationView:
    """Prepare a message from a template (by default the one for the case's status)."""
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        notification_id = prepare_in(
            session, inquiry=row, lead_id=lead_id, actor=actor, template=template, language=language
        )
    return show(db, notification_id)


def prepare_in(
    session: Session,
    *,
    inquiry: Inquiry,
    lead_id: int | None,
    actor: str,
    template: TemplateName | None = None,
    language: str | None = None,
) -> int:
    """Prepare in the caller's transaction (a lead's verification does); returns its id."""
    if template is None:
        status = FamilyStatus(inquiry.status)
        if status not in TEMPLATE_FOR_STATUS:
            raise InvalidInput(f"no message goes with status {status.value!r}: name a --template")
        template = TEMPLATE_FOR_STATUS[status]
    record = session.get(Record, inquiry.record_id)
    assert record is not None
    language = language or inquiry.language
    message = render(
        template,
        language,
        reference=inquiry.reference,
        name=record_fields(record).display_name(),
    )
    row = Notification(
        inquiry_id=inquiry.id,
        lead_id=lead_id,
        template=template.value,
        language=language,
        subject=message.subject,
        body=message.body,
        state=NotificationState.PREPARED.value,
        prepared_by=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="notification.prepared",
        subject=f"notification:{row.id}",
        details={
            "inquiry": inquiry.id,
            "template": template.value,
            "language": language,
            "lead": lead_id,
        },
    )
    return row.id


def approve(
    db: Database, *, notification_id: int, actor: str, sms: bool = False
) -> NotificationView:
    """The second person approves: the message goes to the outbox. The preparer cannot.

    Besides the e-mail, a nudge goes to each browser the family subscribed for notices and,
    with `sms`, a text to the family's phone (services/push.py).
    """
    with db.transaction() as session:
        approve_in(session, notification_id=notification_id, actor=actor, sms=sms)
    return show(db, notification_id)


def approve_in(session: Session, *, notification_id: int, actor: str, sms: bool = False) -> None:
    """Approve in the caller's transaction (the exchange day approves a batch in one)."""
    from homecoming.services import push

    row = _get(session, notification_id)
    if row.state != NotificationState.PREPARED.value:
        raise Conflict(f"notification {row.id} is {row.state}; only a prepared one is approved")
    if row.prepared_by == actor:
        raise Forbidden(f"{actor} prepared notification {row.id}: a second person must approve it")
    held = handovers.message_held_back(session, row)
    if held:
        raise Conflict(held)
    inquiry = session.get(Inquiry, row.inquiry_id)
    assert inquiry is not None
    contact_id = _email_contact(session, inquiry)
    channels = push.queue_in(session, notification=row, inquiry=inquiry, sms=sms)
    if contact_id is None and not channels:
        raise Conflict(
            f"inquiry {inquiry.reference} has no e-mail address to write to and no device or "
            "phone for notices: a family liaison officer tells the family by phone or in "
            "person, then cancels this notification with that as the reason"
        )
    row.state = NotificationState.APPROVED.value
    row.approved_by = actor
    row.approved_at = dt.datetime.now(dt.UTC)
    if contact_id is not None:
        session.add(OutboxMessage(notification_id=row.id, contact_id=contact_id, channel="email"))
        channels = ["email", *channels]
    audit.append(
        session,
        actor=actor,
        action="notification.approved",
        subject=f"notification:{row.id}",
        details={
            "inquiry": row.inquiry_id,
            "prepared_by": row.prepared_by,
            "channels": sorted(set(channels)),
        },
    )


def _email_contact(session: Session, inquiry: Inquiry) -> int | None:
    return session.scalars(
        select(Contact.id)
        .where(Contact.record_id == inquiry.record_id, Contact.email != "")
        .order_by(Contact.id)
        .limit(1)
    ).first()


def cancel(db: Database, *, notification_id: int, reason: str, actor: str) -> NotificationView:
    """Withdraw a message not yet sent (wrong lead, told in person instead...)."""
    if not reason.strip():
        raise InvalidInput("say why the notification is cancelled")
    with db.transaction() as session:
        row = _get(session, notification_id)
        if row.state in (NotificationState.SENT.value, NotificationState.CANCELLED.value):
            raise Conflict(f"notification {row.id} is {row.state}; it cannot be cancelled")
        row.state = NotificationState.CANCELLED.value
        row.cancelled_by = actor
        row.cancel_reason = reason
        outbox = _outbox_of(session, row.id)
        if outbox is not None:
            outbox.state = NotificationState.CANCELLED.value
        for nudge in session.scalars(
            select(Nudge).where(Nudge.notification_id == row.id, Nudge.state != "sent")
        ):
            nudge.state = "cancelled"  # no notice of a message that will not come
        audit.append(
            session,
            actor=actor,
            action="notification.cancelled",
            subject=f"notification:{row.id}",
            details={"inquiry": row.inquiry_id, "reason": reason},
        )
    return show(db, notification_id)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: list[int]
    failed: dict[int, str]


def deliver(db: Database, *, channel: Channel, actor: str, limit: int = 100) -> DeliveryReport:
    """Send what waits in the outbox through the channel; failures stay there to retry."""
    with db.reading() as session:
        waiting = session.execute(
            select(OutboxMessage.id, Notification.id, Inquiry.record_id)
            .join(Notification, Notification.id == OutboxMessage.notification_id)
            .join(Inquiry, Inquiry.id == Notification.inquiry_id)
            .where(
                OutboxMessage.state.in_(["pending", NotificationState.FAILED.value]),
                OutboxMessage.channel == channel.name,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    report = DeliveryReport([], {})
    for outbox_id, notification_id, record_id in waiting:
        error = _deliver_one(db, channel, outbox_id, notification_id, record_id, actor)
        if error:
            report.failed[notification_id] = error
        else:
            report.sent.append(notification_id)
    return report


def _deliver_one(
    db: Database, channel: Channel, outbox_id: int, notification_id: int, record_id: int, actor: str
) -> str:
    with db.reading() as session:
        outbox = session.get(OutboxMessage, outbox_id)
        row = _get(session, notification_id)
        assert outbox is not None
        inquiry = session.get(Inquiry, row.inquiry_id)
        assert inquiry is not None
        subject, body, reference, contact_id = (
            row.subject,
            row.body,
            inquiry.reference,
            outbox.contact_id,
        )
        error = handovers.message_held_back(session, row)
    if error:
        log.warning("notification %s held back: %s", notification_id, error)
    else:
        found = contacts.read_contacts(
            db, record_id=record_id, actor=actor, purpose=f"deliver notification {notification_id}"
        )
        address = next((c.email for c in found if c.id == contact_id and c.email), "")
        try:
            if not address:
                raise DeliveryError("the contact's e-mail address is gone")
            channel.send(
                OutgoingMessage(to=address, subject=subject, body=body, reference=reference)
            )
        except DeliveryError as failure:
            # A channel's reason must never carry the family's address: it is kept in the
            # outbox, shown to readers without contacts.read, logged and audited.
            error = str(failure).replace(address, "[recipient]") if address else str(failure)
            log.warning("notification %s not delivered: %s", notification_id, error)
    with db.transaction() as session:
        outbox = session.get(OutboxMessage, outbox_id)
        row = _get(session, notification_id)
        assert outbox is not None
        outbox.attempts += 1
        outbox.last_error = error
        state = NotificationState.FAILED if error else NotificationState.SENT
        outbox.state = state.value
        if not (error and row.state == NotificationState.SENT.value):  # a nudge already went
            row.state = state.value
        if not error:
            outbox.sent_at = dt.datetime.now(dt.UTC)
        audit.append(
            session,
            actor=actor,
            action=f"notification.{state.value}",
            subject=f"notification:{notification_id}",
            details={"inquiry": row.inquiry_id, "channel": channel.name, "attempt": outbox.attempts}
            | ({"error": error} if error else {}),
        )
        if not error:
            disclosures.record_in(
                session,
                actor=actor,
                kind="notification",
                what=f"message {notification_id} ({row.template}) about inquiry {row.inquiry_id}",
                recipient=f"the family of inquiry {row.inquiry_id} ({channel.name})",
                legal_basis="the family's inquiry",
                encrypted=False,
                items=1,
                details={"notification": notification_id, "inquiry": row.inquiry_id},
            )
    return error


def show(db: Database, notification_id: int) -> NotificationView:
    with db.reading() as session:
        return _view(session, _get(session, notification_id))


def list_notifications(
    db: Database,
    *,
    state: NotificationState | None = None,
    inquiry: int | str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[NotificationView]:
    """Notifications, newest first; by state (e.g. prepared: waiting for approval) or case."""
    query = select(Notification)
    with db.reading() as session:
        if state is not None:
            query = query.where(Notification.state == state.value)
        if inquiry is not None:
            query = query.where(Notification.inquiry_id == inquiries.find(session, inquiry).id)
        rows = session.scalars(
            query.order_by(Notification.id.desc()).limit(limit).offset(offset)
        ).all()
        return [_view(session, row) for row in rows]


def _get(session: Session, notification_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None:
        raise NotFound(
            f"no notification {notification_id}; `homecoming notifications list` shows them"
        )
    return row


def _outbox_of(session: Session, notification_id: int) -> OutboxMessage | None:
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.notification_id == notification_id)
    ).first()


_ADDRESS = re.compile(r"[^\s'\"<>(),;:\[\]]+@[^\s'\"<>(),;:\[\]]+")


def without_addresses(text: str) -> str:
    """The text with any e-mail address blanked (errors kept before issue 22 repeated them)."""
    return _ADDRESS.sub("[recipient]", text)


def _view(session: Session, row: Notification) -> NotificationView:
    inquiry = session.get(Inquiry, row.inquiry_id)
    assert inquiry is not None
    outbox = _outbox_of(session, row.id)
    return NotificationView(
        id=row.id,
        inquiry_id=row.inquiry_id,
        reference=inquiry.reference,
        lead_id=row.lead_id,
        template=row.template,
        language=row.language,
        subject=row.subject,
        body=row.body,
        state=row.state,
        prepared_by=row.prepared_by,
        prepared_at=row.prepared_at.isoformat(),
        approved_by=row.approved_by,
        approved_at=row.approved_at.isoformat() if row.approved_at else "",
        outbox_state=outbox.state if outbox else "",
        attempts=outbox.attempts if outbox else 0,
        last_error=without_addresses(outbox.last_error) if outbox else "",
    )
