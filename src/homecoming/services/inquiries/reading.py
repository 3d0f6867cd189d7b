"""Finding, showing and listing inquiries, what they may share, and changing a case."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from homecoming.domain.record import RecordFields
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.services import audit
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.store.tracing_models import Inquiry, InquiryKey, InquiryPhoto, Lead
from homecoming.tracing.evidence import CLOSED
from homecoming.tracing.inquiry import (
    FamilyStatus,
    Recipient,
    Sharing,
    SharingScope,
    effective_scope,
    may_share,
    parse_reference,
)
from homecoming.tracing.matching import Described, inquiry_keys


@dataclass(frozen=True, slots=True)
class InquiryView:
    """An inquiry as tracing officers see it (never the inquirer's contact details)."""

    id: int
    reference: str
    record_id: int
    person_id: int | None
    party: str | None
    name: str
    date_of_birth: str
    unit: str
    last_seen: str
    last_seen_place: str
    call_sign: str
    circumstances: str
    distinguishing_marks: str
    consent: bool
    sharing_scope: str
    effective_scope: str
    harm_risk: bool
    language: str
    status: str
    open: bool
    created_at: dt.datetime
    created_by: str
    leads: dict[str, int] = field(default_factory=dict)
    photos: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def described(fields: RecordFields, *, call_sign: str = "", nickname: str = "") -> Described:
    """What the matcher compares, from a record's fields."""
    return Described(
        family_name=fields.family_name,
        given_names=fields.given_names,
        patronymic=fields.patronymic,
        full_name=fields.full_name,
        date_of_birth=fields.date_of_birth,
        sex=fields.sex.value if fields.sex else None,
        unit=fields.unit,
        service_number=fields.service_number,
        call_sign=call_sign,
        nickname=nickname,
        fate=fields.fate,
    )


def find(session: Session, inquiry: int | str) -> Inquiry:
    """An inquiry by id or case reference (HC-2026-000123), or NotFound."""
    number = parse_reference(inquiry) if isinstance(inquiry, str) else inquiry
    row = session.get(Inquiry, number) if number is not None else None
    if row is None:
        raise NotFound(
            f"no inquiry {inquiry!r}; `homecoming inquiries list` shows the registered ones"
        )
    return row


def show(db: Database, inquiry: int | str) -> InquiryView:
    """One inquiry with its lead counts and photos."""
    with db.reading() as session:
        row = find(session, inquiry)
        return _views(session, [row])[0]


def list_inquiries(
    db: Database,
    *,
    status: FamilyStatus | None = None,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[InquiryView]]:
    """Inquiries, newest first, a page at a time, with the total that match."""
    query = select(Inquiry)
    if status is not None:
        query = query.where(Inquiry.status == status.value)
    if open_only:
        query = query.where(Inquiry.open.is_(True))
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Inquiry.id.desc()).limit(limit).offset(offset)).all()
        return total, _views(session, list(rows))


def _views(session: Session, rows: list[Inquiry]) -> list[InquiryView]:
    ids = [r.id for r in rows]
    records = {
        r.id: r
        for r in session.scalars(select(Record).where(Record.id.in_([i.record_id for i in rows])))
    }
    counts: dict[int, dict[str, int]] = {}
    for inquiry_id, state, n in session.execute(
        select(Lead.inquiry_id, Lead.state, func.count())
        .where(Lead.inquiry_id.in_(ids))
        .group_by(Lead.inquiry_id, Lead.state)
    ):
        counts.setdefault(inquiry_id, {})[state] = n
    photos: dict[int, list[int]] = {}
    for photo_id, inquiry_id in session.execute(
        select(InquiryPhoto.id, InquiryPhoto.inquiry_id)
        .where(InquiryPhoto.inquiry_id.in_(ids), InquiryPhoto.path != "")
        .order_by(InquiryPhoto.id)
    ):
        photos.setdefault(inquiry_id, []).append(photo_id)
    return [
        _view(r, records[r.record_id], counts.get(r.id, {}), photos.get(r.id, [])) for r in rows
    ]


def _view(row: Inquiry, record: Record, leads: dict[str, int], photos: list[int]) -> InquiryView:
    fields = record_fields(record)
    return InquiryView(
        id=row.id,
        reference=row.reference,
        record_id=row.record_id,
        person_id=record.person_id,
        party=row.party_code,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        unit=fields.unit,
        last_seen=fields.event_date.iso(),
        last_seen_place=fields.event_place,
        call_sign=row.call_sign,
        circumstances=row.circumstances,
        distinguishing_marks=fields.distinguishing_marks,
        consent=row.consent,
        sharing_scope=row.sharing_scope,
        effective_scope=effective_scope(sharing_of(row)).value,
        harm_risk=row.harm_risk,
        language=row.language,
        status=row.status,
        open=row.open,
        created_at=row.created_at,
        created_by=row.created_by,
        leads=leads,
        photos=photos,
    )


def sharing_of(row: Inquiry) -> Sharing:
    return Sharing(
        consent=row.consent, scope=SharingScope(row.sharing_scope), harm_risk=row.harm_risk
    )


def shareable(
    db: Database, *, recipient: Recipient, inquiry_ids: Sequence[int] | None = None
) -> list[tuple[Inquiry, Record]]:
    """The inquiries (with their records) that may go to this recipient, and only those."""
    query = (
        select(Inquiry, Record)
        .join(Record, Record.id == Inquiry.record_id)
        .where(Record.redacted_at.is_(None))
    )
    if inquiry_ids is not None:
        query = query.where(Inquiry.id.in_(list(inquiry_ids)))
    with db.reading() as session:
        pairs = [(i, r) for i, r in session.execute(query.order_by(Inquiry.id))]
    return [(i, r) for i, r in pairs if may_share(sharing_of(i), recipient)]


def withdraw(db: Database, *, inquiry: int | str, reason: str, actor: str) -> InquiryView:
    """The family closes the inquiry: no more re-matching, leads stay as they were."""
    if not reason.strip():
        raise InvalidInput("say why the inquiry is withdrawn (the family's words, briefly)")
    with db.transaction() as session:
        row = find(session, inquiry)
        if row.status == FamilyStatus.WITHDRAWN.value:
            raise Conflict(f"inquiry {row.reference} is already withdrawn")
        previous = row.status
        row.status = FamilyStatus.WITHDRAWN.value
        set_open(session, row, open_=False)
        audit.append(
            session,
            actor=actor,
            action="inquiry.withdrawn",
            subject=f"inquiry:{row.id}",
            details={"reference": row.reference, "previous_status": previous, "reason": reason},
        )
        inquiry_id = row.id
    return show(db, inquiry_id)


def set_open(session: Session, row: Inquiry, *, open_: bool) -> None:
    """Open inquiries keep their candidate keys; closed ones drop them (no more re-matching)."""
    if row.open == open_:
        return
    row.open = open_
    session.execute(delete(InquiryKey).where(InquiryKey.inquiry_id == row.id))
    if open_:
        record = session.get(Record, row.record_id)
        assert record is not None
        sought = described(record_fields(record), call_sign=row.call_sign)
        born = sought.date_of_birth.year
        keys = [{"inquiry_id": row.id, "key": k, "born": born} for k in inquiry_keys(sought)]
        if keys:
            session.execute(insert(InquiryKey), keys)


def status_is_closed(status: str) -> bool:
    return FamilyStatus(status) in CLOSED
