"""Case management: a case's owner and office, hand-overs between offices, follow-up dates,
the log of contacts with the family, and the two queues of a tracing officer's day.

- A case file (one per inquiry) names its owner (a user who may write inquiries) and office.
  Handing a case to another office is a row of its own, with the reason.
- A follow-up date puts the case in the queue of follow-ups due on that day.
- The contact log keeps calls, visits and letters with the family: rows, never changed.
- An open case whose family has heard nothing from us (no contact logged, no message sent)
  for `case_contact_interval_days` (30 by default) joins the "no news yet" queue: someone
  calls, even if only to say there is no news yet, and logs that call.

Every write is one transaction with its audit entry (never a summary's text); reading a case
file, whose contact log may say what the family told, is audited too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.roles import Capability, Role, allows
from homecoming.errors import InvalidInput, RowProblem
from homecoming.services import audit, inquiries
from homecoming.services.persons import record_fields
from homecoming.store.case_models import CaseContact, CaseFile, CaseTransfer
from homecoming.store.db import Database
from homecoming.store.models import Record, User
from homecoming.store.tracing_models import Inquiry, Notification, OutboxMessage

OFFICE = re.compile(r"^[\w][\w .,'()/-]{0,99}$", re.UNICODE)
SUMMARY_LIMIT = 2000


class ContactKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    LETTER = "letter"


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    kind: str
    happened_at: dt.datetime
    summary: str
    no_news: bool
    recorded_by: str


@dataclass(frozen=True, slots=True)
class TransferView:
    from_office: str
    to_office: str
    from_owner: str
    to_owner: str
    reason: str
    transferred_at: dt.datetime
    transferred_by: str


@dataclass(frozen=True, slots=True)
class CaseView:
    inquiry_id: int
    reference: str
    name: str
    status: str
    open: bool
    office: str
    owner: str
    follow_up_on: dt.date | None
    follow_up_note: str
    last_contact_at: dt.datetime
    contacts: list[ContactView]
    transfers: list[TransferView]


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A case in a queue: whom it is about, who owns it, and why it is due."""

    inquiry_id: int
    reference: str
    name: str
    office: str
    owner: str
    follow_up_on: dt.date | None
    follow_up_note: str
    last_contact_at: dt.datetime
    days_without_contact: int


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _file(session: Session, inquiry: Inquiry, actor: str) -> CaseFile:
    row = session.get(CaseFile, inquiry.id)
    if row is None:
        row = CaseFile(inquiry_id=inquiry.id, updated_by=actor)
        session.add(row)
        session.flush()
    return row


def _check_office(office: str, problems: list[RowProblem], field: str = "office") -> str:
    office = " ".join(office.split())
    if not OFFICE.match(office):
        problems.append(
            RowProblem(0, field, "an office's name: 1 to 100 letters, digits, spaces, .,'()/-")
        )
    return office


def _check_owner(session: Session, owner: str, problems: list[RowProblem], field: str) -> str:
    owner = owner.strip()
    user = session.scalars(select(User).where(User.username == owner)).first()
    if user is None or not user.active:
        problems.append(RowProblem(0, field, f"no active user {owner!r}"))
    elif not allows(Role(user.role), Capability.INQUIRIES_WRITE):
        problems.append(
            RowProblem(0, field, f"{owner} is a {user.role}: a case owner must handle inquiries")
        )
    return owner


def assign(db: Database, *, inquiry: int | str, owner: str, office: str, actor: str) -> CaseView:
    """Name the case's owner and office (a change of office is a hand-over: `hand_over`)."""
    problems: list[RowProblem] = []
    office = _check_office(office, problems)
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        owner = _check_owner(session, owner, problems, "owner")
        case = _file(session, row, actor)
        if case.office and office != case.office:
            problems.append(
                RowProblem(0, "office", f"the case is with {case.office}: hand it over instead")
            )
        if problems:
            raise InvalidInput("the case's owner cannot be set", problems)
        previous = case.owner
        case.owner, case.office = owner, office
        case.updated_by, case.updated_at = actor, dt.datetime.now(dt.UTC)
        audit.append(
            session,
            actor=actor,
            action="case.assigned",
            subject=f"inquiry:{row.id}",
            details={"owner": owner, "previous_owner": previous, "office": office},
        )
        inquiry_id = row.id
    return show(db, inquiry=inquiry_id, actor=actor, audited=False)


