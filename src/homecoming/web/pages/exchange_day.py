"""Exchange day: one screen for the leads resting on a stage's recorded handovers.

Tick leads and verify them as a batch (each prepares its family's message); a second person
ticks the messages and approves them as a batch; "phoned home himself" closes a message
without sending one. The logic is services/exchange_day.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Conflict, Forbidden, HomecomingError, InvalidInput
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.notify.channels import sms_configured
from homecoming.services import exchange_day
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web.pages.exchanges import OUTCOME_LABELS
from homecoming.web.pages.tracing import LEAD_STATES, NOTIFICATION_STATES
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.INQUIRIES_READ)]
Verifier = Annotated[Principal, page_requires(Capability.LEADS_VERIFY)]
Approver = Annotated[Principal, page_requires(Capability.NOTIFICATIONS_APPROVE)]
DAY = "/ui/exchanges/{agreement_id}/stages/{number}/day"
MAX_BATCH = 1000


def _page(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    number: int,
    *,
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    found = exchange_day.rows(db, agreement_id=agreement_id, number=number, scope=user.scope)
    return render(
        request,
        "exchange_day.html",
        user=user,
        active="exchanges",
        status=status,
        agreement_id=agreement_id,
        number=number,
        rows=found,
        error=error,
        done=request.query_params.get("done", ""),
        count=request.query_params.get("count", ""),
        may_verify=allows(user.role, Capability.LEADS_VERIFY),
        may_approve=allows(user.role, Capability.NOTIFICATIONS_APPROVE),
        outcomes=OUTCOME_LABELS,
        lead_states=LEAD_STATES,
        notification_states=NOTIFICATION_STATES,
    )


@router.get("/exchanges/{agreement_id}/stages/{number}/day")
def day(
    request: Request, db: DatabaseDep, user: Reader, agreement_id: int, number: int
) -> HTMLResponse:
    """The stage's handover leads and their messages, to verify and approve in batches."""
    return _page(request, db, user, agreement_id, number)


def _ids(values: list[str]) -> list[int]:
    if len(values) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} at once")
    try:
        return [int(v) for v in values]
    except ValueError:
        raise InvalidInput("tick rows of this page only") from None


def _done(agreement_id: int, number: int, what: str, count: int) -> RedirectResponse:
    url = DAY.format(agreement_id=agreement_id, number=number)
    return RedirectResponse(f"{url}?done={what}&count={count}", status_code=303)


@router.post("/exchanges/{agreement_id}/stages/{number}/day/verify")
async def verify(
    request: Request, db: DatabaseDep, user: Verifier, agreement_id: int, number: int
) -> Response:
    """Verify the ticked leads; each prepares its family's message."""
    form = await request.form()
    try:
        done = exchange_day.verify(
            db,
            agreement_id=agreement_id,
            number=number,
            lead_ids=_ids([str(v) for v in form.getlist("lead")]),
            actor=user.username,
            scope=user.scope,
        )
    except (Conflict, InvalidInput) as refused:
        return _page(
            request, db, user, agreement_id, number, error=refused, status=refused.status_code
        )
    return _done(agreement_id, number, "verified", len(done.leads))


@router.post("/exchanges/{agreement_id}/stages/{number}/day/approve")
async def approve(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: Approver,
    agreement_id: int,
    number: int,
) -> Response:
    """A second person approves the ticked messages: all of them, or none."""
    form = await request.form()
    try:
        approved = exchange_day.approve(
            db,
            agreement_id=agreement_id,
            number=number,
            notification_ids=_ids([str(v) for v in form.getlist("notification")]),
            actor=user.username,
            sms=sms_configured(settings),
            scope=user.scope,
        )
    except (Conflict, Forbidden, InvalidInput) as refused:
        return _page(
            request, db, user, agreement_id, number, error=refused, status=refused.status_code
        )
    return _done(agreement_id, number, "approved", len(approved))


@router.post("/exchanges/{agreement_id}/stages/{number}/day/phoned-home/{notification_id}")
async def phoned_home(
    request: Request,
    db: DatabaseDep,
    user: Approver,
    agreement_id: int,
    number: int,
    notification_id: int,
) -> Response:
    """The returnee phoned home himself: close the message without sending it."""
    form = await request.form()
    note = str(form.get("note") or "")[:1000]
    try:
        exchange_day.phoned_home(
            db,
            agreement_id=agreement_id,
            number=number,
            notification_id=notification_id,
            note=note,
            actor=user.username,
            scope=user.scope,
        )
    except (Conflict, InvalidInput) as refused:
        return _page(
            request, db, user, agreement_id, number, error=refused, status=refused.status_code
        )
    return _done(agreement_id, number, "phoned_home", 1)
