"""/notifications: messages to families, approved by a second person, then sent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_tracing import CancelIn, DeliveryOut, NotificationOut, PrepareIn
from homecoming.domain.roles import Capability
from homecoming.errors import Conflict
from homecoming.http.deps import DatabaseDep, IdPath, SettingsDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.notify import DeliveryError
from homecoming.notify.channels import configured, sms_configured
from homecoming.services import delivery, notifications
from homecoming.services.notifications import NotificationState
from homecoming.services.users import Principal
from homecoming.tracing.templates import TemplateName

router = Router(prefix="/notifications", tags=["notifications"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.INQUIRIES_READ)]
Approver = Annotated[Principal, requires(Capability.NOTIFICATIONS_APPROVE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such notification")}


def _out(view: notifications.NotificationView) -> NotificationOut:
    return NotificationOut(**view.to_dict())


@router.get("")
def list_notifications(
    db: DatabaseDep,
    user: Reader,
    state: NotificationState | None = None,
    inquiry: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[NotificationOut]:
    """Messages to families, newest first (`state=prepared`: waiting for a second person)."""
    found = notifications.list_notifications(
        db, state=state, inquiry=inquiry, limit=limit, offset=offset
    )
    return [_out(v) for v in found]


@router.post("", status_code=201, responses={404: problem("No such inquiry")})
def prepare(db: DatabaseDep, user: Approver, body: PrepareIn) -> NotificationOut:
    """Prepare a message from a template; someone else must approve it."""
    view = notifications.prepare(
        db,
        inquiry=body.inquiry,
        template=TemplateName(body.template) if body.template else None,
        language=body.language,
        lead_id=body.lead_id,
        actor=user.username,
    )
    return _out(view)


@router.post("/send", responses={409: problem("No channel is configured")})
def send(db: DatabaseDep, settings: SettingsDep, user: Approver) -> DeliveryOut:
    """Deliver approved messages: e-mail, Web Push and SMS as configured; failures stay queued."""
    try:
        channels = configured(settings)
    except DeliveryError as error:
        raise Conflict(str(error)) from error
    report = delivery.deliver_all(db, channels=channels, actor=user.username)
    return DeliveryOut(sent=report.sent, failed=report.failed)


@router.get("/{notification_id}", responses=NOT_FOUND)
def show(db: DatabaseDep, user: Reader, notification_id: IdPath) -> NotificationOut:
    """One message, with its outbox state."""
    return _out(notifications.show(db, notification_id))


@router.post(
    "/{notification_id}/approve",
    responses={**NOT_FOUND, 403: problem("You prepared it"), 409: problem("Not prepared")},
)
def approve(
    db: DatabaseDep, settings: SettingsDep, user: Approver, notification_id: IdPath
) -> NotificationOut:
    """The second person approves: the message goes to the outbox (and the family's devices)."""
    view = notifications.approve(
        db, notification_id=notification_id, actor=user.username, sms=sms_configured(settings)
    )
    return _out(view)


@router.post("/{notification_id}/cancel", responses=NOT_FOUND)
def cancel(
    db: DatabaseDep, user: Approver, notification_id: IdPath, body: CancelIn
) -> NotificationOut:
    """Withdraw a message not yet sent."""
    return _out(
        notifications.cancel(
            db, notification_id=notification_id, reason=body.reason, actor=user.username
        )
    )