def hand_over(
    db: Database,
    *,
    inquiry: int | str,
    to_office: str,
    to_owner: str,
    reason: str,
    actor: str,
) -> CaseView:
    """Hand the case to another office (and an owner there), saying why."""
    problems: list[RowProblem] = []
    to_office = _check_office(to_office, problems, "to_office")
    if not reason.strip():
        problems.append(RowProblem(0, "reason", "say why the case changes office"))
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        to_owner = _check_owner(session, to_owner, problems, "to_owner")
        case = _file(session, row, actor)
        if to_office == case.office:
            problems.append(RowProblem(0, "to_office", f"the case is already with {to_office}"))
        if problems:
            raise InvalidInput("the case cannot be handed over", problems)
        session.add(
            CaseTransfer(
                inquiry_id=row.id,
                from_office=case.office,
                to_office=to_office,
                from_owner=case.owner,
                to_owner=to_owner,
                reason=reason.strip()[:SUMMARY_LIMIT],
                transferred_by=actor,
            )
        )
        audit.append(
            session,
            actor=actor,
            action="case.handed_over",
            subject=f"inquiry:{row.id}",
            details={
                "from_office": case.office,
                "to_office": to_office,
                "from_owner": case.owner,
                "to_owner": to_owner,
            },
        )
        case.office, case.owner = to_office, to_owner
        case.updated_by, case.updated_at = actor, dt.datetime.now(dt.UTC)
        inquiry_id = row.id
    return show(db, inquiry=inquiry_id, actor=actor, audited=False)


def set_follow_up(
    db: Database, *, inquiry: int | str, on: dt.date | None, note: str, actor: str
) -> CaseView:
    """When the case is next to be looked at (None: no follow-up), and what for."""
    if len(note) > SUMMARY_LIMIT:
        raise InvalidInput(
            "the follow-up cannot be kept",
            [RowProblem(0, "note", f"at most {SUMMARY_LIMIT} characters")],
        )
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        case = _file(session, row, actor)
        case.follow_up_on = on
        case.follow_up_note = note.strip() if on else ""
        case.updated_by, case.updated_at = actor, dt.datetime.now(dt.UTC)
        audit.append(
            session,
            actor=actor,
            action="case.follow_up_set",
            subject=f"inquiry:{row.id}",
            details={"on": on.isoformat() if on else None},
        )
        inquiry_id = row.id
    return show(db, inquiry=inquiry_id, actor=actor, audited=False)


def log_contact(
    db: Database,
    *,
    inquiry: int | str,
    kind: ContactKind,
    happened_at: dt.datetime,
    summary: str,
    no_news: bool,
    actor: str,
) -> CaseView:
    """Keep one contact with the family (a call, a visit, a letter); never changed after."""
    problems: list[RowProblem] = []
    happened_at = _aware(happened_at)
    if happened_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
        problems.append(RowProblem(0, "happened_at", "a contact that already happened"))
    if len(summary) > SUMMARY_LIMIT:
        problems.append(RowProblem(0, "summary", f"at most {SUMMARY_LIMIT} characters"))
    if not summary.strip() and not no_news:
        problems.append(RowProblem(0, "summary", "say what was said (or tick 'no news yet')"))
    if problems:
        raise InvalidInput("the contact cannot be kept", problems)
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        contact = CaseContact(
            inquiry_id=row.id,
            kind=kind.value,
            happened_at=happened_at,
            summary=summary.strip(),
            no_news=no_news,
            recorded_by=actor,
        )
        session.add(contact)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="case.contact_logged",
            subject=f"inquiry:{row.id}",
            details={"contact": contact.id, "kind": kind.value, "no_news": no_news},
        )
        inquiry_id = row.id
    return show(db, inquiry=inquiry_id, actor=actor, audited=False)


def show(db: Database, *, inquiry: int | str, actor: str, audited: bool = True) -> CaseView:
    """The case file with its contact log and hand-overs (the read is audited)."""
    if audited:
        with db.transaction() as session:
            row = inquiries.find(session, inquiry)
            audit.append(
                session, actor=actor, action="case.read", subject=f"inquiry:{row.id}", details={}
            )
    with db.reading() as session:
        row = inquiries.find(session, inquiry)
        case = session.get(CaseFile, row.id)
        contacts = session.scalars(
            select(CaseContact)
            .where(CaseContact.inquiry_id == row.id)
            .order_by(CaseContact.happened_at.desc(), CaseContact.id.desc())
        ).all()
        transfers = session.scalars(
            select(CaseTransfer)
            .where(CaseTransfer.inquiry_id == row.id)
            .order_by(CaseTransfer.id.desc())
        ).all()
        return CaseView(
            inquiry_id=row.id,
            reference=row.reference,
            name=_name(session, row.record_id),
            status=row.status,
            open=row.open,
            office=case.office if case else "",
            owner=case.owner if case else "",
            follow_up_on=case.follow_up_on if case else None,
            follow_up_note=case.follow_up_note if case else "",
            last_contact_at=_last_contacts(session, [row.id])[row.id],
            contacts=[
                ContactView(
                    c.id, c.kind, _aware(c.happened_at), c.summary, c.no_news, c.recorded_by
                )
                for c in contacts
            ],
            transfers=[
                TransferView(
                    t.from_office,
                    t.to_office,
                    t.from_owner,
                    t.to_owner,
                    t.reason,
                    _aware(t.transferred_at),
                    t.transferred_by,
                )
                for t in transfers
            ],
        )


