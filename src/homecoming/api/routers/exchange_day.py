"""/stages/{agreement_id}/{number}/day: exchange day, the leads resting on a stage's handovers.

Verify them as a batch (each prepares its family's message), then a second person approves
the messages as a batch; "phoned home himself" closes a message without sending it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from homecoming.api.schemas import GUARDED, problem
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath, SettingsDep, StageNumber
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.notify.channels import sms_configured
from homecoming.services import exchange_day
from homecoming.services.users import Principal

router = Router(prefix="/stages", tags=["exchange day"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.INQUIRIES_READ)]
Verifier = Annotated[Principal, requires(Capability.LEADS_VERIFY)]
Approver = Annotated[Principal, requires(Capability.NOTIFICATIONS_APPROVE)]
REFUSED: dict[int | str, dict[str, Any]] = {
    404: problem("No such agreement or stage"),
    409: problem("Not of this stage's handovers, or refused (the batch lands whole or not)"),
}
MAX_BATCH = 1000


class DayRowOut(BaseModel):
    lead_id: int
    inquiry_id: int
    reference: str
    name: str
    person_id: int
    outcome: str
    handed_over_at: dt.datetime
    lead_state: str
    score: float
    notification_id: int | None
    notification_state: str
    template: str
    prepared_by: str
    in_person: bool


class VerifyIn(BaseModel):
    lead_ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=MAX_BATCH)


class VerifiedOut(BaseModel):
    leads: list[int]
    notifications: list[int]


class ApproveIn(BaseModel):
    notification_ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=MAX_BATCH)


class ApprovedOut(BaseModel):
    approved: list[int]


class PhonedHomeIn(BaseModel):
    notification_id: int = Field(ge=1, le=2_147_483_647)
    note: str = Field(default="", max_length=1000, examples=["called his mother from the bus"])


def _out(row: exchange_day.DayRow) -> DayRowOut:
    return DayRowOut(
        **{name: getattr(row, name) for name in DayRowOut.model_fields if name != "in_person"},
        in_person=row.in_person,
    )


@router.get("/{agreement_id}/{number}/day", responses={404: problem("No such stage")})
def day(
    db: DatabaseDep, user: Reader, agreement_id: IdPath, number: StageNumber
) -> list[DayRowOut]:
    """The leads resting on the stage's recorded handovers, with the messages they made."""
    found = exchange_day.rows(db, agreement_id=agreement_id, number=number, scope=user.scope)
    return [_out(row) for row in found]


@router.post("/{agreement_id}/{number}/day/verify", responses=REFUSED)
def verify(
    db: DatabaseDep, user: Verifier, agreement_id: IdPath, number: StageNumber, body: VerifyIn
) -> VerifiedOut:
    """Verify these pending leads; each prepares its family's message for a second person."""
    done = exchange_day.verify(
        db,
        agreement_id=agreement_id,
        number=number,
        lead_ids=body.lead_ids,
        actor=user.username,
        scope=user.scope,
    )
    return VerifiedOut(leads=done.leads, notifications=done.notifications)


@router.post("/{agreement_id}/{number}/day/approve", responses=REFUSED)
def approve(
    db: DatabaseDep,
    settings: SettingsDep,
    user: Approver,
    agreement_id: IdPath,
    number: StageNumber,
    body: ApproveIn,
) -> ApprovedOut:
    """A second person approves these messages: all of them, or none."""
    approved = exchange_day.approve(
        db,
        agreement_id=agreement_id,
        number=number,
        notification_ids=body.notification_ids,
        actor=user.username,
        sms=sms_configured(settings),
        scope=user.scope,
    )
    return ApprovedOut(approved=approved)


@router.post("/{agreement_id}/{number}/day/phoned-home", status_code=204, responses=REFUSED)
def phoned_home(
    db: DatabaseDep, user: Approver, agreement_id: IdPath, number: StageNumber, body: PhonedHomeIn
) -> None:
    """The returnee phoned home himself: the message is closed without being sent."""
    exchange_day.phoned_home(
        db,
        agreement_id=agreement_id,
        number=number,
        notification_id=body.notification_id,
        note=body.note,
        actor=user.username,
        scope=user.scope,
    )
