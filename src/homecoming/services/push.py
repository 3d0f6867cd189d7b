"""Families' channels besides e-mail: Web Push subscriptions and the nudges sent through them.

A family subscribes a browser from the family page; the subscription (endpoint and keys) is
kept per inquiry, and the family can remove it there. When a second person approves a
message, a nudge is queued for every live subscription (and, where asked, an SMS to the
family's phone). A nudge says only that there is news and to open the family page
(`tracing/nudge.py`): the message itself is read on the page. A death is never announced by
it: the text is the same for every message, and the page shows a death only as the e-mail does
(services/family.py).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homecoming.errors import InvalidInput, NotFound, RowProblem
from homecoming.notify import Channel, DeliveryError, OutgoingMessage, RecipientGone
from homecoming.services import audit, contacts, disclosures, handovers
from homecoming.store.db import Database
from homecoming.store.family_models import Nudge, PushSubscription
from homecoming.store.models import Contact
from homecoming.store.tracing_models import Inquiry, Notification
from homecoming.tracing.nudge import FAMILY_PAGE_PATH, nudge

log = logging.getLogger(__name__)

WEBPUSH = "webpush"
SMS = "sms"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_SUBSCRIPTIONS = 10  # per case: a family's phones and computers, not a broadcast list


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """What the family page shows of a subscription: never the endpoint itself."""

    id: int
    service: str  # the push service's host, e.g. fcm.googleapis.com
    created_at: dt.datetime


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64url(text: str, field: str, length: int, problems: list[RowProblem]) -> str:
    """The key as the browser gave it (base64url, padding dropped), when it decodes to `length`."""
    text = text.strip().rstrip("=")
    raw = b""
    if text and len(text) <= 200 and all(c in _B64URL for c in text):
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, binascii.Error):
            raw = b""
    if len(raw) != length:
        problems.append(RowProblem(0, field, f"a base64url value of {length} bytes"))
    return text


def _check_endpoint(endpoint: str, problems: list[RowProblem]) -> str:
    endpoint = endpoint.strip()
    parts = urlsplit(endpoint) if len(endpoint) <= 2000 else None
    secure = parts is not None and parts.scheme == "https" and bool(parts.hostname)
    local = parts is not None and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (secure or local):
        problems.append(
            RowProblem(0, "endpoint", "an https:// address of a push service, at most 2000 long")
        )
    return endpoint


def subscribe(
    db: Database, *, inquiry_id: int, endpoint: str, p256dh: str, auth: str, client: str
) -> SubscriptionView:
    """Keep a browser's subscription for the case (the same endpoint twice is kept once)."""
    problems: list[RowProblem] = []
    endpoint = _check_endpoint(endpoint, problems)
    p256dh = _b64url(p256dh, "keys.p256dh", 65, problems)
    auth = _b64url(auth, "keys.auth", 16, problems)
    if problems:
        raise InvalidInput("the push subscription cannot be kept", problems)
    with db.transaction() as session:
        if session.get(Inquiry, inquiry_id) is None:
            raise NotFound(f"no inquiry {inquiry_id}")
        live = _live(session, inquiry_id)
        same = next((row for row in live if row.endpoint == endpoint), None)
        if same is not None:
            same.p256dh, same.auth = p256dh, auth
            return _view(same)
        if len(live) >= MAX_SUBSCRIPTIONS:
            raise InvalidInput(
                f"this case already has {MAX_SUBSCRIPTIONS} devices for notices: remove one first"
            )
        row = PushSubscription(inquiry_id=inquiry_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor="family",
            action="family.push_subscribed",
            subject=f"inquiry:{inquiry_id}",
            details={"subscription": row.id, "service": _service(endpoint), "client": client},
        )
        return _view(row)


def subscriptions(db: Database, inquiry_id: int) -> list[SubscriptionView]:
    """The case's live subscriptions, oldest first."""
    with db.reading() as session:
        return [_view(row) for row in _live(session, inquiry_id)]


def remove(db: Database, *, inquiry_id: int, subscription_id: int, actor: str, client: str) -> None:
    """Stop notices to one browser of the case (the family's choice, or the service's)."""
    with db.transaction() as session:
        row = session.get(PushSubscription, subscription_id)
        if row is None or row.inquiry_id != inquiry_id or row.removed_at is not None:
            raise NotFound(f"no device {subscription_id} receives notices for this case")
        _remove_in(session, row, actor=actor, client=client)


def _remove_in(session: Session, row: PushSubscription, *, actor: str, client: str) -> None:
    row.removed_at = dt.datetime.now(dt.UTC)
    row.removed_by = actor
    for nudge_row in session.scalars(
        select(Nudge).where(Nudge.subscription_id == row.id, Nudge.state.in_(("pending", "failed")))
    ):
        nudge_row.state = "cancelled"
    audit.append(
        session,
        actor=actor,
        action="family.push_removed",
        subject=f"inquiry:{row.inquiry_id}",
        details={"subscription": row.id, "client": client},
    )


def _live(session: Session, inquiry_id: int) -> list[PushSubscription]:
    return list(
        session.scalars(
            select(PushSubscription)
            .where(PushSubscription.inquiry_id == inquiry_id, PushSubscription.removed_at.is_(None))
            .order_by(PushSubscription.id)
        )
    )


def _service(endpoint: str) -> str:
    return urlsplit(endpoint).hostname or ""


def _view(row: PushSubscription) -> SubscriptionView:
    created = row.created_at or dt.datetime.now(dt.UTC)
    return SubscriptionView(
        row.id,
        _service(row.endpoint),
        created if created.tzinfo else created.replace(tzinfo=dt.UTC),
    )


# --- queueing at approval, delivering ---------------------------------------------------------


