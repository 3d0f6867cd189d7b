"""/cases: case management, the owner and office of a case, hand-overs, follow-ups, the
contact log, and the queues of follow-ups due and of families with no news for too long."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from homecoming.api.routers.inquiries import InquiryId
from homecoming.api.schemas import GUARDED, problem
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import cases
from homecoming.services.cases import ContactKind
from homecoming.services.users import Principal

router = Router(prefix="/cases", tags=["cases"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.INQUIRIES_READ)]
Writer = Annotated[Principal, requires(Capability.INQUIRIES_WRITE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such inquiry")}
Office = Annotated[str, Query(max_length=100, description="Only this office's cases")]
Owner = Annotated[str, Query(max_length=100, description="Only this owner's cases")]


class ContactOut(BaseModel):
    id: int
    kind: str
    happened_at: dt.datetime
    summary: str
    no_news: bool
    recorded_by: str


class TransferOut(BaseModel):
    from_office: str
    to_office: str
    from_owner: str
    to_owner: str
    reason: str
    transferred_at: dt.datetime
    transferred_by: str


class CaseOut(BaseModel):
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
    contacts: list[ContactOut]
    transfers: list[TransferOut]


class QueueOut(BaseModel):
    inquiry_id: int
    reference: str
    name: str
    office: str
    owner: str
    follow_up_on: dt.date | None
    follow_up_note: str
    last_contact_at: dt.datetime
    days_without_contact: int


class AssignIn(BaseModel):
    owner: str = Field(min_length=1, max_length=64, examples=["olena"])
    office: str = Field(min_length=1, max_length=100, examples=["Kyiv"])


class HandOverIn(BaseModel):
    to_office: str = Field(min_length=1, max_length=100, examples=["Lviv"])
    to_owner: str = Field(min_length=1, max_length=64, examples=["petro"])
    reason: str = Field(min_length=1, max_length=2000, examples=["the family moved to Lviv"])


class FollowUpIn(BaseModel):
    on: dt.date | None = Field(default=None, examples=["2026-12-20"])
    note: str = Field(default="", max_length=2000, examples=["ask for a photo"])


class ContactIn(BaseModel):
    kind: ContactKind
    happened_at: dt.datetime
    summary: str = Field(default="", max_length=2000)
    no_news: bool = False


def _case(view: cases.CaseView) -> CaseOut:
    return CaseOut(
        inquiry_id=view.inquiry_id,
        reference=view.reference,
        name=view.name,
        status=view.status,
        open=view.open,
        office=view.office,
        owner=view.owner,
        follow_up_on=view.follow_up_on,
        follow_up_note=view.follow_up_note,
        last_contact_at=view.last_contact_at,
        contacts=[ContactOut(**vars_of(c)) for c in view.contacts],
        transfers=[TransferOut(**vars_of(t)) for t in view.transfers],
    )


def vars_of(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}


def _queue(rows: list[cases.QueueRow]) -> list[QueueOut]:
    return [QueueOut(**vars_of(row)) for row in rows]


@router.get("/follow-ups")
def follow_ups(
    db: DatabaseDep, user: Reader, office: Office = "", owner: Owner = ""
) -> list[QueueOut]:
    """Open cases whose follow-up date has come, the longest overdue first."""
    return _queue(cases.follow_ups_due(db, office=office, owner=owner))


@router.get("/no-news")
def no_news(
    db: DatabaseDep, settings: SettingsDep, user: Reader, office: Office = "", owner: Owner = ""
) -> list[QueueOut]:
    """Open cases whose family heard nothing for HOMECOMING_CASE_CONTACT_INTERVAL_DAYS."""
    found = cases.no_news_due(
        db, interval_days=settings.case_contact_interval_days, office=office, owner=owner
    )
    return _queue(found)


@router.get("/{inquiry_id}", responses=NOT_FOUND)
def show(db: DatabaseDep, user: Reader, inquiry_id: InquiryId) -> CaseOut:
    """The case file: owner, office, follow-up, the contact log, hand-overs (read audited)."""
    return _case(cases.show(db, inquiry=inquiry_id, actor=user.username))


@router.post("/{inquiry_id}/owner", responses=NOT_FOUND)
def assign(db: DatabaseDep, user: Writer, inquiry_id: InquiryId, body: AssignIn) -> CaseOut:
    """Name the case's owner and office."""
    view = cases.assign(
        db, inquiry=inquiry_id, owner=body.owner, office=body.office, actor=user.username
    )
    return _case(view)


@router.post("/{inquiry_id}/handover", responses=NOT_FOUND)
def hand_over(db: DatabaseDep, user: Writer, inquiry_id: InquiryId, body: HandOverIn) -> CaseOut:
    """Hand the case to another office and an owner there, with the reason."""
    view = cases.hand_over(
        db,
        inquiry=inquiry_id,
        to_office=body.to_office,
        to_owner=body.to_owner,
        reason=body.reason,
        actor=user.username,
    )
    return _case(view)


@router.post("/{inquiry_id}/follow-up", responses=NOT_FOUND)
def follow_up(db: DatabaseDep, user: Writer, inquiry_id: InquiryId, body: FollowUpIn) -> CaseOut:
    """Set (or, with no date, clear) the case's follow-up date."""
    view = cases.set_follow_up(
        db, inquiry=inquiry_id, on=body.on, note=body.note, actor=user.username
    )
    return _case(view)


@router.post("/{inquiry_id}/contacts", status_code=201, responses=NOT_FOUND)
def log_contact(db: DatabaseDep, user: Writer, inquiry_id: InquiryId, body: ContactIn) -> CaseOut:
    """Keep a call, visit or letter with the family (`no_news`: to say there is none yet)."""
    view = cases.log_contact(
        db,
        inquiry=inquiry_id,
        kind=body.kind,
        happened_at=body.happened_at,
        summary=body.summary,
        no_news=body.no_news,
        actor=user.username,
    )
    return _case(view)