def _name(session: Session, record_id: int) -> str:
    record = session.get(Record, record_id)
    return record_fields(record).display_name() if record else ""


def _last_contacts(session: Session, inquiry_ids: list[int]) -> dict[int, dt.datetime]:
    """When each family last heard from us: a logged contact, a message sent, or registration."""
    last: dict[int, dt.datetime] = {}
    for start in range(0, len(inquiry_ids), 500):
        chunk = inquiry_ids[start : start + 500]
        for inquiry_id, created in session.execute(
            select(Inquiry.id, Inquiry.created_at).where(Inquiry.id.in_(chunk))
        ):
            last[inquiry_id] = _aware(created)
        for inquiry_id, moment in session.execute(
            select(CaseContact.inquiry_id, func.max(CaseContact.happened_at))
            .where(CaseContact.inquiry_id.in_(chunk))
            .group_by(CaseContact.inquiry_id)
        ):
            if moment is not None:
                last[inquiry_id] = max(last[inquiry_id], _aware(moment))
        for inquiry_id, sent in session.execute(
            select(Notification.inquiry_id, func.max(OutboxMessage.sent_at))
            .join(OutboxMessage, OutboxMessage.notification_id == Notification.id)
            .where(Notification.inquiry_id.in_(chunk), OutboxMessage.sent_at.is_not(None))
            .group_by(Notification.inquiry_id)
        ):
            if sent is not None:
                last[inquiry_id] = max(last[inquiry_id], _aware(sent))
    return last


# --- the queues ---------------------------------------------------------------------------------


def follow_ups_due(
    db: Database,
    *,
    today: dt.date | None = None,
    office: str = "",
    owner: str = "",
    limit: int = 200,
) -> list[QueueRow]:
    """Open cases whose follow-up date has come, the longest overdue first."""
    today = today or dt.datetime.now(dt.UTC).date()
    query = (
        select(Inquiry, CaseFile)
        .join(CaseFile, CaseFile.inquiry_id == Inquiry.id)
        .where(CaseFile.follow_up_on.is_not(None), CaseFile.follow_up_on <= today)
        .where(Inquiry.open.is_(True))
        .order_by(CaseFile.follow_up_on, Inquiry.id)
    )
    if office:
        query = query.where(CaseFile.office == office)
    if owner:
        query = query.where(CaseFile.owner == owner)
    with db.reading() as session:
        found = session.execute(query.limit(limit)).all()
        return _queue(session, [(i, c) for i, c in found])


def no_news_due(
    db: Database,
    *,
    interval_days: int,
    now: dt.datetime | None = None,
    office: str = "",
    owner: str = "",
    limit: int = 200,
) -> list[QueueRow]:
    """Open cases whose family has heard nothing from us for `interval_days`, oldest first."""
    now = _aware(now or dt.datetime.now(dt.UTC))
    cutoff = now - dt.timedelta(days=interval_days)
    query = (
        select(Inquiry, CaseFile)
        .outerjoin(CaseFile, CaseFile.inquiry_id == Inquiry.id)
        .where(Inquiry.open.is_(True), Inquiry.created_at <= cutoff)
        .order_by(Inquiry.id)
    )
    if office:
        query = query.where(CaseFile.office == office)
    if owner:
        query = query.where(CaseFile.owner == owner)
    with db.reading() as session:
        found: list[tuple[Inquiry, CaseFile | None]] = [
            (i, c) for i, c in session.execute(query).all()
        ]
        rows = _queue(session, found, now=now)
    due = [row for row in rows if row.last_contact_at <= cutoff]
    due.sort(key=lambda row: (row.last_contact_at, row.inquiry_id))
    return due[:limit]


def _queue(
    session: Session,
    found: list[tuple[Inquiry, CaseFile | None]],
    now: dt.datetime | None = None,
) -> list[QueueRow]:
    now = now or dt.datetime.now(dt.UTC)
    last = _last_contacts(session, [inquiry.id for inquiry, _ in found])
    return [
        QueueRow(
            inquiry_id=inquiry.id,
            reference=inquiry.reference,
            name=_name(session, inquiry.record_id),
            office=case.office if case else "",
            owner=case.owner if case else "",
            follow_up_on=case.follow_up_on if case else None,
            follow_up_note=case.follow_up_note if case else "",
            last_contact_at=last[inquiry.id],
            days_without_contact=(now - last[inquiry.id]).days,
        )
        for inquiry, case in found
    ]


def erase_in(session: Session, inquiry_id: int) -> None:
    """An erased case keeps no contact log text and no follow-up note (caller's transaction)."""
    for contact in session.scalars(select(CaseContact).where(CaseContact.inquiry_id == inquiry_id)):
        contact.summary = ""
    for transfer in session.scalars(
        select(CaseTransfer).where(CaseTransfer.inquiry_id == inquiry_id)
    ):
        transfer.reason = ""
    case = session.get(CaseFile, inquiry_id)
    if case is not None:
        case.follow_up_on, case.follow_up_note = None, ""