def queue_in(
    session: Session, *, notification: Notification, inquiry: Inquiry, sms: bool
) -> list[str]:
    """Queue the nudges of an approved message (in the caller's transaction); their channels."""
    channels: list[str] = []
    for row in _live(session, inquiry.id):
        session.add(Nudge(notification_id=notification.id, channel=WEBPUSH, subscription_id=row.id))
        channels.append(WEBPUSH)
    if sms:
        phone = session.scalars(
            select(Contact.id)
            .where(Contact.record_id == inquiry.record_id, Contact.phone != "")
            .order_by(Contact.id)
            .limit(1)
        ).first()
        if phone is not None:
            session.add(Nudge(notification_id=notification.id, channel=SMS, contact_id=phone))
            channels.append(SMS)
    session.flush()
    return channels


@dataclass(frozen=True, slots=True)
class NudgeReport:
    sent: list[int]  # notification ids
    failed: dict[int, str]


def deliver(db: Database, *, channel: Channel, actor: str, limit: int = 100) -> NudgeReport:
    """Send the waiting nudges of one channel (webpush or sms); failures stay to retry."""
    with db.reading() as session:
        waiting = session.execute(
            select(Nudge.id, Nudge.notification_id)
            .where(Nudge.state.in_(("pending", "failed")), Nudge.channel == channel.name)
            .order_by(Nudge.id)
            .limit(limit)
        ).all()
    report = NudgeReport([], {})
    for nudge_id, notification_id in waiting:
        error = _deliver_one(db, channel, nudge_id, actor)
        if error:
            report.failed[notification_id] = error
        else:
            report.sent.append(notification_id)
    return report


def _deliver_one(db: Database, channel: Channel, nudge_id: int, actor: str) -> str:
    with db.reading() as session:
        row = session.get(Nudge, nudge_id)
        assert row is not None
        notification = session.get(Notification, row.notification_id)
        assert notification is not None
        inquiry = session.get(Inquiry, notification.inquiry_id)
        assert inquiry is not None
        words = nudge(inquiry.language)
        reference, record_id = inquiry.reference, inquiry.record_id
        subscription = (
            session.get(PushSubscription, row.subscription_id) if row.subscription_id else None
        )
        contact_id = row.contact_id
        held = handovers.message_held_back(session, notification)
    if held:
        log.warning("nudge %s (%s) held back: %s", nudge_id, channel.name, held)
        return _land(db, channel, nudge_id, actor, held, gone=False)
    address = ""
    if channel.name == WEBPUSH and subscription is not None:
        address = json.dumps(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            }
        )
        body = json.dumps(
            {"title": words.title, "body": words.text, "url": FAMILY_PAGE_PATH},
            ensure_ascii=False,
        )
    else:
        found = contacts.read_contacts(
            db, record_id=record_id, actor=actor, purpose=f"text the family (nudge {nudge_id})"
        )
        address = next((c.phone for c in found if c.id == contact_id and c.phone), "")
        body = words.text
    error, gone = "", False
    try:
        if not address:
            raise DeliveryError("the family's phone number or subscription is gone")
        channel.send(
            OutgoingMessage(to=address, subject=words.title, body=body, reference=reference)
        )
    except DeliveryError as failure:
        error = str(failure).replace(address, "[recipient]") if address else str(failure)
        gone = isinstance(failure, RecipientGone)
        log.warning("nudge %s (%s) not delivered: %s", nudge_id, channel.name, error)
    return _land(db, channel, nudge_id, actor, error, gone=gone)


def _land(
    db: Database, channel: Channel, nudge_id: int, actor: str, error: str, *, gone: bool
) -> str:
    """Write what became of one nudge (sent, or failed with `error`), with its audit entry."""
    with db.transaction() as session:
        row = session.get(Nudge, nudge_id)
        assert row is not None
        notification = session.get(Notification, row.notification_id)
        assert notification is not None
        row.attempts += 1
        row.last_error = error
        row.state = "failed" if error else "sent"
        if gone and row.subscription_id is not None:
            kept = session.get(PushSubscription, row.subscription_id)
            if kept is not None and kept.removed_at is None:
                _remove_in(session, kept, actor="push service", client="")
            row.state = "cancelled"
        if not error:
            row.sent_at = dt.datetime.now(dt.UTC)
            if notification.state in ("approved", "failed"):
                notification.state = "sent"  # the family page shows it from now on
        audit.append(
            session,
            actor=actor,
            action=f"notification.nudge_{'failed' if error else 'sent'}",
            subject=f"notification:{notification.id}",
            details={
                "inquiry": notification.inquiry_id,
                "channel": channel.name,
                "nudge": nudge_id,
                "attempt": row.attempts,
            }
            | ({"error": error} if error else {}),
        )
        if not error:
            disclosures.record_in(
                session,
                actor=actor,
                kind="notification",
                what=f"a notice without personal data that message {notification.id} waits",
                recipient=f"the family of inquiry {notification.inquiry_id} ({channel.name})",
                legal_basis="the family's inquiry",
                encrypted=channel.name == WEBPUSH,
                items=1,
                details={"notification": notification.id, "nudge": nudge_id},
            )
    return error


def erase_in(session: Session, inquiry_id: int) -> None:
    """An erased case keeps no subscription and no nudge to its browsers (caller's transaction).

    Nudges to the family's phone go with the contact (services/erasure.tombstone).
    """
    subscription_ids = list(
        session.scalars(
            select(PushSubscription.id).where(PushSubscription.inquiry_id == inquiry_id)
        )
    )
    if subscription_ids:
        session.execute(delete(Nudge).where(Nudge.subscription_id.in_(subscription_ids)))
        session.execute(delete(PushSubscription).where(PushSubscription.id.in_(subscription_ids)))
